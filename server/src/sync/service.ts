/**
 * The sync workflow that the CLI (server/src/cli/) and the language server (server/src/lsp/)
 * share: resolve the project, read its state, plan, and apply behind the safety guards
 * (config errors, stale plan, mass archive: docs/sync-rules.md, "Guards"). The guards live
 * here, once, so no front end can skip one.
 */
import { isDeepStrictEqual } from 'util';
import { configErrorsRefusal, type PlanJson } from '../../../protocol';
import type { ResimApi } from './port';
import { applyPlan, ApplyResult, PlanRefusedError, type ApplyOptions } from './apply';
import { fingerprintConfig } from './fingerprint';
import { HistoryError, recordedChanges, RecordWriter, type SyncRecord } from './history';
import { computeUndoPlan } from './undo';
import { normalizeApiUrl } from '../resim/url';
import { planToJson } from './render';
import { VERSION } from '../version';
import { ingest, IngestOptions } from './ingest';
import type { SyncConfig } from '../config/model';
import type { Plan, ProjectState } from './model';
import { computePlan, planHasChanges } from './plan';

/** A project name or ID as the resim CLI resolves it (`ResimApi.resolveProject`), as `{id, name}`. */
export async function resolveProject(api: ResimApi, nameOrID: string, signal?: AbortSignal): Promise<{ id: string; name: string }> {
  const p = await api.resolveProject(nameOrID, signal);
  return { id: p.projectID, name: p.name };
}

/**
 * Resolves the project (`onResolved` is told its name) and reads its state.
 * @throws the API client's ApiError (404 for an unknown project, 409 for an ambiguous name).
 */
export async function readProject(
  api: ResimApi,
  nameOrID: string,
  opts: IngestOptions & { onResolved?: (project: { id: string; name: string }) => void } = {},
): Promise<ProjectState> {
  const project = await resolveProject(api, nameOrID, opts.signal);
  opts.onResolved?.(project);
  return ingest(api, project, opts);
}

export interface LivePlan {
  state: ProjectState;
  plan: Plan;
}

/** Reads the project's state and plans the config against it. Rejects with the API's errors. */
export async function planAgainstProject(
  api: ResimApi,
  project: { id: string; name: string },
  config: SyncConfig,
  opts: { archiveUnlisted: boolean } & IngestOptions,
): Promise<LivePlan> {
  const state = await ingest(api, project, opts);
  return { state, plan: computePlan(config, state, { archiveUnlisted: opts.archiveUnlisted }) };
}

export interface GuardOptions {
  /** The state fingerprint of the plan the user saw (preview); apply refuses when the state moved. */
  expectedStateFingerprint?: string;
  /** `fingerprintConfig` of the config the user previewed; apply refuses when the config changed since. */
  expectedConfigFingerprint?: string;
  /**
   * Refuse ('incomplete-plan') unless both fingerprints above are given: applying a plan someone
   * saw (`resim/apply`, `apply --plan`) binds it to its state and its config.
   */
  requireFingerprints?: boolean;
  /** Allow a plan that trips the mass-archive guard (`--allow-mass-archive`, a typed confirmation). */
  allowMassArchive?: boolean;
}

/** Throws `PlanRefusedError` ('incomplete-plan') when `requireFingerprints` is set and a fingerprint is missing. */
export function assertBound(guards: GuardOptions): void {
  if (!guards.requireFingerprints) return;
  const missing = [
    ...(guards.expectedStateFingerprint ? [] : ['stateFingerprint']),
    ...(guards.expectedConfigFingerprint ? [] : ['configFingerprint']),
  ];
  if (missing.length)
    throw new PlanRefusedError(
      // Stryker disable next-line StringLiteral: message text
      `Refused: the plan to apply has no ${missing.join(' and ')}, so nothing ties it to what was previewed. Preview again, then apply that plan.`,
      'incomplete-plan',
    );
}

