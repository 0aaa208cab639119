/**
 * The custom requests of the server; their types are the shared protocol's (protocol/messages.ts):
 *
 * - `resim/preview` `{uri}` → `{plan: planToJson(plan) + configFingerprint + stateFetchedAt | null,
 *   errors?}`: the same JSON as the CLI's `preview --json`, with both fingerprints (state and
 *   config); `errors` are the CLI's problems (`collectProblems`) of error severity, static (the
 *   loader's) and live (the plan's), or `state-unavailable`.
 * - `resim/apply` `{uri, stateFingerprint, configFingerprint, allowMassArchive?, workDoneToken?}`
 *   → the `ApplyResult` (`{ok, calls, failures, experienceIDs, cancelled}`). A plan is a
 *   contract: both fingerprints of the previewed plan are required. Re-reads the state and
 *   re-plans the document as it is now; refuses with a `ResponseError` whose `data.code` is
 *   `incomplete-plan` (a fingerprint is missing), `config-errors` (the file has errors),
 *   `stale-plan` (the document or the project changed since the preview) or `mass-archive` (the
 *   guard tripped without `allowMassArchive`); the guards are the engine's (`assertApplicable`).
 *   Reports `$/progress` on the client's work-done token; `$/cancelRequest` aborts the API calls.
 *   Afterwards the state is read again and every document's diagnostics are refreshed.
 * - `resim/clone` `{project}` → `{text}` (the engine's `cloneConfig`).
 * - `resim/refreshState` `{uri?}` → `{fetchedAt, problem}`: reads the state again (of the
 *   document's project, or of every project in use).
 * - `resim/listProjects` → `[{id, name}]` (unarchived projects).
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ApplyRequest,
  CloneRequest,
  cancelledApplyLine,
  configErrorsRefusal,
  ListProjectsRequest,
  PreviewRequest,
  RefreshStateRequest,
  type ApplyErrorCode,
  type ApplyResult,
  type PreviewError,
  type PreviewResult,
} from '../../../protocol';
import { PlanRefusedError } from '../sync/apply';
import { fingerprintConfig } from '../sync/fingerprint';
import { cloneConfig } from '../sync/clone';
import { collectProblems } from '../sync/problems';
import { planToJson } from '../sync/render';
import { assertBound, guardedApply, readProject, resolveProject, type GuardOptions } from '../sync/service';
import type { Analysis, Analyzer } from './analysis';
import type { SettingsStore } from './settings';
import { describeApiError, type StateCache, type StateProblemReason } from './state';
import { apiProblem, withoutCliAdvice } from '../resim/problems';

export interface RequestDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  analyzer: Analyzer;
  states: StateCache;
  settings: SettingsStore;
  /** Default FRESH_PREVIEW_MAX_AGE_MS; `initializationOptions.freshPreviewMaxAgeMs` (tests) changes it. */
  freshPreviewMaxAgeMs?: number;
  log: (message: string) => void;
  /** Logs a failure of ours (an exception that is not a `ResponseError`); default `log`. */
  logFailure?: (message: string) => void;
}

function uriParam(params: unknown): string {
  const uri = (params as { uri?: unknown } | null)?.uri;
  if (typeof uri !== 'string' || !uri) throw new ResponseError(LSPErrorCodes.RequestFailed, 'The request needs {uri} of an open document.');
  return uri;
}

async function analysisOf(deps: RequestDeps, uri: string): Promise<Analysis> {
  if (!deps.documents.get(uri)) throw new ResponseError(LSPErrorCodes.RequestFailed, `The document ${uri} is not open.`);
  const a = await deps.analyzer.current(uri);
  if (!a) throw new ResponseError(LSPErrorCodes.RequestFailed, `The document ${uri} is not a ReSim experience sync config.`);
  return a;
}

/** Error-severity problems of the file and the plan, 1-based, sorted by position (the CLI's, `collectProblems`). */
function errorsOf(a: Analysis): PreviewError[] {
  return collectProblems(a.loaded, a.plan?.errors)
    .filter((p) => p.severity === 'error')
    .map((p) => ({ code: p.code, message: p.message, line: p.line ?? 1, column: p.column ?? 1 }));
}

function refused(message: string, code: ApplyErrorCode): ResponseError<ApplyRequest.ErrorData> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message, { code });
}

/** The project cannot be reached: `data` is `{code: 'state-unavailable', reason}` with a `StateProblemReason`. */
function unavailable(message: string, reason: StateProblemReason): ResponseError<{ code: string; reason: string }> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message, { code: 'state-unavailable', reason });
}

