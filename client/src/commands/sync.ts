/**
 * "ReSim: Preview Sync" and "ReSim: Apply Sync" (README "Commands"; docs/sync-rules.md, "Guards",
 * for the stale-plan and mass-archive guards).
 *
 * Apply: a fresh plan (or the one shown in the webview, by its state and config fingerprints) → a modal
 * confirmation with the counts → if the mass-archive guard trips, the project name typed in an
 * InputBox → `resim/apply` under a cancellable progress notification (`$/progress` through a
 * workDoneToken; Cancel sends `$/cancelRequest`) → the result in the plan view, with every
 * failure. A stale plan is refused by the server: we offer "Preview Again".
 */
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';
import { languageClientModule } from '../lazy';
import { ClientContext, UserError, requireTrust } from '../context';
import { applyCounts, configLabel } from '../format';
import type { ApplyResult, PlanBinding, PlanJson, PreviewResult } from '../../../protocol';
import {
  ApplyRequest,
  PreviewRequest,
  RefreshStateRequest,
  cancelledApplyLine,
  configErrors,
  formatSummary,
  isNoOp,
  plural,
} from '../../../protocol';
import { resolveTarget } from '../target';
import { ui } from '../ui';
import { showProblem } from '../problems';

/** Asks the server for the plan of `uri` (no writes). */
/**
 * `resim/preview`. `fresh`: the user asked for the plan (Preview Sync, Apply Sync), so the server
 * reads the project again unless it just did (2 s); the status bar uses the cache.
 */
export async function requestPreview(
  ctx: ClientContext,
  uri: vscode.Uri,
  opts: { fresh?: boolean; token?: vscode.CancellationToken } = {},
): Promise<PreviewResult> {
  const client = await ctx.client();
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc) await vscode.workspace.openTextDocument(uri); // the server plans open documents
  const params: PreviewRequest.Params = { uri: uri.toString(), ...(opts.fresh ? { fresh: true } : {}) };
  const result = await client.sendRequest<PreviewResult>(PreviewRequest.method, params, opts.token);
  ctx.statusBar.update(uri, result);
  return result;
}

/** "ReSim: Preview Sync": computes the plan and shows it in the plan webview. */
export async function previewSync(ctx: ClientContext, arg?: unknown): Promise<PreviewResult> {
  const uri = await resolveTarget(arg, ctx.planView.currentUri);
  await requireTrust('Preview Sync');
  const result = await ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: computing the sync plan' }, () =>
    requestPreview(ctx, uri, { fresh: true }),
  );
  ctx.planView.showPlan(uri, result);
  const plan = result.plan;
  if (plan) ctx.logger.info(`Preview of ${uri.fsPath || uri.toString()} (project ${plan.project.name}): ${formatSummary(plan.summary)}`);
  else {
    ctx.logger.warn(`Preview of ${uri.toString()}: no plan (${(result.errors ?? []).map((e) => e.code).join(', ') || 'no state'})`);
    const unavailable = result.errors?.find((e) => e.code === 'state-unavailable');
    if (unavailable) void showProblem(unavailable.reason, unavailable.message, ctx.session.settings.apiUrl ?? undefined);
  }
  return result;
}

/** The modal text naming the config file and the project, and listing what the apply will do. */
function confirmationText(plan: PlanJson, uri: vscode.Uri): string {
  return (
    `Apply "${configLabel(uri)}" to project "${plan.project.name}"?\n\n${formatSummary(plan.summary)}.` +
    (plan.summary.archive ? `\n\n${plural(plan.summary.archive, 'experience')} will be archived.` : '')
  );
}

/**
 * Asks for the typed project name when the mass-archive guard trips. Resolves true only when
 * the user typed it exactly.
 */
async function confirmMassArchive(plan: PlanJson): Promise<boolean> {
  const m = plan.massArchive;
  const typed = await ui.showInputBox({
    title: 'ReSim: confirm mass archive',
    prompt:
      `This sync archives ${m?.archiveCount ?? plan.summary.archive} of ${m?.activeCount ?? '?'} active experiences. ` +
      `Type the project name "${plan.project.name}" to confirm.`,
    placeHolder: plan.project.name,
    ignoreFocusOut: true,
    validateInput: (v) => (v === plan.project.name ? undefined : `Type "${plan.project.name}" exactly to confirm`),
  });
  return typed === plan.project.name;
}

/**
 * "ReSim: Apply Sync". `arg`: the target (Uri or URI string). `shown`: the fingerprints of a plan
 * the user already reviewed (the webview's Apply); the fresh plan must have both, else nothing
 * is applied and the webview shows the fresh plan. Without it a fresh plan is computed, shown in
 * the plan view if it is open on this file, and confirmed. The modal, the webview and the apply
 * (which sends the plan's two fingerprints, so the server refuses any later change) agree.
 */
