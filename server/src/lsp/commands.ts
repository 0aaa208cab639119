/**
 * `workspace/executeCommand` for clients other than VS Code (docs/editors.md, "Preview and
 * apply"): the commands the code lenses and the source actions name, `resim.previewSync` and
 * `resim.applySync`, each with one argument, the document URI. The VS Code client registers
 * them itself (initializationOptions `clientCommands: true`) and keeps its webview.
 *
 * - Preview: the plan, read fresh (`resim/preview` `{fresh: true}`), as text like `resim-sync
 *   preview` in a file the client opens (`window/showDocument`, when it offers it), else a message
 *   with the counts. Answers the `PreviewResult`.
 * - Apply: asks with `window/showMessageRequest` ("Apply N changes to project P from F?" Apply /
 *   Cancel; when the mass-archive guard trips, a second question names the count), or, given a
 *   plan binding as second argument (the Apply source action, whose title states the counts:
 *   choosing it was the confirmation; clients like ALE answer no question), asks nothing; applies
 *   exactly the plan it asked about (both fingerprints: a change meanwhile is refused as
 *   `stale-plan`), reports `$/progress` on the client's `workDoneToken` or on a token the server
 *   creates when the client offers `window.workDoneProgress`, then says what was done in a
 *   message and answers the `ApplyResult` (null when the user cancelled or nothing could be done).
 *
 * Every outcome is told in one message (`window/showMessage`); refusals and API problems are
 * messages, not errors, so a client without an error UI still shows them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  type Connection,
  WorkDoneProgressCreateRequest,
  type CancellationToken,
  type ExecuteCommandParams,
} from 'vscode-languageserver';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  APPLY_COMMAND,
  changeCount,
  formatSummary,
  PREVIEW_COMMAND,
  plural,
  type ApplyResult,
  type PlanBinding,
  type PreviewResult,
} from '../../../protocol';
import { renderPlanText } from '../sync/render';
import type { ClientOffers } from './clientCaps';
import { apply, preview, type RequestDeps } from './requests';

/** The commands the server runs (its `executeCommandProvider.commands`). */
export const SERVER_COMMANDS = [PREVIEW_COMMAND, APPLY_COMMAND];

export interface CommandDeps extends RequestDeps {
  offers: ClientOffers;
}

/** The document's file name, for messages ("from live.experiences.yaml"). */
function fileName(uri: string): string {
  try {
    return path.basename(uri.startsWith('file:') ? fileURLToPath(uri) : new URL(uri).pathname) || uri;
  } catch {
    return uri;
  }
}

let planDir: string | undefined;