/**
 * `resim/preview` with `{fresh: true}` (the Preview Sync command: "the exact plan") reads the
 * project again first unless the cached state was read in the last 2 s (a burst of previews
 * shares one read); without it (status bar counts, code lens) the cached state is used.
 */
export const FRESH_PREVIEW_MAX_AGE_MS = 2_000;

export async function preview(deps: RequestDeps, params: unknown): Promise<PreviewResult> {
  const uri = uriParam(params);
  const fresh = (params as { fresh?: unknown }).fresh === true;
  let a = await analysisOf(deps, uri);
  const fetchedAt = a.snapshot?.state ? Date.parse(a.snapshot.state.fetchedAt) : NaN;
  const old =
    fresh &&
    a.project !== undefined &&
    Number.isFinite(fetchedAt) &&
    Date.now() - fetchedAt > (deps.freshPreviewMaxAgeMs ?? FRESH_PREVIEW_MAX_AGE_MS);
  if ((!a.snapshot?.state && !a.snapshot?.problem) || old) {
    // The state is being read (or too old for an explicit preview): wait for it, then plan against it.
    await deps.states.load(a.settings.apiUrl, a.project, { force: old });
    a = deps.analyzer.replanNow(uri) ?? a;
  }
  const errors = errorsOf(a);
  if (!a.plan) {
    const problem = a.snapshot?.problem?.message ?? a.planSkipped ?? 'The project state is not available yet.';
    if (!errors.length || a.snapshot?.problem)
      errors.unshift({ code: 'state-unavailable', reason: a.snapshot?.problem?.reason, message: problem, line: 1, column: 1 });
    return { plan: null, errors };
  }
  const configFingerprint = fingerprintConfig(a.loaded.config, a.plan.archiveUnlisted);
  const plan = { ...planToJson(a.plan, { configFingerprint }), stateFetchedAt: a.snapshot?.state?.fetchedAt ?? '' };
  return errors.length ? { plan, errors } : { plan };
}

const applyLocks = new Map<string, Promise<unknown>>();

export async function apply(deps: RequestDeps, params: unknown, token: CancellationToken): Promise<ApplyResult> {
  const uri = uriParam(params);
  const p = params as {
    stateFingerprint?: unknown;
    configFingerprint?: unknown;
    allowMassArchive?: unknown;
    workDoneToken?: string | number;
  };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const bound: GuardOptions = {
    expectedStateFingerprint: str(p.stateFingerprint),
    expectedConfigFingerprint: str(p.configFingerprint),
    requireFingerprints: true,
  };
  try {
    assertBound(bound);
  } catch (err) {
    if (err instanceof PlanRefusedError) throw refused(err.message, err.code);
    throw err;
  }
  const a = await analysisOf(deps, uri);
  if (!a.loaded.ok) {
    throw refused(configErrorsRefusal(a.loaded.diagnostics.filter((d) => d.severity === 'error').length), 'config-errors');
  }
  if (!a.project)
    throw unavailable('No ReSim project is set for this file; its first line can name one: "# resim-project: <name or ID>".', 'no-project');
  const made = deps.states.apiFor(a.settings.apiUrl);
  if (!made.api) throw unavailable(made.problem.message, made.problem.reason);
  const api = made.api;

  // One apply per project at a time.
  const prev = applyLocks.get(a.key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = prev.then(() => mine);
  applyLocks.set(a.key, chained);
  await prev.catch(() => undefined);

  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  const progress = p.workDoneToken !== undefined ? deps.connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
  progress?.begin('ReSim: applying the sync plan', 0, 'Reading the project…', false);
  try {
    const project = a.snapshot?.state?.project ?? (await resolveProject(api, a.project, controller.signal));
    let outcome;
    try {
      outcome = await guardedApply(api, project, a.loaded.config, {
        archiveUnlisted: a.settings.archiveUnlisted,
        signal: controller.signal,
        ...bound,
        allowMassArchive: p.allowMassArchive === true,
        onProgress: (done, total, message) =>
          progress?.report(total ? Math.round((done / total) * 100) : 100, `${done}/${total} ${message}`),
      });
    } catch (err) {
      if (err instanceof PlanRefusedError) {
        if (err.code === 'stale-plan') void deps.states.load(a.settings.apiUrl, a.project, { force: true });
        throw refused(err.message, err.code);
      }
      throw unavailable(
        `Apply failed while reading project "${a.project}". ${describeApiError(err, a.settings.apiUrl)}`,
        apiProblem(err, a.settings.apiUrl).code,
      );
    }
    const { result } = outcome;
    deps.log(
      result.cancelled
        ? `Apply to ${project.name} cancelled: ${cancelledApplyLine(result)}.`
        : `Applied to ${project.name}: ${result.calls.length} calls, ${result.failures} failed.`,
    );
    return { ...result, calls: result.calls.map((c) => (c.error ? { ...c, error: withoutCliAdvice(c.error) } : c)) };
  } finally {
    sub.dispose();
    progress?.done();
    release();
    if (applyLocks.get(a.key) === chained) applyLocks.delete(a.key);
    // Whatever happened, the project may have changed: read it again; diagnostics follow.
    void deps.states.load(a.settings.apiUrl, a.project, { force: true });
  }
}

export async function clone(deps: RequestDeps, params: unknown, token: CancellationToken): Promise<CloneRequest.Result> {
  const project = (params as { project?: unknown } | null)?.project;
  if (typeof project !== 'string' || !project.trim())
    throw new ResponseError(LSPErrorCodes.RequestFailed, 'resim/clone needs {project}: a project name or ID.');
  const uri = (params as { uri?: unknown }).uri;
  const settings = await deps.settings.get(typeof uri === 'string' ? uri : undefined);
  const made = deps.states.apiFor(settings.apiUrl);
  if (!made.api) throw unavailable(made.problem.message, made.problem.reason);
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const state = await readProject(made.api, project.trim(), { signal: controller.signal });
    return { text: cloneConfig(state) };
  } catch (err) {
    throw unavailable(`Clone of "${project}" failed. ${describeApiError(err, settings.apiUrl)}`, apiProblem(err, settings.apiUrl).code);
  } finally {
    sub.dispose();
  }
}

