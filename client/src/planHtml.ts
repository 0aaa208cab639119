/**
 * Renders a plan (and an apply result) as the HTML body of the plan webview. Pure: no `vscode`,
 * no I/O, so it is unit-tested directly (test/unit/planView.test.ts).
 *
 * Security rule (docs/security.md, "Webviews"): every string that comes from a config or the API
 * (experience, tag, system, suite and project names, field values, messages) goes through
 * `escapeHtml` exactly once, here (HTML and visible escapes of control and bidi characters). The page itself runs no inline script or style: the CSP of
 * `renderDocument` allows only the nonce'd media/plan.js and the media/ stylesheet.
 */
import { diffArrays, diffWords } from 'diff';
import type { FieldChange } from '../../protocol';
import { escapeVisible } from '../../server/src/security/text';
import { formatAge } from './format';
import type { ApplyResult, PlanJson, PlanJsonExperience, PreviewError, PreviewResult } from '../../protocol';
import { formatSummary, isNoOp } from '../../protocol';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an HTML text node or a quoted attribute value. Non-strings are stringified.
 * Control, bidirectional and invisible characters become visible escapes first (`\u202e`;
 * security/text.ts), so a name cannot reorder or hide what the reviewer reads.
 */
export function escapeHtml(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  return escapeVisible(s, { keepLines: true }).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A field value as the user reads it: strings bare, everything else as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** Text long enough that a word-level diff reads better than "before → after" (> 40 chars or several words). */
function isLongText(s: string): boolean {
  return s.length > 40 || /\s/.test(s.trim());
}

/**
 * One field change as escaped HTML. Long text gets a word-level diff (`diff.diffWords`), string
 * lists an item-level diff (`diff.diffArrays`), anything else "before → after". `before: null`
 * (a create) shows only the new value.
 */
export function renderFieldChange(change: FieldChange): string {
  const field = `<span class="field">${escapeHtml(change.field)}</span>`;
  const { before, after } = change;
  if (before === null || before === undefined) {
    return `<li class="change">${field} <span class="value added">${escapeHtml(valueText(after))}</span></li>`;
  }
  if (typeof before === 'string' && typeof after === 'string' && (isLongText(before) || isLongText(after))) {
    const parts = diffWords(before, after)
      .map((p) => p.added ? `<ins>${escapeHtml(p.value)}</ins>`
        : p.removed ? `<del>${escapeHtml(p.value)}</del>`
        : `<span>${escapeHtml(p.value)}</span>`)
      .join('');
    return `<li class="change">${field} <span class="value worddiff">${parts}</span></li>`;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const items = diffArrays(before.map(itemText), after.map(itemText)).flatMap((p) => p.value.map((v) =>
      p.added ? `<li class="added"><span class="sign">+</span> ${escapeHtml(v)}</li>`
        : p.removed ? `<li class="removed"><span class="sign">−</span> ${escapeHtml(v)}</li>`
        : `<li class="same"><span class="sign"> </span> ${escapeHtml(v)}</li>`));
    return `<li class="change">${field}<ul class="listdiff">${items.join('')}</ul></li>`;
  }
  return `<li class="change">${field} <del>${escapeHtml(valueText(before))}</del> <span class="arrow">→</span> ` +
    `<ins>${escapeHtml(valueText(after))}</ins></li>`;
}

/**
 * One list item as the user reads it: strings bare, `{name, value}` (environment variables) as
 * `NAME=value`, `{name, type, values}` (custom fields) as `name (type): a, b`, else JSON.
 */
export function itemText(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.value === 'string' && Object.keys(o).length === 2) return `${o.name}=${o.value}`;
    if (typeof o.name === 'string' && typeof o.type === 'string' && Array.isArray(o.values)) {
      return `${o.name} (${o.type}): ${o.values.map(String).join(', ')}`;
    }
  }
  return valueText(item);
}

const ACTION_LABEL: Record<PlanJsonExperience['action'], { sign: string; label: string }> = {
  create: { sign: '+', label: 'create' },
  update: { sign: '~', label: 'update' },
  restore: { sign: '↺', label: 'restore' },
  archive: { sign: '−', label: 'archive' },
  unchanged: { sign: '✓', label: 'unchanged' },
};