/** Writes `text` to a private file (mode 0600 in a 0700 folder of the temp dir) named after the config; returns its path. */
function writePlanFile(uri: string, text: string): string {
  planDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'resim-plan-'));
  const file = path.join(planDir, `${fileName(uri).replace(/\.ya?ml$/i, '')}.plan.txt`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

function uriArg(params: ExecuteCommandParams): string {
  const uri = Array.isArray(params.arguments) ? params.arguments[0] : undefined;
  if (typeof uri !== 'string' || !uri)
    throw new ResponseError(ErrorCodes.InvalidParams, `${params.command} needs one argument: the URI of an open config.`);
  return uri;
}

/** The plan binding given as the second argument (`{stateFingerprint, configFingerprint}`), if any. */
function bindingArg(params: ExecuteCommandParams): PlanBinding | undefined {
  const b = (Array.isArray(params.arguments) ? params.arguments[1] : undefined) as Partial<PlanBinding> | undefined;
  return b && typeof b.stateFingerprint === 'string' && typeof b.configFingerprint === 'string'
    ? { stateFingerprint: b.stateFingerprint, configFingerprint: b.configFingerprint }
    : undefined;
}

/** A message for a person (`window/showMessage`, a notification: nothing to answer). */
function tell(c: Connection, type: MessageType, message: string): void {
  void c.sendNotification(ShowMessageNotification.type, { type, message });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function runPreview(deps: CommandDeps, uri: string): Promise<PreviewResult> {
  const c = deps.connection;
  const res = await preview(deps, { uri, fresh: true });
  if (!res.plan) {
    const first = res.errors?.[0];
    const more = (res.errors?.length ?? 0) > 1 ? ` (and ${plural(res.errors!.length - 1, 'more problem')})` : '';
    tell(
      c,
      MessageType.Warning,
      `ReSim: no plan for ${fileName(uri)}: ${first ? `${first.message} [line ${first.line}]` : 'unknown problem'}${more}`,
    );
    return res;
  }
  const summary = `ReSim plan for project "${res.plan.project.name}" from ${fileName(uri)}: ${formatSummary(res.plan.summary)}.`;
  const plan = deps.analyzer.latest(uri)?.plan;
  if (deps.offers.showDocument && plan) {
    const file = writePlanFile(uri, renderPlanText(plan));
    const shown = await c.window.showDocument({ uri: pathToFileURL(file).toString(), takeFocus: false }).catch(() => ({ success: false }));
    if (shown.success) return res;
  }
  tell(c, MessageType.Info, summary);
  return res;
}

async function runApply(
  deps: CommandDeps,
  uri: string,
  params: ExecuteCommandParams,
  token: CancellationToken,
): Promise<ApplyResult | null> {
  const c = deps.connection;
  const res = await preview(deps, { uri, fresh: true });
  const plan = res.plan;
  if (!plan || res.errors?.length) {
    const first = res.errors?.[0];
    tell(
      c,
      MessageType.Warning,
      `ReSim: nothing applied to ${fileName(uri)}: ${first ? `${first.message} [line ${first.line}]` : 'no plan'}`,
    );
    return null;
  }
  const n = changeCount(plan.summary);
  if (!n) {
    tell(c, MessageType.Info, `ReSim: no changes; project "${plan.project.name}" matches ${fileName(uri)}.`);
    return null;
  }
  // A binding in the arguments (the Apply source action, whose title stated the counts): the
  // user confirmed that plan; apply exactly it (a change since is refused as stale-plan).
  const bound = bindingArg(params);
  if (!bound) {
    const question = `Apply ${plural(n, 'change')} to project "${plan.project.name}" from ${fileName(uri)}? (${formatSummary(plan.summary)})`;
    const answer = await c.window.showInformationMessage(question, { title: 'Apply' }, { title: 'Cancel' });
    if (answer?.title !== 'Apply') return null;
  }
  let allowMassArchive = false;
  if (plan.massArchive.tripped && !bound) {
    const m = plan.massArchive;
    const sure = await c.window.showWarningMessage(
      `This archives ${m.archiveCount} of the ${m.activeCount} active experiences of project "${plan.project.name}". Archive them?`,
      { title: `Archive ${m.archiveCount}` },
      { title: 'Cancel' },
    );
    if (sure?.title !== `Archive ${m.archiveCount}`) return null;
    allowMassArchive = true;
  }
  let workDoneToken = params.workDoneToken;
  if (workDoneToken === undefined && deps.offers.workDoneProgress) {
    const created = `resim-apply-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      await c.sendRequest(WorkDoneProgressCreateRequest.type, { token: created });
      workDoneToken = created;
    } catch {
      /* the client refused a token: apply without progress */
    }
  }
  try {
    const result = await apply(
      deps,
      {
        uri,
        stateFingerprint: bound?.stateFingerprint ?? plan.stateFingerprint,
        configFingerprint: bound?.configFingerprint ?? plan.configFingerprint,
        allowMassArchive,
        workDoneToken,
      },
      token,
    );
    const failed = result.calls.find((call) => !call.ok && !call.skipped);
    const text = `ReSim: applied to project "${plan.project.name}": ${plural(result.calls.length, 'call')}, ${result.failures} failed${
      result.cancelled ? ', cancelled' : ''
    }${failed ? ` (first: ${failed.operation} ${failed.target}: ${failed.error ?? 'failed'})` : ''}.`;
    tell(c, result.failures ? MessageType.Error : MessageType.Info, text);
    return result;
  } catch (err) {
    tell(c, MessageType.Error, `ReSim: nothing applied to ${fileName(uri)}: ${messageOf(err)}`);
    return null;
  }
}

/** Runs one of `SERVER_COMMANDS`; unknown commands are refused with InvalidParams. */
export async function executeCommand(
  deps: CommandDeps,
  params: ExecuteCommandParams,
  token: CancellationToken,
): Promise<PreviewResult | ApplyResult | null> {
  const uri = uriArg(params);
  if (params.command === PREVIEW_COMMAND) {
    try {
      return await runPreview(deps, uri);
    } catch (err) {
      tell(deps.connection, MessageType.Error, `ReSim: no plan for ${fileName(uri)}: ${messageOf(err)}`);
      return null;
    }
  }
  if (params.command === APPLY_COMMAND) return runApply(deps, uri, params, token);
  throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command ${params.command}; this server runs ${SERVER_COMMANDS.join(', ')}.`);
}