export async function refreshState(deps: RequestDeps, params: unknown): Promise<RefreshStateRequest.Result> {
  const uri = (params as { uri?: unknown } | null)?.uri;
  if (typeof uri === 'string' && uri) {
    const a = await analysisOf(deps, uri);
    const snap = await deps.states.load(a.settings.apiUrl, a.project, { force: true });
    return { fetchedAt: snap.state?.fetchedAt ?? null, problem: snap.problem?.message ?? null };
  }
  const snaps = await deps.states.refreshAll();
  const problem = snaps.find((s) => s.problem)?.problem?.message ?? null;
  const fetchedAt =
    snaps
      .map((s) => s.state?.fetchedAt)
      .filter((t): t is string => !!t)
      .sort()
      .pop() ?? null;
  return { fetchedAt, problem };
}

export async function listProjects(deps: RequestDeps, token: CancellationToken): Promise<ListProjectsRequest.Result> {
  const settings = await deps.settings.get();
  const made = deps.states.apiFor(settings.apiUrl);
  if (!made.api) throw unavailable(made.problem.message, made.problem.reason);
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const projects = await made.api.listProjects(controller.signal);
    return projects.filter((p) => !p.archived).map((p) => ({ id: p.projectID, name: p.name }));
  } catch (err) {
    throw unavailable(`Listing projects failed. ${describeApiError(err, settings.apiUrl)}`, apiProblem(err, settings.apiUrl).code);
  } finally {
    sub.dispose();
  }
}

/**
 * A request handler whose unexpected exceptions (not a `ResponseError`: a bug of ours) are logged
 * as failures and answered as `InternalError`; refusals and API errors pass unchanged.
 */
function guarded<R>(deps: RequestDeps, method: string, f: (params: unknown, token: CancellationToken) => Promise<R>) {
  return async (params: unknown, token: CancellationToken): Promise<R> => {
    try {
      return await f(params, token);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      (deps.logFailure ?? deps.log)(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      throw new ResponseError(ErrorCodes.InternalError, `${method} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

/** Registers every custom request on the connection. */
export function registerRequests(deps: RequestDeps): void {
  const c = deps.connection;
  c.onRequest(
    PreviewRequest.method,
    guarded(deps, PreviewRequest.method, (params) => preview(deps, params)),
  );
  c.onRequest(
    ApplyRequest.method,
    guarded(deps, ApplyRequest.method, (params, token) => apply(deps, params, token)),
  );
  c.onRequest(
    CloneRequest.method,
    guarded(deps, CloneRequest.method, (params, token) => clone(deps, params, token)),
  );
  c.onRequest(
    RefreshStateRequest.method,
    guarded(deps, RefreshStateRequest.method, (params) => refreshState(deps, params)),
  );
  c.onRequest(
    ListProjectsRequest.method,
    guarded(deps, ListProjectsRequest.method, (_params, token) => listProjects(deps, token)),
  );
}
