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
import { itemText, valueText } from '../../server/src/sync/valueText';
import { formatAge } from './format';
import type { ApplyResult, PlanJson, PlanJsonExperience, PreviewError, PreviewResult } from '../../protocol';
import { cancelledApplyLine, configErrors, formatSummary, isNoOp } from '../../protocol';

export { itemText, valueText };

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
      .map((p) =>
        p.added
          ? `<ins>${escapeHtml(p.value)}</ins>`
          : p.removed
            ? `<del>${escapeHtml(p.value)}</del>`
            : `<span>${escapeHtml(p.value)}</span>`,
      )
      .join('');
    return `<li class="change">${field} <span class="value worddiff">${parts}</span></li>`;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const items = diffArrays(before.map(itemText), after.map(itemText)).flatMap((p) =>
      p.value.map((v) =>
        p.added
          ? `<li class="added"><span class="sign">+</span> ${escapeHtml(v)}</li>`
          : p.removed
            ? `<li class="removed"><span class="sign">−</span> ${escapeHtml(v)}</li>`
            : `<li class="same"><span class="sign"> </span> ${escapeHtml(v)}</li>`,
      ),
    );
    return `<li class="change">${field}<ul class="listdiff">${items.join('')}</ul></li>`;
  }
  return (
    `<li class="change">${field} <del>${escapeHtml(valueText(before))}</del> <span class="arrow">→</span> ` +
    `<ins>${escapeHtml(valueText(after))}</ins></li>`
  );
}

const ACTION_LABEL: Record<PlanJsonExperience['action'], { sign: string; label: string }> = {
  create: { sign: '+', label: 'create' },
  update: { sign: '~', label: 'update' },
  restore: { sign: '↺', label: 'restore' },
  archive: { sign: '−', label: 'archive' },
  unchanged: { sign: '✓', label: 'unchanged' },
};

/**
 * A name that reveals its entry in the config when clicked (media/plan.js posts `reveal` with
 * `data-name`; the extension finds the entry by the document's symbols).
 */
function revealLink(name: string, kind: 'experience' | 'testSuite'): string {
  return `<a href="#" class="name reveal" data-kind="${kind}" data-name="${escapeHtml(name)}" title="Show in the config">${escapeHtml(name)}</a>`;
}

/** Why an experience is archived: the file does not list it (archiving unlisted is on), or lists it with `archived: true`. */
export function archiveReason(e: PlanJsonExperience): string {
  return e.matchedBy ? 'archived: true in the file' : 'not listed in the file';
}

function renderExperience(e: PlanJsonExperience): string {
  const a = ACTION_LABEL[e.action] ?? { sign: '?', label: String(e.action) };
  const id = e.experienceID ? ` <span class="muted id">${escapeHtml(e.experienceID)}</span>` : '';
  const matched = e.matchedBy ? ` <span class="muted">matched by ${escapeHtml(e.matchedBy)}</span>` : '';
  const renamed = e.previousName ? ` <span class="muted">was “${escapeHtml(e.previousName)}”</span>` : '';
  const why =
    e.action === 'archive'
      ? ` <span class="muted why"${e.matchedBy ? '' : ' title="Unlisted experiences are archived (resim.archiveUnlisted; --no-archive turns it off)"'}>${escapeHtml(archiveReason(e))}</span>`
      : '';
  const changes =
    e.changes?.length && e.action !== 'archive' ? `<ul class="changes">${e.changes.map(renderFieldChange).join('')}</ul>` : '';
  // An unlisted experience has no entry in the file to reveal.
  const name =
    e.action === 'archive' && !e.matchedBy ? `<span class="name">${escapeHtml(e.name)}</span>` : revealLink(e.name, 'experience');
  return (
    `<li class="experience action-${escapeHtml(e.action)}"><span class="badge badge-${escapeHtml(e.action)}" ` +
    `title="${escapeHtml(a.label)}">${escapeHtml(a.sign)} ${escapeHtml(a.label)}</span> ` +
    `${name}${renamed}${id}${matched}${why}${changes}</li>`
  );
}

/** How many entries of a long list the webview renders at first, and per "Show more". */
export const PAGE_SIZE = 200;

/**
 * Experience lists longer than this are virtualised: the body holds an empty
 * `<ul data-virtual="<key>" data-count="n">`; media/plan.js lays out placeholder blocks, asks
 * for the rows of the blocks near the viewport (rendered and escaped here, by `renderRows`, in
 * the extension host) and drops those that leave it, so a plan of 50,000 entries stays a few
 * thousand nodes.
 */
export const VIRTUAL_MIN = PAGE_SIZE;

