/**
 * The sync history requests of the server (protocol/history.ts, docs/undo.md): `resim/history`
 * lists the records, `resim/undoPreview` computes an undo plan against the project as it is now,
 * `resim/undoApply` applies it behind the guards (stale plan, mass archive) and records it. The
 * records are the same files the CLI writes (`--history-dir` / RESIM_HISTORY_DIR / XDG state).
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import { HistoryRequest, UndoApplyRequest, UndoPreviewRequest, type ApplyErrorCode, type SyncRecordSummary } from '../../../protocol';
import { PlanRefusedError } from '../sync/apply';
import { findRecord, HistoryError, listRecords } from '../sync/history';
import { planToJson } from '../sync/render';
import { assertApplicable, planUndo, recordedApply } from '../sync/service';
import { apiProblem, withoutCliAdvice } from '../resim/problems';
import { guarded, type RequestDeps } from './requests';
import { describeApiError } from './state';

function recordIDParam(params: unknown): string {
  const id = (params as { recordID?: unknown } | null)?.recordID;
  if (typeof id !== 'string' || !id)
    throw new ResponseError(LSPErrorCodes.RequestFailed, 'The request needs {recordID}: a sync record ID.');
  return id;
}

export function history(deps: RequestDeps): HistoryRequest.Result {
  const all = listRecords(deps.historyDir);
  return {
    dir: deps.historyDir,
    records: all.filter((r): r is SyncRecordSummary => 'project' in r),
    refused: all.filter((r) => !('project' in r)).map((r) => ({ recordID: r.recordID, problem: (r as { problem: string }).problem })),
  };
}

/** The API of the current settings, or a one-line reason there is none. */
async function apiOf(deps: RequestDeps) {
  const settings = await deps.settings.get();
  const made = deps.states.apiFor(settings.apiUrl);
  return { settings, ...made };
}

export async function undoPreview(deps: RequestDeps, params: unknown, token: CancellationToken): Promise<UndoPreviewRequest.Result> {
  const recordID = recordIDParam(params);
  let record;
  try {
    record = findRecord(deps.historyDir, recordID);
  } catch (err) {
    if (err instanceof HistoryError) return { plan: null, error: err.message };
    throw err;
  }
  const { settings, api, problem } = await apiOf(deps);
  if (!api) return { plan: null, error: problem.message };
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const { plan, state } = await planUndo(api, record, { signal: controller.signal });
    return { plan: { ...planToJson(plan), stateFetchedAt: state.fetchedAt } };
  } catch (err) {
    if (err instanceof HistoryError) return { plan: null, error: err.message };
    return { plan: null, error: `Undo preview failed while reading the project. ${describeApiError(err, settings.apiUrl)}` };
  } finally {
    sub.dispose();
  }
}

function refused(message: string, code: ApplyErrorCode | 'history'): ResponseError<{ code: string }> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message, { code });
}

export async function undoApply(deps: RequestDeps, params: unknown, token: CancellationToken): Promise<UndoApplyRequest.Result> {
  const recordID = recordIDParam(params);
  const p = params as Partial<UndoApplyRequest.Params>;
  if (typeof p.stateFingerprint !== 'string' || !p.stateFingerprint)
    throw refused('Refused: the undo plan to apply has no stateFingerprint. Preview the undo again, then apply it.', 'incomplete-plan');
  const { settings, api, problem } = await apiOf(deps);
  if (!api) throw new ResponseError(LSPErrorCodes.RequestFailed, problem.message, { code: 'state-unavailable', reason: problem.reason });
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  const progress = p.workDoneToken !== undefined ? deps.connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
  progress?.begin('ReSim: undoing a sync', 0, 'Reading the project…', false);
  try {
    const record = findRecord(deps.historyDir, recordID);
    const { plan, state } = await planUndo(api, record, { signal: controller.signal });
    assertApplicable(plan, { expectedStateFingerprint: p.stateFingerprint, allowMassArchive: p.allowMassArchive === true });
    const result = await recordedApply(api, plan, state, {
      signal: controller.signal,
      onProgress: (done, total, message) => progress?.report(total ? Math.round((done / total) * 100) : 100, `${done}/${total} ${message}`),
      history: {
        dir: deps.historyDir,
        frontEnd: 'language-server',
        who: await deps.states.whoFor(settings.apiUrl),
        undoOf: record.begin.recordID,
      },
    });
    deps.log(
      `Undid ${recordID} on ${plan.project.name}: ${result.calls.length} calls, ${result.failures} failed; recorded as ${result.recordID}.`,
    );
    void deps.states.load(settings.apiUrl, plan.project.id, { force: true });
    return { ...result, calls: result.calls.map((c) => (c.error ? { ...c, error: withoutCliAdvice(c.error) } : c)) };
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    if (err instanceof PlanRefusedError) throw refused(err.message, err.code);
    if (err instanceof HistoryError) throw refused(err.message, 'history');
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      `Undo failed while reading the project. ${describeApiError(err, settings.apiUrl)}`,
      {
        code: 'state-unavailable',
        reason: apiProblem(err, settings.apiUrl).code,
      },
    );
  } finally {
    sub.dispose();
    progress?.done();
  }
}

/** Registers the sync history requests on the connection. */
export function registerHistoryRequests(deps: RequestDeps): void {
  const c = deps.connection;
  c.onRequest(
    HistoryRequest.method,
    guarded(deps, HistoryRequest.method, async () => history(deps)),
  );
  c.onRequest(
    UndoPreviewRequest.method,
    guarded(deps, UndoPreviewRequest.method, (params, token) => undoPreview(deps, params, token)),
  );
  c.onRequest(
    UndoApplyRequest.method,
    guarded(deps, UndoApplyRequest.method, (params, token) => undoApply(deps, params, token)),
  );
}