/**
 * Throws `PlanRefusedError` when a plan must not be applied: a fingerprint is missing where
 * required ('incomplete-plan'), it has errors ('config-errors'), it was computed from another
 * state or config (or `archiveUnlisted`) than the one previewed ('stale-plan'), or it archives
 * too much without permission ('mass-archive': see `Plan.massArchive`).
 */
export function assertApplicable(plan: Plan, guards: GuardOptions, config?: SyncConfig): void {
  assertBound(guards);
  if (plan.errors.length) throw new PlanRefusedError(configErrorsRefusal(plan.errors.length), 'config-errors');
  if (guards.expectedConfigFingerprint && (!config || guards.expectedConfigFingerprint !== fingerprintConfig(config, plan.archiveUnlisted)))
    throw new PlanRefusedError(
      // Stryker disable next-line StringLiteral: message text
      'Stale plan: the config changed since the plan was made (its entries, or whether unlisted experiences are archived). Preview again, then apply.',
      'stale-plan',
    );
  if (guards.expectedStateFingerprint && guards.expectedStateFingerprint !== plan.stateFingerprint)
    throw new PlanRefusedError(
      // Stryker disable next-line StringLiteral: message text
      `Stale plan: project "${plan.project.name}" changed since the plan was made (someone else synced or edited it). Preview again, then apply.`,
      'stale-plan',
    );
  const m = plan.massArchive;
  if (m.tripped && !guards.allowMassArchive)
    throw new PlanRefusedError(
      // Stryker disable StringLiteral: message text
      `Refused: this plan archives ${m.archiveCount} of ${m.activeCount} active experiences (the guard trips at ${m.threshold}, or when every active experience would be archived). ` +
        'If that is intended, allow it explicitly (--allow-mass-archive, or type the project name when asked); otherwise add the experiences to the config or turn archiving off (--no-archive).',
      // Stryker restore StringLiteral
      'mass-archive',
    );
}

/**
 * Refuses ('plan-mismatch') a saved plan (`preview --out`) whose JSON is not the plan that its
 * project state and config give now (`current`: `planToJson` with the config fingerprint): its
 * actions were edited, so applying the recomputed plan would not apply it. Fields of the saved
 * plan that this version does not write are ignored, at any depth (docs/plan-format.md,
 * "Compatibility": readers ignore unknown fields); every field it writes must be there, equal.
 * Call after `assertApplicable` has matched both fingerprints.
 */
export function assertSavedPlanMatches(saved: unknown, current: PlanJson): void {
  if (!isDeepStrictEqual(knownFields(saved, current), current))
    throw new PlanRefusedError(
      // Stryker disable next-line StringLiteral: message text
      'Refused: the saved plan is not the plan its project and config give (was it edited?). Save a new one with `resim-sync preview --out`, review it, then apply it.',
      'plan-mismatch',
    );
}

/** `saved` with only the object keys that `shape` has (recursively; arrays element by element). */
function knownFields(saved: unknown, shape: unknown): unknown {
  if (Array.isArray(saved) && Array.isArray(shape)) return saved.map((v, i) => (i < shape.length ? knownFields(v, shape[i]) : v));
  if (saved && shape && typeof saved === 'object' && typeof shape === 'object' && !Array.isArray(saved) && !Array.isArray(shape)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(saved as Record<string, unknown>))
      if (Object.prototype.hasOwnProperty.call(shape, k)) out[k] = knownFields(v, (shape as Record<string, unknown>)[k]);
    return out;
  }
  return saved;
}

/**
 * Where and how an apply is recorded in the sync history (docs/undo.md). `null` only in tests of
 * the engine itself: every front end records.
 */
export interface HistoryOptions {
  /** The history folder (`historyDir()`: --history-dir, RESIM_HISTORY_DIR, XDG state). */
  dir: string;
  /** `cli` or `language-server`. */
  frontEnd: string;
  /** The signed-in account when known; never a credential. */
  who?: string;
  /** The config file (path or URI). */
  source?: string;
  configFingerprint?: string;
  /** The record an undo undoes. */
  undoOf?: string;
}