/** The lists of a plan that `renderPlanBody` leaves to the page to virtualise (render them with `renderRows`). */
export function virtualLists(result: PreviewResult): Record<string, PlanJsonExperience[]> {
  const plan = result.plan ?? undefined;
  if (!plan) return {};
  const out: Record<string, PlanJsonExperience[]> = {};
  const changed = plan.experiences.filter((e) => e.action !== 'unchanged');
  const unchanged = plan.experiences.filter((e) => e.action === 'unchanged');
  if (changed.length > VIRTUAL_MIN) out.changed = changed;
  if (unchanged.length > VIRTUAL_MIN) out.unchanged = unchanged;
  return out;
}

/** Rows of a virtualised list as escaped HTML (`<li class="experience …">`). */
export function renderRows(list: readonly PlanJsonExperience[]): string[] {
  return list.map(renderExperience);
}

/** `virtualLists`, rendered. */
export function virtualRows(result: PreviewResult): Record<string, string[]> {
  return Object.fromEntries(Object.entries(virtualLists(result)).map(([k, v]) => [k, renderRows(v)]));
}

function experienceList(list: readonly PlanJsonExperience[], key: string): string {
  return list.length > VIRTUAL_MIN
    ? `<ul class="virtual" data-virtual="${escapeHtml(key)}" data-count="${list.length}"></ul>`
    : `<ul>${list.map(renderExperience).join('')}</ul>`;
}

/**
 * The first `limit` of `items` rendered, then a "Show more" button (media/plan.js posts `more`
 * with `key`), so that a plan of 50,000 entries is a few thousand DOM nodes.
 */
function paged<T>(items: readonly T[], key: string, limit: number | undefined, render: (x: T) => string): string {
  const n = Math.min(items.length, Math.max(PAGE_SIZE, limit ?? PAGE_SIZE));
  const rows = items.slice(0, n).map(render).join('');
  if (n >= items.length) return rows;
  const next = Math.min(PAGE_SIZE, items.length - n);
  return (
    rows +
    `<li class="more-row"><button class="secondary more" data-more="${escapeHtml(key)}">Show ${next} more</button> ` +
    `<span class="muted">${n} of ${items.length} shown</span></li>`
  );
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
  const state = s.changed
    ? '<span class="badge badge-update">~ new revision</span>'
    : '<span class="badge badge-unchanged">✓ unchanged</span>';
  return (
    `<li class="suite">${state} ${revealLink(s.name, 'testSuite')} ` +
    `<span class="muted">${s.before.length} → ${s.after.length} experiences</span>` +
    `<div class="members"><div><div class="muted">before</div><ul>${s.before.map((n) => `<li>${escapeHtml(n)}</li>`).join('') || '<li class="muted">(none)</li>'}</ul></div>` +
    `<div><div class="muted">after</div><ul>${s.after.map((n) => `<li>${escapeHtml(n)}</li>`).join('') || '<li class="muted">(none)</li>'}</ul></div></div>` +
    (s.changed ? `<ul class="listdiff">${rows.join('')}</ul>` : '') +
    '</li>'
  );
}

function renderErrors(errors: PreviewError[]): string {
  if (!errors.length) return '';
  const rows = errors.map((e) => {
    const where = e.line
      ? ` <a href="#" class="muted reveal" data-line="${escapeHtml(e.line)}" data-column="${escapeHtml(e.column ?? 1)}" title="Show in the config">[Ln ${escapeHtml(e.line)}${e.column ? `, Col ${escapeHtml(e.column)}` : ''}]</a>`
      : '';
    return `<li><span class="code">${escapeHtml(e.code)}</span> ${escapeHtml(e.message)}${where}</li>`;
  });
  return (
    `<section class="errors" role="alert"><h2>⚠ ${errors.length} error${errors.length === 1 ? '' : 's'}: this plan cannot be applied</h2>` +
    `<ul>${rows.join('')}</ul><p class="muted">Fix them in the file (see the Problems panel), then preview again.</p></section>`
  );
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
  /** How many entries of each paged list to render (`suites`, `tag:<name>`); default PAGE_SIZE. */
  limits?: Record<string, number>;
}

const SUMMARY_KEYS: [keyof PlanJson['summary'], string, string][] = [
  ['create', 'create', 'create'],
  ['update', 'update', 'update'],
  ['restore', 'restore', 'restore'],
  ['archive', 'archive', 'archive'],
  ['unchanged', 'unchanged', 'unchanged'],
  ['tagAdditions', 'tag addition', 'tag additions'],
  ['tagRemovals', 'tag removal', 'tag removals'],
  ['systemAdditions', 'system addition', 'system additions'],
  ['testSuiteRevisions', 'suite revision', 'suite revisions'],
];

