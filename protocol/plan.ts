/**
 * The plan JSON: what `resim-sync preview --json` prints, what `preview --out` saves and what
 * `resim/preview` returns (docs/plan-format.md; JSON Schema: schema/plan.schema.json). Produced
 * by the engine's `planToJson` (server/src/sync/render.ts), read by the VS Code client. Readers
 * are lenient: a server of another version may add fields.
 */

export type ExperienceAction = 'create' | 'update' | 'restore' | 'archive' | 'unchanged';

/** One field's change. `before` is `null` for a create. Values are JSON (strings, lists…). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Counts of the changes a plan makes (and of the experiences it leaves alone). */
export interface PlanSummary {
  create: number;
  update: number;
  restore: number;
  archive: number;
  unchanged: number;
  tagAdditions: number;
  tagRemovals: number;
  systemAdditions: number;
  /** Undo plans only (docs/undo.md): sync never removes a system. */
  systemRemovals?: number;
  testSuiteRevisions: number;
}

/** The mass-archive guard: archives ≥ max(10, 25% of active experiences), or every active experience (docs/sync-rules.md). */
export interface MassArchive {
  tripped: boolean;
  archiveCount: number;
  activeCount: number;
  threshold: number;
}

/**
 * Something an undo leaves alone because the project changed there since the sync it undoes
 * (docs/undo.md, "Conflicts"); `message` names what to look at.
 */
export interface UndoConflict {
  kind: 'experience' | 'tag' | 'system' | 'testSuite';
  name: string;
  message: string;
}

/** What makes a plan an undo plan: the sync record it undoes (`resim-sync history`) and its conflicts. */
export interface UndoOf {
  recordID: string;
  conflicts: UndoConflict[];
}

/** One experience of the plan JSON. */
export interface PlanJsonExperience {
  name: string;
  action: ExperienceAction;
  experienceID: string | null;
  matchedBy: 'name' | 'id' | null;
  changes: FieldChange[];
  previousName?: string;
  /** A create of an entry marked `archived: true`: created, then archived (as the resim CLI does). */
  thenArchive?: boolean;
}

/** The plan JSON (docs/plan-format.md). */
export interface PlanJson {
  project: { id: string; name: string };
  /** sha-256 (hex) of the project state the plan was computed from. */
  stateFingerprint: string;
  /** sha-256 of the config (and archiveUnlisted) the plan was computed from; `apply --plan` and `resim/apply` need it back. */
  configFingerprint?: string;
  archiveUnlisted: boolean;
  /** Present on an undo plan only (`resim-sync undo`, docs/undo.md). */
  undo?: UndoOf;
  summary: PlanSummary;
  experiences: PlanJsonExperience[];
  tags: { name: string; add: string[]; remove: string[] }[];
  /** `remove`: undo plans only. */
  systems: { name: string; add: string[]; remove?: string[] }[];
  testSuites: { name: string; before: string[]; after: string[]; changed: boolean }[];
  warnings: string[];
  massArchive: MassArchive;
  /** ISO time the project state was read: in `resim/preview` results only. */
  stateFetchedAt?: string;
}

/** The symbol of each action, as in the CLI text, the code lens and the webview. */
export const ACTION_SYMBOL: Readonly<Record<ExperienceAction, string>> = {
  create: '+',
  update: '~',
  restore: '↺',
  archive: '-',
  unchanged: '✓',
};

/** The number of pending changes a summary announces (experiences, tags, systems, suites). */
export function changeCount(summary: PlanSummary): number {
  return (
    summary.create +
    summary.update +
    summary.restore +
    summary.archive +
    summary.tagAdditions +
    summary.tagRemovals +
    summary.systemAdditions +
    (summary.systemRemovals ?? 0) +
    summary.testSuiteRevisions
  );
}

/** True when the summary announces no write call at all ("No changes"). */
export function isNoOp(summary: PlanSummary): boolean {
  return changeCount(summary) === 0;
}

/** "1 call", "2 calls", "1 experience", "3 experiences" (`many` defaults to `one` + "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 to create, 1 to update, 3 to archive, 1 tag removal" from a summary; only non-zero counts; "no changes" when none. */
export function formatSummary(summary: PlanSummary): string {
  const parts: string[] = [];
  const add = (n: number, text: string) => {
    if (n > 0) parts.push(text);
  };
  add(summary.create, `${summary.create} to create`);
  add(summary.update, `${summary.update} to update`);
  add(summary.restore, `${summary.restore} to restore`);
  add(summary.archive, `${summary.archive} to archive`);
  add(summary.tagAdditions, plural(summary.tagAdditions, 'tag addition'));
  add(summary.tagRemovals, plural(summary.tagRemovals, 'tag removal'));
  add(summary.systemAdditions, plural(summary.systemAdditions, 'system addition'));
  add(summary.systemRemovals ?? 0, plural(summary.systemRemovals ?? 0, 'system removal'));
  add(summary.testSuiteRevisions, plural(summary.testSuiteRevisions, 'test suite revision'));
  return parts.length ? parts.join(', ') : 'no changes';
}

/** The line that says an undo plan changes nothing (docs/undo.md). */
export const NOTHING_TO_UNDO_LINE =
  'Nothing to undo: the project shows none of the changes of this sync, or only conflicts (listed below).';

/** The line that says a plan changes nothing. */
export const NO_CHANGES_LINE = 'No changes. The project matches the config.';

/** One line summing up the plan, e.g. "Plan: 1 to create, 2 to update, 0 to archive. 3 unchanged." */
export function summaryLine(s: PlanSummary): string {
  if (isNoOp(s)) return NO_CHANGES_LINE;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.restore) parts.push(`${s.restore} to restore`);
  parts.push(`${s.archive} to archive`);
  const extra: string[] = [];
  if (s.tagAdditions) extra.push(plural(s.tagAdditions, 'tag addition'));
  if (s.tagRemovals) extra.push(plural(s.tagRemovals, 'tag removal'));
  if (s.systemAdditions) extra.push(plural(s.systemAdditions, 'system addition'));
  if (s.systemRemovals) extra.push(plural(s.systemRemovals, 'system removal'));
  if (s.testSuiteRevisions) extra.push(plural(s.testSuiteRevisions, 'test suite revision'));
  return `Plan: ${parts.join(', ')}${extra.length ? `; ${extra.join(', ')}` : ''}. ${s.unchanged} unchanged.`;
}

/** The refusal of a config with errors (the CLI, `resim/apply` and the engine's guard say it alike). */
export function configErrorsRefusal(errorCount: number): string {
  return `The config has ${errorCount} error${errorCount === 1 ? '' : 's'}; a config with errors is never applied.`;
}
