/**
 * "Preview Undo" (the Sync History view) and the plan webview's Apply on an undo plan
 * (docs/undo.md). The undo plan is shown in the plan webview under the URI `resim-undo:/<recordID>`
 * (`undoUri`), so the webview's Apply and Refresh come back here. Apply: a fresh undo plan with
 * the same state fingerprint as the one shown (else stale: nothing is applied) → a modal
 * confirmation → the typed project name when the mass-archive guard trips → `resim/undoApply`
 * under a cancellable progress notification → the result in the plan view.
 */
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';
import { formatSummary, isNoOp, plural, UndoApplyRequest, UndoPreviewRequest, type PlanJson } from '../../../protocol';
import { ClientContext, requireTrust, UserError } from '../context';
import { applyCounts } from '../format';
import { languageClientModule } from '../lazy';
import { ui } from '../ui';
import { confirmMassArchive } from './sync';

/** The URI scheme of an undo plan in the plan webview. */
export const UNDO_SCHEME = 'resim-undo';

/** `resim-undo:/<recordID>`: the plan webview's URI of the undo plan of a sync record. */
export function undoUri(recordID: string): vscode.Uri {
  return vscode.Uri.from({ scheme: UNDO_SCHEME, path: `/${recordID}` });
}

/** The record ID of an undo plan's URI; undefined for any other URI. */
export function recordIDOf(uri: vscode.Uri): string | undefined {
  return uri.scheme === UNDO_SCHEME ? uri.path.replace(/^\//, '') : undefined;
}

/** `arg`: a Sync History node (`{record: {recordID}}`) or a record ID. */
function recordIDArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const id = (arg as { record?: { recordID?: unknown } } | undefined)?.record?.recordID;
  return typeof id === 'string' ? id : undefined;
}

async function requestUndoPreview(ctx: ClientContext, recordID: string): Promise<UndoPreviewRequest.Result> {
  const client = await ctx.client();
  return ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: computing the undo plan' }, () =>
    client.sendRequest<UndoPreviewRequest.Result>(UndoPreviewRequest.method, { recordID }),
  );
}

/** "Preview Undo": the undo plan of a recorded sync, against the project as it is now, in the plan webview. */
export async function previewUndo(ctx: ClientContext, arg?: unknown): Promise<UndoPreviewRequest.Result> {
  const recordID = recordIDArg(arg);
  if (!recordID) throw new UserError('ReSim: Preview Undo needs a sync from the Sync History view.');
  await requireTrust('Preview Undo');
  const result = await requestUndoPreview(ctx, recordID);
  if (!result.plan) {
    void ui.showErrorMessage(`ReSim: ${result.error ?? 'the undo plan could not be computed.'}`);
    return result;
  }
  ctx.planView.showPlan(undoUri(recordID), { plan: result.plan });
  ctx.logger.info(`Undo preview of ${recordID} (project ${result.plan.project.name}): ${formatSummary(result.plan.summary)}`);
  return result;
}

/** The webview's Apply on the undo plan of `recordID` that was shown with `stateFingerprint`. */
export async function applyUndo(
  ctx: ClientContext,
  recordID: string,
  stateFingerprint: string,
): Promise<UndoApplyRequest.Result | undefined> {
  await requireTrust('Preview Undo'); // the Apply of Preview Undo's webview
  const uri = undoUri(recordID);
  const fresh = await requestUndoPreview(ctx, recordID);
  const plan = fresh.plan;
  if (!plan) throw new UserError(`ReSim: ${fresh.error ?? 'the undo plan could not be computed.'}`);
  if (plan.stateFingerprint !== stateFingerprint) {
    ctx.planView.showPlan(uri, { plan });
    void ui.showWarningMessage(
      'ReSim: the project changed since this undo plan was computed (stale plan). Nothing was undone; review the new plan.',
    );
    return undefined;
  }
  if (isNoOp(plan.summary)) {
    ctx.planView.showPlan(uri, { plan });
    void ui.showInformationMessage(`ReSim: nothing to undo in project "${plan.project.name}".`);
    return undefined;
  }
  const conflicts = plan.undo?.conflicts.length ?? 0;
  const ok = await ui.showWarningMessage(
    `Undo sync ${recordID} in project "${plan.project.name}"?\n\n${formatSummary(plan.summary)}.` +
      (conflicts ? `\n\n${plural(conflicts, 'conflict')} left alone (see the plan).` : ''),
    { modal: true },
    'Undo',
  );
  if (ok !== 'Undo') return undefined;
  const allowMassArchive = plan.massArchive?.tripped ? await confirmMassArchive(plan) : false;
  if (plan.massArchive?.tripped && !allowMassArchive) return undefined;
  return runUndo(ctx, recordID, plan, { recordID, stateFingerprint, allowMassArchive });
}

async function runUndo(
  ctx: ClientContext,
  recordID: string,
  plan: PlanJson,
  params: UndoApplyRequest.Params,
): Promise<UndoApplyRequest.Result | undefined> {
  const client = await ctx.client();
  const uri = undoUri(recordID);
  ctx.planView.setBusy(true);
  try {
    const result = await ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ReSim: undoing ${recordID} in ${plan.project.name}`, cancellable: true },
      async (progress, token) => {
        const workDoneToken = randomUUID();
        const sub = client.onProgress(
          languageClientModule().WorkDoneProgress.type,
          workDoneToken,
          (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
            if (value.kind !== 'end') progress.report({ message: value.message });
          },
        );
        try {
          return await client.sendRequest<UndoApplyRequest.Result>(UndoApplyRequest.method, { ...params, workDoneToken }, token);
        } finally {
          sub.dispose();
        }
      },
    );
    ctx.planView.setBusy(false);
    ctx.planView.showApplyResult(uri, result, plan.project.name);
    const n = applyCounts(result);
    if (!result.ok)
      void ui.showErrorMessage(
        `ReSim: undo ${result.cancelled ? 'cancelled' : 'finished'} with ${n.failed} failed and ${n.skipped} skipped of ${plural(result.calls.length, 'call')}. Preview Undo again to see what is left.`,
      );
    else void ui.showInformationMessage(`ReSim: undid ${recordID} in ${plan.project.name}: ${formatSummary(plan.summary)}.`);
    void vscode.commands.executeCommand('resim.syncHistory.refresh');
    return result;
  } catch (err) {
    ctx.planView.setBusy(false);
    const code = err instanceof languageClientModule().ResponseError ? (err.data as { code?: string } | undefined)?.code : undefined;
    if (code === 'stale-plan') {
      ctx.planView.markStale('The project changed since this undo plan was computed');
      void ui.showWarningMessage('ReSim: the project changed since this undo plan was computed (stale plan). Nothing was undone.');
      return undefined;
    }
    throw new UserError(`ReSim: undo failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