/** The plan webview's body: header, summary, errors, experiences, tags, systems, suites, warnings, Apply. */
export function renderPlanBody(result: PreviewResult, opts: RenderPlanOptions): string {
  const plan = result.plan ?? undefined;
  const errors = result.errors ?? [];
  const out: string[] = [];
  out.push(`<header><h1>Sync plan <span class="muted">for</span> <span class="file">${escapeHtml(opts.fileLabel)}</span></h1>`);
  if (plan) {
    out.push(
      `<p class="meta">Project <span class="project">${escapeHtml(plan.project.name)}</span> ` +
        `<span class="muted id">${escapeHtml(plan.project.id)}</span> · state read <span class="age">${escapeHtml(formatAge(plan.stateFetchedAt, opts.now))}</span></p>`,
    );
  }
  out.push('</header>');
  if (opts.stale) {
    out.push(
      `<section class="stale" role="alert"><h2>⚠ Stale plan</h2><p>${escapeHtml(opts.stale)}${plan ? '; this plan is no longer what Apply would do' : ''}. ` +
        'Preview again to see the current plan.</p></section>',
    );
  }
  out.push(renderErrors(configErrors(errors)));
  if (!plan) {
    const unavailable = errors.find((e) => e.code === 'state-unavailable');
    if (!opts.stale)
      out.push(`<p class="muted no-plan">No plan: ${escapeHtml(unavailable?.message ?? 'the project state could not be read.')}</p>`);
    out.push(renderToolbar(false, true));
    return out.join('');
  }
  const noop = isNoOp(plan.summary);
  // The counts are the summary (a sentence repeating them would say it twice).
  const counts = SUMMARY_KEYS.map(
    ([k, one, many]) =>
      `<li class="count count-${k}${plan.summary[k] ? '' : ' zero'}"><span class="n">${escapeHtml(plan.summary[k])}</span> ${plan.summary[k] === 1 ? one : many}</li>`,
  );
  out.push(
    `<section class="summary" aria-label="${escapeHtml(formatSummary(plan.summary))}"><ul class="counts">${counts.join('')}</ul></section>`,
  );
  if (plan.massArchive?.tripped) {
    const m = plan.massArchive;
    out.push(
      `<section class="mass-archive" role="alert">⚠ This plan archives ${escapeHtml(m.archiveCount)} of ${escapeHtml(m.activeCount)} active ` +
        `experiences (guard: ${escapeHtml(m.threshold)}). Apply asks you to type the project name.</section>`,
    );
  }
  if (noop && !errors.length) {
    out.push(
      '<section class="nochanges"><h2>✓ No changes</h2><p>The project already matches this file. Apply would make no API call.</p></section>',
    );
  }
  const changed = plan.experiences.filter((e) => e.action !== 'unchanged');
  const unchanged = plan.experiences.filter((e) => e.action === 'unchanged');
  const limits = opts.limits ?? {};
  if (changed.length) {
    out.push(`<section class="experiences"><h2>Experiences</h2>${experienceList(changed, 'changed')}</section>`);
  }
  if (unchanged.length) {
    out.push(
      `<details class="unchanged" data-key="unchanged"><summary>${unchanged.length} unchanged experience${unchanged.length === 1 ? '' : 's'}</summary>` +
        `${experienceList(unchanged, 'unchanged')}</details>`,
    );
  }
  const tags = plan.tags.filter((t) => t.add.length || t.remove.length);
  if (tags.length) {
    out.push(
      '<section class="tags"><h2>Tags</h2><ul>' +
        tags
          .map(
            (t) =>
              `<li class="tag"><span class="name">${escapeHtml(t.name)}</span><ul class="listdiff">` +
              paged(
                [...t.add.map((n) => ['+', n]), ...t.remove.map((n) => ['−', n])],
                `tag:${t.name}`,
                limits[`tag:${t.name}`],
                ([sign, n]) => nameList([n], sign === '+' ? 'added' : 'removed', sign),
              ) +
              '</ul></li>',
          )
          .join('') +
        '</ul></section>',
    );
  }
  const systems = plan.systems.filter((s) => s.add.length);
  if (systems.length) {
    out.push(
      '<section class="systems"><h2>Systems</h2><ul>' +
        systems
          .map(
            (s) =>
              `<li class="system"><span class="name">${escapeHtml(s.name)}</span><ul class="listdiff">${nameList(s.add, 'added', '+')}</ul></li>`,
          )
          .join('') +
        '</ul></section>',
    );
  }
  if (plan.testSuites.length) {
    out.push(
      `<section class="suites"><h2>Test suites</h2><ul>${paged(plan.testSuites, 'suites', limits.suites, renderSuite)}</ul></section>`,
    );
  }
  if (plan.warnings?.length) {
    out.push(
      `<section class="warnings"><h2>Warnings</h2><ul>${plan.warnings.map((w) => `<li>⚠ ${escapeHtml(w)}</li>`).join('')}</ul></section>`,
    );
  }
  out.push(
    renderToolbar(
      !noop && !configErrors(errors).length && !opts.applyDisabled && !opts.stale,
      Boolean(opts.stale),
      `Apply ${opts.fileLabel} to ${plan.project.name}`,
    ),
  );
  return out.join('');
}