/**
 * Applies `plan` (computed from `state`) and records it in the sync history: the record's begin
 * entry (plan, fingerprints, before values) is on disk before the first API write, each call's
 * outcome as it settles, the result at the end. The one apply path of every front end. A plan
 * that changes nothing makes no call and is not recorded (no `recordID`).
 * @returns the apply's result and the record's ID.
 * @throws HistoryError (the record cannot be written: nothing was applied), PlanRefusedError.
 */
export async function recordedApply(
  api: ResimApi,
  plan: Plan,
  state: ProjectState,
  opts: Omit<ApplyOptions, 'onCall'> & { history: HistoryOptions | null },
): Promise<ApplyResult & { recordID?: string }> {
  if (plan.errors.length) throw new PlanRefusedError(configErrorsRefusal(plan.errors.length), 'config-errors');
  const h = planHasChanges(plan) ? opts.history : null; // a no-op makes no call: nothing to record
  const writer = h
    ? RecordWriter.create(h.dir, {
        kind: h.undoOf ? 'undo' : 'sync',
        ...(h.undoOf ? { undoOf: h.undoOf } : {}),
        tool: `resim-sync ${VERSION}`,
        frontEnd: h.frontEnd,
        ...(h.who ? { who: h.who } : {}),
        apiUrl: api.baseUrl,
        project: plan.project,
        ...(h.source ? { source: h.source } : {}),
        stateFingerprint: plan.stateFingerprint,
        ...(h.configFingerprint ? { configFingerprint: h.configFingerprint } : {}),
        plan: planToJson(plan, h.configFingerprint ? { configFingerprint: h.configFingerprint } : {}),
        changes: recordedChanges(plan, state),
      })
    : undefined;
  try {
    const result = await applyPlan(api, plan, { ...opts, onCall: (call, d) => writer?.call(call, d.experienceID) });
    writer?.end(result);
    return { ...result, ...(writer ? { recordID: writer.recordID } : {}) };
  } finally {
    writer?.close();
  }
}

/**
 * Re-reads the state, re-plans, checks the guards against what was previewed, and applies
 * (recorded: `recordedApply`).
 * @throws PlanRefusedError (nothing written), HistoryError, or the API client's ApiError while reading state.
 */
export async function guardedApply(
  api: ResimApi,
  project: { id: string; name: string },
  config: SyncConfig,
  opts: {
    archiveUnlisted: boolean;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number, message: string) => void;
    history: HistoryOptions | null;
  } & GuardOptions,
): Promise<{ plan: Plan; result: ApplyResult & { recordID?: string } }> {
  const { plan, state } = await planAgainstProject(api, project, config, { archiveUnlisted: opts.archiveUnlisted, signal: opts.signal });
  assertApplicable(plan, opts, config);
  const history = opts.history && { ...opts.history, configFingerprint: fingerprintConfig(config, plan.archiveUnlisted) };
  const result = await recordedApply(api, plan, state, { signal: opts.signal, onProgress: opts.onProgress, history });
  return { plan, result };
}

/**
 * Reads the project of `record` as it is now and computes the undo plan (server/src/sync/undo.ts).
 * @throws HistoryError when the record was made against another API URL; the API's errors.
 */
export async function planUndo(api: ResimApi, record: SyncRecord, opts: IngestOptions = {}): Promise<{ plan: Plan; state: ProjectState }> {
  if (normalizeApiUrl(record.begin.apiUrl) !== normalizeApiUrl(api.baseUrl))
    throw new HistoryError(
      `Sync record ${record.begin.recordID} was made against ${record.begin.apiUrl}, not ${api.baseUrl}; undo it against the API it changed.`,
    );
  const state = await ingest(api, record.begin.project, opts);
  return { plan: computeUndoPlan(record, state), state };
}