function renderExperience(e: PlanJsonExperience): string {
  const a = ACTION_LABEL[e.action] ?? { sign: '?', label: String(e.action) };
  const id = e.experienceID ? ` <span class="muted id">${escapeHtml(e.experienceID)}</span>` : '';
  const matched = e.matchedBy ? ` <span class="muted">matched by ${escapeHtml(e.matchedBy)}</span>` : '';
  const renamed = e.previousName ? ` <span class="muted">was “${escapeHtml(e.previousName)}”</span>` : '';
  const changes = e.changes?.length && e.action !== 'archive'
    ? `<ul class="changes">${e.changes.map(renderFieldChange).join('')}</ul>` : '';
  return `<li class="experience action-${escapeHtml(e.action)}"><span class="badge badge-${escapeHtml(e.action)}" ` +
    `title="${escapeHtml(a.label)}">${escapeHtml(a.sign)} ${escapeHtml(a.label)}</span> ` +
    `<span class="name">${escapeHtml(e.name)}</span>${renamed}${id}${matched}${changes}</li>`;
}

function nameList(names: string[], cls: string, sign: string): string {
  return names.map((n) => `<li class="${cls}"><span class="sign">${sign}</span> ${escapeHtml(n)}</li>`).join('');
}

function renderSuite(s: PlanJson['testSuites'][number]): string {
  const before = new Set(s.before);
  const after = new Set(s.after);
  const rows = [
    ...s.after.filter((n) => !before.has(n)).map((n) => `<li class="added"><span class="sign">+</span> ${escapeHtml(n)}</li>`),
    ...s.before.filter((n) => !after.has(n)).map((n) => `<li class="removed"><span class="sign">−</span> ${escapeHtml(n)}</li>`),
    ...s.after.filter((n) => before.has(n)).map((n) => `<li class="same"><span class="sign"> </span> ${escapeHtml(n)}</li>`),
  ];
  const state = s.changed ? '<span class="badge badge-update">~ new revision</span>' : '<span class="badge badge-unchanged">✓ unchanged</span>';
  return `<li class="suite">${state} <span class="name">${escapeHtml(s.name)}</span> ` +
    `<span class="muted">${s.before.length} → ${s.after.length} experiences</span>` +
    `<div class="members"><div><div class="muted">before</div><ul>${s.before.map((n) => `<li>${escapeHtml(n)}</li>`).join('') || '<li class="muted">(none)</li>'}</ul></div>` +
    `<div><div class="muted">after</div><ul>${s.after.map((n) => `<li>${escapeHtml(n)}</li>`).join('') || '<li class="muted">(none)</li>'}</ul></div></div>` +
    (s.changed ? `<ul class="listdiff">${rows.join('')}</ul>` : '') + '</li>';
}

function renderErrors(errors: PreviewError[]): string {
  if (!errors.length) return '';
  const rows = errors.map((e) => {
    const where = e.line ? ` <span class="muted">[Ln ${escapeHtml(e.line)}${e.column ? `, Col ${escapeHtml(e.column)}` : ''}]</span>` : '';
    return `<li><span class="code">${escapeHtml(e.code)}</span> ${escapeHtml(e.message)}${where}</li>`;
  });
  return `<section class="errors" role="alert"><h2>⚠ ${errors.length} error${errors.length === 1 ? '' : 's'}: this plan cannot be applied</h2>` +
    `<ul>${rows.join('')}</ul><p class="muted">Fix them in the file (see the Problems panel), then preview again.</p></section>`;
}

/** Options of `renderPlanBody`. `now` is passed in so that output is deterministic. */
export interface RenderPlanOptions {
  now: Date;
  /** The config file's name as shown in the header. */
  fileLabel: string;
  /** Disables the Apply button (an apply is running, or the workspace is untrusted). */
  applyDisabled?: boolean;
  /** Why the plan no longer matches the file or the project (e.g. "the file changed"): shown, and Apply is disabled. */
  stale?: string;
}

const SUMMARY_KEYS: [keyof PlanJson['summary'], string][] = [
  ['create', 'create'], ['update', 'update'], ['restore', 'restore'], ['archive', 'archive'],
  ['unchanged', 'unchanged'], ['tagAdditions', 'tag additions'], ['tagRemovals', 'tag removals'],
  ['systemAdditions', 'system additions'], ['testSuiteRevisions', 'suite revisions'],
];