/** The toolbar; `applyLabel` names the file and the project ("Apply demo.experiences.yaml to demo"). */
function renderToolbar(canApply: boolean, planMissing: boolean, applyLabel = 'Apply'): string {
  return (
    '<footer class="toolbar">' +
    `<button id="apply" class="primary" data-can-apply="${canApply}" ${canApply ? '' : 'disabled'}>${escapeHtml(applyLabel)}</button>` +
    `<button id="refresh" class="secondary">${planMissing ? 'Preview again' : 'Refresh'}</button>` +
    '</footer>'
  );
}

/** The body for an apply result: counts and every failed call with its error. */
export function renderApplyResultBody(
  result: ApplyResult,
  opts: { fileLabel: string; projectName: string; limits?: Record<string, number> },
): string {
  const failed = result.calls.filter((c) => !c.ok && !c.skipped);
  const skipped = result.calls.filter((c) => c.skipped);
  const okCount = result.calls.length - failed.length - skipped.length;
  const skippedNote = skipped.length
    ? `<p class="muted skipped">${skipped.length} call${skipped.length === 1 ? ' was' : 's were'} not made (${escapeHtml(skippedReasons(skipped))}).</p>`
    : '';
  const head =
    `<header><h1>Apply result <span class="muted">for</span> <span class="file">${escapeHtml(opts.fileLabel)}</span></h1>` +
    `<p class="meta">Project <span class="project">${escapeHtml(opts.projectName)}</span></p></header>`;
  const status = result.cancelled
    ? `<section class="mass-archive" role="alert"><h2>Cancelled</h2><p class="cancelled-line">${escapeHtml(cancelledApplyLine(result))}. Calls made stay made; preview again to see what is left.</p>` +
      (failed.length
        ? `<ul class="failures">${failed
            .map(
              (c) =>
                `<li><span class="code">${escapeHtml(c.operation)}</span> ` +
                `<span class="name">${escapeHtml(c.target)}</span>: ${escapeHtml(c.error ?? 'failed')}</li>`,
            )
            .join('')}</ul>`
        : '') +
      '</section>'
    : result.ok && !failed.length
      ? `<section class="nochanges"><h2>✓ Applied</h2><p>${okCount} API call${okCount === 1 ? '' : 's'} succeeded.</p>${skippedNote}</section>`
      : `<section class="errors" role="alert"><h2>⚠ ${escapeHtml(failed.length)} of ${okCount + failed.length} call${okCount + failed.length === 1 ? '' : 's'} failed</h2>` +
        `<p>${okCount} succeeded. Running Apply again converges: it only redoes what is still missing.</p>${skippedNote}` +
        `<ul class="failures">${failed
          .map(
            (c) =>
              `<li><span class="code">${escapeHtml(c.operation)}</span> ` +
              `<span class="name">${escapeHtml(c.target)}</span>: ${escapeHtml(c.error ?? 'failed')}</li>`,
          )
          .join('')}</ul></section>`;
  const made = result.calls.filter((c) => !c.skipped);
  const calls = made.length
    ? `<details data-key="calls"><summary>All ${made.length} call${made.length === 1 ? '' : 's'} made</summary><ul class="calls">${paged(
        made,
        'calls',
        opts.limits?.calls,
        (c) =>
          `<li class="${c.ok ? 'ok' : 'failed'}"><span class="sign">${c.ok ? '✓' : '✗'}</span> <span class="code">${escapeHtml(c.operation)}</span> ${escapeHtml(c.target)}</li>`,
      )}</ul></details>`
    : '';
  return head + status + calls + '<footer class="toolbar"><button id="refresh" class="secondary">Preview again</button></footer>';
}

/** "cancelled", or the distinct reasons of skipped calls (at most three). */
function skippedReasons(skipped: ApplyResult['calls']): string {
  const reasons = [...new Set(skipped.map((c) => c.error || 'skipped'))];
  return reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? '; …' : '');
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
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, p.nonce))}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">' +
    `<link rel="stylesheet" href="${escapeHtml(p.styleUri)}"><title>${escapeHtml(p.title)}</title></head>` +
    `<body><main id="plan" data-doc="${escapeHtml(p.docId ?? '')}">${p.body}</main><script nonce="${escapeHtml(p.nonce)}" src="${escapeHtml(p.scriptUri)}"></script></body></html>`
  );
}