export async function applySync(ctx: ClientContext, arg?: unknown, shown?: PlanBinding): Promise<ApplyResult | undefined> {
  const uri = await resolveTarget(arg, ctx.planView.currentUri);
  await requireTrust('Apply Sync');
  const preview = await ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: computing the sync plan' }, () =>
    requestPreview(ctx, uri, { fresh: true }),
  );
  const plan = preview.plan;
  const errors = configErrors(preview.errors);
  if (errors.length || !plan) {
    ctx.planView.showPlan(uri, preview);
    if (!errors.length) {
      const unavailable = preview.errors?.find((e) => e.code === 'state-unavailable');
      void showProblem(
        unavailable?.reason,
        unavailable?.message ?? 'No plan: the project state could not be read.',
        ctx.session.settings.apiUrl ?? undefined,
      );
      return undefined;
    }
    const choice = await ui.showErrorMessage(
      `ReSim: "${configLabel(uri)}" has ${plural(errors.length, 'error')}; nothing was applied. Fix them and apply again.`,
      'Show Problems',
    );
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return undefined;
  }
  if (shown && (shown.stateFingerprint !== plan.stateFingerprint || shown.configFingerprint !== plan.configFingerprint)) {
    ctx.planView.markStale(
      shown.configFingerprint !== plan.configFingerprint
        ? 'The file changed since this plan was computed'
        : 'The project changed since this plan was computed',
    );
    return staleRefusal(ctx, uri);
  }
  if (!shown && ctx.planView.currentUri?.toString() === uri.toString()) ctx.planView.showPlan(uri, preview);
  if (isNoOp(plan.summary)) {
    ctx.planView.showPlan(uri, preview);
    void ui.showInformationMessage(`ReSim: no changes. Project "${plan.project.name}" already matches this file.`);
    return undefined;
  }
  const ok = await ui.showWarningMessage(confirmationText(plan, uri), { modal: true }, 'Apply');
  if (ok !== 'Apply') return undefined;
  let allowMassArchive = false;
  if (plan.massArchive?.tripped) {
    if (!(await confirmMassArchive(plan))) {
      void ui.showInformationMessage('ReSim: apply cancelled; nothing was written.');
      return undefined;
    }
    allowMassArchive = true;
  }
  return runApply(ctx, uri, plan, {
    uri: uri.toString(),
    stateFingerprint: plan.stateFingerprint,
    configFingerprint: plan.configFingerprint ?? '',
    allowMassArchive,
  });
}

async function staleRefusal(ctx: ClientContext, uri: vscode.Uri): Promise<undefined> {
  const choice = await ui.showWarningMessage(
    'ReSim: the file or the project changed since this plan was computed (stale plan). Nothing was applied. Preview again to see the current plan.',
    'Preview Again',
  );
  if (choice) await previewSync(ctx, uri);
  return undefined;
}

async function runApply(
  ctx: ClientContext,
  uri: vscode.Uri,
  plan: PlanJson,
  params: ApplyRequest.Params,
): Promise<ApplyResult | undefined> {
  const client = await ctx.client();
  ctx.planView.setBusy(true);
  ctx.logger.info(`Apply to project ${plan.project.name}: ${formatSummary(plan.summary)}`);
  let cancelled = false;
  try {
    const result = await ui.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `ReSim: applying ${configLabel(uri)} to ${plan.project.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => {
          cancelled = true;
        });
        const workDoneToken = randomUUID();
        let last = 0;
        const sub = client.onProgress(
          languageClientModule().WorkDoneProgress.type,
          workDoneToken,
          (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
            if (value.kind === 'end') return;
            const pct = typeof value.percentage === 'number' ? value.percentage : undefined;
            progress.report({ message: value.message, increment: pct !== undefined ? Math.max(0, pct - last) : undefined });
            if (pct !== undefined) last = pct;
          },
        );
        try {
          return await client.sendRequest<ApplyResult>(ApplyRequest.method, { ...params, workDoneToken }, token);
        } finally {
          sub.dispose();
        }
      },
    );
    ctx.planView.setBusy(false);
    ctx.planView.showApplyResult(uri, result, plan.project.name);
    for (const c of result.calls.filter((x) => !x.ok && !x.skipped))
      ctx.logger.warn(`Failed: ${c.operation} ${c.target}: ${c.error ?? ''}`);
    const n = applyCounts(result);
    if (result.cancelled) {
      const line = `${cancelledApplyLine(result)}.`;
      ctx.logger.warn(`Apply cancelled: ${line}`);
      void ui.showWarningMessage(
        `ReSim: apply of "${configLabel(uri)}" to ${plan.project.name} cancelled: ${line} Calls made stay made; preview again to see what is left.`,
      );
    } else if (n.failed > 0 || !result.ok) {
      const choice = await ui.showErrorMessage(
        `ReSim: apply finished with ${n.failed} of ${plural(n.ran, 'call')} failed${n.skipped ? ` (${n.skipped} skipped)` : ''}. Apply again to retry what is left.`,
        'Show Output',
      );
      if (choice) ctx.logger.show();
    } else {
      ctx.logger.info(
        `Applied: ${plural(n.made, 'call')}, no failure${cancelled ? ' (every call was made before the cancel took effect)' : ''}.`,
      );
      void ui.showInformationMessage(`ReSim: applied to ${plan.project.name}: ${formatSummary(plan.summary)}.`);
    }
    // Read the state as the apply left it, then preview again for the status bar's counts.
    void client
      .sendRequest(RefreshStateRequest.method, { uri: uri.toString() })
      .then(() => requestPreview(ctx, uri))
      .catch((err: unknown) => ctx.logger.warn(`Refresh after apply failed: ${err instanceof Error ? err.message : String(err)}`));
    return result;
  } catch (err) {
    ctx.planView.setBusy(false);
    if (cancelled) {
      ctx.logger.warn('Apply cancelled by the user.');
      void ui.showWarningMessage('ReSim: apply cancelled. Calls already made stay made; preview again to see what is left.');
      return undefined;
    }
    const code = err instanceof languageClientModule().ResponseError ? (err.data as { code?: string } | undefined)?.code : undefined;
    if (code === 'stale-plan') {
      ctx.planView.markStale('The file or the project changed since this plan was computed');
      return staleRefusal(ctx, uri);
    }
    if (code === 'mass-archive' && !params.allowMassArchive) {
      if (await confirmMassArchive(plan)) return runApply(ctx, uri, plan, { ...params, allowMassArchive: true });
      return undefined;
    }
    if (code === 'config-errors') {
      const choice = await ui.showErrorMessage('ReSim: the config has errors; nothing was applied.', 'Show Problems');
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    throw new UserError(`ReSim: apply failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