/** The plan webview's body: header, summary, errors, experiences, tags, systems, suites, warnings, Apply. */
export function renderPlanBody(result: PreviewResult, opts: RenderPlanOptions): string {
  const plan = result.plan ?? undefined;
  const errors = result.errors ?? [];
  const out: string[] = [];
  out.push(`<header><h1>Sync plan <span class="muted">for</span> <span class="file">${escapeHtml(opts.fileLabel)}</span></h1>`);
  if (plan) {
    out.push(`<p class="meta">Project <span class="project">${escapeHtml(plan.project.name)}</span> ` +
      `<span class="muted id">${escapeHtml(plan.project.id)}</span> · state read <span class="age">${escapeHtml(formatAge(plan.stateFetchedAt, opts.now))}</span></p>`);
  }
  out.push('</header>');
  if (opts.stale) {
    out.push(`<section class="stale" role="alert"><h2>⚠ Stale plan</h2><p>${escapeHtml(opts.stale)}; this plan is no longer what Apply would do. ` +
      'Preview again to see the current plan.</p></section>');
  }
  out.push(renderErrors(errors));
  if (!plan) {
    if (!errors.length) out.push('<p class="muted">No plan: the project state could not be read.</p>');
    out.push(renderToolbar(false, true));
    return out.join('');
  }
  const noop = isNoOp(plan.summary);
  const counts = SUMMARY_KEYS.map(([k, label]) =>
    `<li class="count count-${k}${plan.summary[k] ? '' : ' zero'}"><span class="n">${escapeHtml(plan.summary[k])}</span> ${label}</li>`);
  out.push(`<section class="summary"><ul class="counts">${counts.join('')}</ul>` +
    `<p class="summary-text">${noop ? '' : escapeHtml(formatSummary(plan.summary))}</p></section>`);
  if (plan.massArchive?.tripped) {
    const m = plan.massArchive;
    out.push(`<section class="mass-archive" role="alert">⚠ This plan archives ${escapeHtml(m.archiveCount)} of ${escapeHtml(m.activeCount)} active ` +
      `experiences (guard: ${escapeHtml(m.threshold)}). Apply asks you to type the project name.</section>`);
  }
  if (noop && !errors.length) {
    out.push('<section class="nochanges"><h2>✓ No changes</h2><p>The project already matches this file. Apply would make no API call.</p></section>');
  }
  const changed = plan.experiences.filter((e) => e.action !== 'unchanged');
  const unchanged = plan.experiences.filter((e) => e.action === 'unchanged');
  if (changed.length) {
    out.push(`<section class="experiences"><h2>Experiences</h2><ul>${changed.map(renderExperience).join('')}</ul></section>`);
  }
  if (unchanged.length) {
    out.push(`<details class="unchanged" data-key="unchanged"><summary>${unchanged.length} unchanged experience${unchanged.length === 1 ? '' : 's'}</summary>` +
      `<ul>${unchanged.map(renderExperience).join('')}</ul></details>`);
  }
  const tags = plan.tags.filter((t) => t.add.length || t.remove.length);
  if (tags.length) {
    out.push('<section class="tags"><h2>Tags</h2><ul>' + tags.map((t) =>
      `<li class="tag"><span class="name">${escapeHtml(t.name)}</span><ul class="listdiff">` +
      nameList(t.add, 'added', '+') + nameList(t.remove, 'removed', '−') + '</ul></li>').join('') + '</ul></section>');
  }
  const systems = plan.systems.filter((s) => s.add.length);
  if (systems.length) {
    out.push('<section class="systems"><h2>Systems</h2><ul>' + systems.map((s) =>
      `<li class="system"><span class="name">${escapeHtml(s.name)}</span><ul class="listdiff">${nameList(s.add, 'added', '+')}</ul></li>`).join('') +
      '</ul></section>');
  }
  if (plan.testSuites.length) {
    out.push(`<section class="suites"><h2>Test suites</h2><ul>${plan.testSuites.map(renderSuite).join('')}</ul></section>`);
  }
  if (plan.warnings?.length) {
    out.push(`<section class="warnings"><h2>Warnings</h2><ul>${plan.warnings.map((w) => `<li>⚠ ${escapeHtml(w)}</li>`).join('')}</ul></section>`);
  }
  out.push(renderToolbar(!noop && !errors.length && !opts.applyDisabled && !opts.stale, Boolean(opts.stale)));
  return out.join('');
}

