/**
 * Renders a plan for people (text like `terraform plan`) and for machines (the JSON of
 * DESIGN.md, "--json on preview prints the plan"). Renders only: every decision is the plan's.
 *
 * Names and values come from the config and the API (anyone with project access sets them): in
 * the text they are written with `escapeVisible`/`quote` (security/text.ts), so a control,
 * bidirectional or invisible character shows as an escape and cannot rewrite the terminal.
 */
import type { ConfigPath, Plan, SyncConfig } from './model';
import { planHasChanges } from './plan';
import { escapeVisible, quote } from '../security/text';

/**
 * The plan JSON of DESIGN.md (plus `archiveUnlisted` and `massArchive`; plus `configFingerprint`
 * when given, which a saved plan carries so that `apply --plan` refuses a changed config).
 */
export function planToJson(plan: Plan, extra: { configFingerprint?: string } = {}): Record<string, unknown> {
  return {
    project: plan.project,
    stateFingerprint: plan.stateFingerprint,
    ...(extra.configFingerprint ? { configFingerprint: extra.configFingerprint } : {}),
    archiveUnlisted: plan.archiveUnlisted,
    summary: plan.summary,
    experiences: plan.experiences.map((e) => ({
      name: e.name,
      action: e.action,
      experienceID: e.experienceID,
      matchedBy: e.matchedBy,
      changes: e.changes,
      ...(e.previousName !== undefined ? { previousName: e.previousName } : {}),
      ...(e.thenArchive ? { thenArchive: true } : {}),
    })),
    tags: plan.tags.map((t) => ({ name: t.name, add: t.add, remove: t.remove })),
    systems: plan.systems.map((s) => ({ name: s.name, add: s.add })),
    testSuites: plan.testSuites.map((s) => ({ name: s.name, before: s.before, after: s.after, changed: s.changed })),
    warnings: [...plan.warnings, ...plan.notices.filter((n) => n.severity === 'warning').map((n) => n.message)],
    massArchive: plan.massArchive,
  };
}

export interface Style {
  color: boolean;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', cyan: '\x1b[36m' };

/** The symbol of each action, as in the CLI text, the code lens and the webview. */
export const ACTION_SYMBOL = { create: '+', update: '~', restore: '↺', archive: '-', unchanged: '✓' } as const;

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '(unset)';
  return escapeVisible(JSON.stringify(v));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line summing up the plan, e.g. "Plan: 1 to create, 2 to update, 0 to archive." */
export function summaryLine(plan: Plan): string {
  if (!planHasChanges(plan)) return 'No changes. The project matches the config.';
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.restore) parts.push(`${s.restore} to restore`);
  parts.push(`${s.archive} to archive`);
  const extra: string[] = [];
  if (s.tagAdditions) extra.push(plural(s.tagAdditions, 'tag addition'));
  if (s.tagRemovals) extra.push(plural(s.tagRemovals, 'tag removal'));
  if (s.systemAdditions) extra.push(plural(s.systemAdditions, 'system addition'));
  if (s.testSuiteRevisions) extra.push(plural(s.testSuiteRevisions, 'test suite revision'));
  return `Plan: ${parts.join(', ')}${extra.length ? `; ${extra.join(', ')}` : ''}. ${s.unchanged} unchanged.`;
}

/** The plan as text, like `terraform plan`: a symbol per action, field diffs, a summary line. */
export function renderPlanText(plan: Plan, style: Style = { color: false }): string {
  const c = (code: keyof typeof ANSI, s: string) => (style.color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
  const colorOf = { create: 'green', update: 'yellow', restore: 'cyan', archive: 'red', unchanged: 'dim' } as const;
  const out: string[] = [`ReSim project ${quote(plan.project.name)} (${escapeVisible(plan.project.id)})`, ''];
  if (!planHasChanges(plan)) {
    out.push(c('green', summaryLine(plan)));
    for (const w of plan.warnings) out.push(c('yellow', `Warning: ${escapeVisible(w)}`));
    return out.join('\n') + '\n';
  }
  out.push('Sync will perform these actions:', '');
  for (const e of plan.experiences) {
    if (e.action === 'unchanged') continue;
    const label = `${ACTION_SYMBOL[e.action]} ${e.action.padEnd(7)} ${escapeVisible(e.name)}`;
    const how = e.previousName !== undefined ? ` (renamed from ${quote(e.previousName)}, matched by ID)` : e.experienceID
          ? ` (${escapeVisible(e.experienceID)})`
          : e.thenArchive
            ? ' (then archived: the entry says archived: true)'
            : '';
    out.push(`  ${c(colorOf[e.action], label)}${c('dim', how)}`);
    for (const ch of e.changes) {
      out.push(e.action === 'create' ? `      ${escapeVisible(ch.field)}: ${fmt(ch.after)}` : `      ${escapeVisible(ch.field)}: ${fmt(ch.before)} → ${fmt(ch.after)}`);
    }
  }
  const revised = plan.testSuites.filter((s) => s.changed);
  const groups = revised.length + plan.tags.length + plan.systems.length;
  if (groups) out.push('');
  for (const s of revised) {
    const before = new Set(s.before);
    const after = new Set(s.after);
    out.push(`  ${c('yellow', `~ test suite ${quote(s.name)}`)}: new revision with ${plural(s.after.length, 'experience')}`);
    for (const n of s.after) if (!before.has(n)) out.push(`      ${c('green', `+ ${escapeVisible(n)}`)}`);
    for (const n of s.before) if (!after.has(n)) out.push(`      ${c('red', `- ${escapeVisible(n)}`)}`);
  }
  for (const t of plan.tags) {
    out.push(`  ${c('yellow', `~ tag ${quote(t.name)}`)}`);
    for (const n of t.add) out.push(`      ${c('green', `+ ${escapeVisible(n)}`)}`);
    for (const n of t.remove) out.push(`      ${c('red', `- ${escapeVisible(n)}`)}`);
  }
  for (const s of plan.systems) {
    out.push(`  ${c('yellow', `~ system ${quote(s.name)}`)}`);
    for (const n of s.add) out.push(`      ${c('green', `+ ${escapeVisible(n)}`)}`);
  }
  out.push('', c('bold', summaryLine(plan)));
  for (const w of plan.warnings) out.push(c('yellow', `Warning: ${escapeVisible(w)}`));
  if (plan.massArchive.tripped)
    out.push(
      c('red', `Safety: this plan archives ${plan.massArchive.archiveCount} of ${plan.massArchive.activeCount} active experiences (threshold ${plan.massArchive.threshold}). Apply refuses it unless --allow-mass-archive is given.`),
    );
  return out.join('\n') + '\n';
}

/** A human label for the config entry a path points into, e.g. `experience "foo"`. */
export function entryLabel(config: SyncConfig, path: ConfigPath): string | undefined {
  const [top, index] = path;
  if (top === 'experiences' && typeof index === 'number') {
    const name = config.experiences?.[index]?.name;
    return typeof name === 'string' ? `experience ${quote(name)}` : `experience #${index + 1}`;
  }
  if (top === 'managedTestSuites' && typeof index === 'number') {
    const name = config.managedTestSuites?.[index]?.name;
    return typeof name === 'string' ? `test suite ${quote(name)}` : `test suite #${index + 1}`;
  }
  if (top === 'managedExperienceTags') return 'managedExperienceTags';
  return undefined;
}
