/**
 * Renders a plan for people (text like `terraform plan`) and for machines (the plan JSON:
 * docs/plan-format.md, protocol/plan.ts). Renders only: every decision is the plan's; colours
 * are the caller's (`Style.paint`: the CLI's server/src/cli/style.ts).
 *
 * Names and values come from the config and the API (anyone with project access sets them): in
 * the text they are written with `escapeVisible`/`quote` (security/text.ts), so a control,
 * bidirectional or invisible character shows as an escape and cannot rewrite the terminal.
 */
import type { ConfigPath, SyncConfig } from '../config/model';
import type { Plan } from './model';
import { ACTION_SYMBOL, isNoOp, NOTHING_TO_UNDO_LINE, summaryLine, type PlanJson } from '../../../protocol';
import { escapeVisible, quote } from '../security/text';

/**
 * The plan JSON (docs/plan-format.md; `configFingerprint` when given, which a saved plan carries
 * so that `apply --plan` refuses a changed config).
 */
export function planToJson(plan: Plan, extra: { configFingerprint?: string } = {}): PlanJson {
  return {
    project: plan.project,
    stateFingerprint: plan.stateFingerprint,
    ...(extra.configFingerprint ? { configFingerprint: extra.configFingerprint } : {}),
    archiveUnlisted: plan.archiveUnlisted,
    ...(plan.undo ? { undo: plan.undo } : {}),
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
    systems: plan.systems.map((s) => ({ name: s.name, add: s.add, ...(s.remove?.length ? { remove: s.remove } : {}) })),
    testSuites: plan.testSuites.map((s) => ({ name: s.name, before: s.before, after: s.after, changed: s.changed })),
    warnings: [...plan.warnings, ...plan.notices.filter((n) => n.severity === 'warning').map((n) => n.message)],
    massArchive: plan.massArchive,
  };
}

/** What a piece of the text is, for a caller that colours it (the CLI on a terminal). */
export type TextRole = 'create' | 'update' | 'restore' | 'archive' | 'unchanged' | 'heading' | 'error' | 'warning';

export interface Style {
  /** Colours `text` for its role; default: no colour. */
  paint?: (role: TextRole, text: string) => string;
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '(unset)';
  return escapeVisible(JSON.stringify(v));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The plan as text, like `terraform plan`: a symbol per action, field diffs, a summary line. */
export function renderPlanText(plan: Plan, style: Style = {}): string {
  const c = style.paint ?? ((_role: TextRole, s: string) => s);
  const out: string[] = [`ReSim project ${quote(plan.project.name)} (${escapeVisible(plan.project.id)})`, ''];
  if (isNoOp(plan.summary)) {
    out.push(c('create', plan.undo ? NOTHING_TO_UNDO_LINE : summaryLine(plan.summary)));
    for (const w of plan.warnings) out.push(c('warning', `Warning: ${escapeVisible(w)}`));
    return out.join('\n') + '\n';
  }
  out.push(plan.undo ? `Undo of ${escapeVisible(plan.undo.recordID)} will perform these actions:` : 'Sync will perform these actions:', '');
  for (const e of plan.experiences) {
    if (e.action === 'unchanged') continue;
    const label = `${ACTION_SYMBOL[e.action]} ${e.action.padEnd(7)} ${escapeVisible(e.name)}`;
    const how =
      e.previousName !== undefined
        ? ` (renamed from ${quote(e.previousName)}, matched by ID)`
        : e.experienceID
          ? ` (${escapeVisible(e.experienceID)})`
          : e.thenArchive
            ? ' (then archived: the entry says archived: true)'
            : '';
    out.push(`  ${c(e.action, label)}${c('unchanged', how)}`);
    for (const ch of e.changes) {
      out.push(
        e.action === 'create'
          ? `      ${escapeVisible(ch.field)}: ${fmt(ch.after)}`
          : `      ${escapeVisible(ch.field)}: ${fmt(ch.before)} → ${fmt(ch.after)}`,
      );
    }
  }
  const revised = plan.testSuites.filter((s) => s.changed);
  const groups = revised.length + plan.tags.length + plan.systems.length;
  if (groups) out.push('');
  for (const s of revised) {
    const before = new Set(s.before);
    const after = new Set(s.after);
    out.push(`  ${c('update', `~ test suite ${quote(s.name)}`)}: new revision with ${plural(s.after.length, 'experience')}`);
    for (const n of s.after) if (!before.has(n)) out.push(`      ${c('create', `+ ${escapeVisible(n)}`)}`);
    for (const n of s.before) if (!after.has(n)) out.push(`      ${c('archive', `- ${escapeVisible(n)}`)}`);
  }
  for (const t of plan.tags) {
    out.push(`  ${c('update', `~ tag ${quote(t.name)}`)}`);
    for (const n of t.add) out.push(`      ${c('create', `+ ${escapeVisible(n)}`)}`);
    for (const n of t.remove) out.push(`      ${c('archive', `- ${escapeVisible(n)}`)}`);
  }
  for (const s of plan.systems) {
    out.push(`  ${c('update', `~ system ${quote(s.name)}`)}`);
    for (const n of s.add) out.push(`      ${c('create', `+ ${escapeVisible(n)}`)}`);
    for (const n of s.remove ?? []) out.push(`      ${c('archive', `- ${escapeVisible(n)}`)}`);
  }
  out.push('', c('heading', summaryLine(plan.summary)));
  for (const w of plan.warnings) out.push(c('warning', `Warning: ${escapeVisible(w)}`));
  if (plan.massArchive.tripped)
    out.push(
      c(
        'error',
        `Safety: this plan archives ${plan.massArchive.archiveCount} of ${plan.massArchive.activeCount} active experiences (threshold ${plan.massArchive.threshold}). Apply refuses it unless --allow-mass-archive is given.`,
      ),
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