function renderToolbar(canApply: boolean, planMissing: boolean): string {
  return '<footer class="toolbar">' +
    `<button id="apply" class="primary" data-can-apply="${canApply}" ${canApply ? '' : 'disabled'}>Apply</button>` +
    `<button id="refresh" class="secondary">${planMissing ? 'Preview again' : 'Refresh'}</button>` +
    '</footer>';
}

/** The body for an apply result: counts and every failed call with its error. */
export function renderApplyResultBody(result: ApplyResult, opts: { fileLabel: string; projectName: string }): string {
  const failed = result.calls.filter((c) => !c.ok);
  const okCount = result.calls.length - failed.length;
  const head = `<header><h1>Apply result <span class="muted">for</span> <span class="file">${escapeHtml(opts.fileLabel)}</span></h1>` +
    `<p class="meta">Project <span class="project">${escapeHtml(opts.projectName)}</span></p></header>`;
  const status = result.cancelled
    ? `<section class="mass-archive" role="alert"><h2>Cancelled</h2><p>${okCount} call${okCount === 1 ? '' : 's'} ran before the cancel; preview again to see what is left.</p>` +
      (failed.length ? `<ul class="failures">${failed.map((c) => `<li><span class="code">${escapeHtml(c.operation)}</span> ` +
        `<span class="name">${escapeHtml(c.target)}</span>: ${escapeHtml(c.error ?? 'failed')}</li>`).join('')}</ul>` : '') + '</section>'
    : result.ok && !failed.length
    ? `<section class="nochanges"><h2>✓ Applied</h2><p>${okCount} API call${okCount === 1 ? '' : 's'} succeeded.</p></section>`
    : `<section class="errors" role="alert"><h2>⚠ ${escapeHtml(result.failures || failed.length)} of ${result.calls.length} calls failed</h2>` +
      `<p>${okCount} succeeded. Running Apply again converges: it only redoes what is still missing.</p>` +
      `<ul class="failures">${failed.map((c) => `<li><span class="code">${escapeHtml(c.operation)}</span> ` +
        `<span class="name">${escapeHtml(c.target)}</span>: ${escapeHtml(c.error ?? 'failed')}</li>`).join('')}</ul></section>`;
  const calls = result.calls.length
    ? `<details data-key="calls"><summary>All ${result.calls.length} calls</summary><ul class="calls">${result.calls.map((c) =>
      `<li class="${c.ok ? 'ok' : 'failed'}"><span class="sign">${c.ok ? '✓' : '✗'}</span> <span class="code">${escapeHtml(c.operation)}</span> ${escapeHtml(c.target)}</li>`).join('')}</ul></details>`
    : '';
  return head + status + calls + '<footer class="toolbar"><button id="refresh" class="secondary">Preview again</button></footer>';
}

/** What `renderDocument` needs from the webview (URIs already converted with `asWebviewUri`). */
export interface DocumentParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  body: string;
  /** Identifies what is shown (e.g. the file URI) so the script restores scroll only for the same content. */
  docId?: string;
}

/** The Content-Security-Policy of the plan webview: nothing but our nonce'd script and media/ styles and fonts. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; font-src ${cspSource}; img-src ${cspSource}; script-src 'nonce-${nonce}';`;
}

/** The whole webview document. `body` must come from `renderPlanBody`/`renderApplyResultBody`. */
export function renderDocument(p: DocumentParts): string {
  return '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, p.nonce))}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">' +
    `<link rel="stylesheet" href="${escapeHtml(p.styleUri)}"><title>${escapeHtml(p.title)}</title></head>` +
    `<body><main id="plan" data-doc="${escapeHtml(p.docId ?? '')}">${p.body}</main><script nonce="${escapeHtml(p.nonce)}" src="${escapeHtml(p.scriptUri)}"></script></body></html>`;
}
