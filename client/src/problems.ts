/**
 * How VS Code words what stops a call to ReSim: one short sentence and the buttons that fix it,
 * for each stable code the language server sends (`reason` of a `state-unavailable` error;
 * server/src/resim/problems.ts) or the sign-in flows give. No message here names a command-line
 * flag or an environment variable.
 */
import * as vscode from 'vscode';
import { ui } from './ui';

export type FixAction = 'Sign In' | 'Select Project' | 'Open Settings' | 'Show Output' | 'Stop Local Sandbox';

const COMMAND: Record<FixAction, [string, ...unknown[]]> = {
  'Sign In': ['resim.signIn'],
  'Select Project': ['resim.selectProject'],
  'Open Settings': ['workbench.action.openSettings', 'resim.apiUrl'],
  'Show Output': ['resim.showOutput'],
  'Stop Local Sandbox': ['resim.stopSandbox'],
};

/** The sentence and fixes for a code; `detail` is the server's (client-neutral) message. */
export function wordProblem(reason: string | undefined, detail: string, apiUrl?: string): { text: string; actions: FixAction[] } {
  const where = apiUrl ? ` at ${apiUrl}` : '';
  switch (reason) {
    case 'not-signed-in':
      return { text: `ReSim: not signed in to the ReSim API${where}.`, actions: ['Sign In', 'Open Settings'] };
    case 'credentials-refused':
      return { text: `ReSim: the ReSim API${where} refused your sign-in; sign in again.`, actions: ['Sign In', 'Show Output'] };
    case 'forbidden':
      return { text: 'ReSim: your account may not read this project.', actions: ['Select Project', 'Sign In'] };
    case 'project-not-found':
      return { text: 'ReSim: the project was not found with this sign-in.', actions: ['Select Project', 'Sign In'] };
    case 'no-project':
      return { text: 'ReSim: no project is selected for this file.', actions: ['Select Project'] };
    case 'api-unreachable':
      return { text: `ReSim: cannot reach the ReSim API${where}.`, actions: ['Open Settings', 'Show Output'] };
    case 'not-resim-api':
      return { text: `ReSim: the server${where} is not a ReSim API; check the API URL.`, actions: ['Open Settings'] };
    case 'untrusted':
      return { text: 'ReSim: the workspace is not trusted, so nothing is read from ReSim.', actions: [] };
    default:
      return { text: `ReSim: ${firstSentence(detail)}`, actions: ['Show Output'] };
  }
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text.replace(/^Live checks are off: /, ''));
  return m ? m[1] : text;
}

/**
 * Reasons whose cause a person removes elsewhere (Select Project, Sign In, the settings): their
 * notification stays only while the cause may still be there (`closePassingProblems`).
 */
const PASSING = new Set(['no-project', 'not-signed-in', 'credentials-refused', 'forbidden', 'project-not-found']);
/** Closers of the passing-problem notifications on screen, by their text (one notification per text). */
const openProblems = new Map<string, () => void>();

/** Closes every passing-problem notification (the project or the sign-in changed: the cause may be gone). */
export function closePassingProblems(): void {
  for (const close of [...openProblems.values()]) close();
}

/** A fix as a link in a notification's text (`command:` URI, arguments as JSON). */
function fixLink(action: FixAction): string {
  const [command, ...args] = COMMAND[action];
  return `[${action}](command:${command}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`;
}

/**
 * Shows the problem as a warning with its fixing buttons and runs the one chosen. A problem whose
 * cause goes away elsewhere (PASSING) is a notification that closes when it does, with its fixes
 * as links; the same text is not shown twice at once. Resolves once shown (the person's choice
 * is awaited only for the other problems).
 */
export async function showProblem(reason: string | undefined, detail: string, apiUrl?: string): Promise<void> {
  const { text, actions } = wordProblem(reason, detail, apiUrl);
  if (reason && PASSING.has(reason)) {
    if (openProblems.has(text)) return;
    const title = [text, ...actions.map(fixLink)].join(' ');
    // Not awaited: the command that met the problem ends now; the notification stays until closed.
    void ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) =>
        new Promise<void>((resolve) => {
          const close = () => {
            openProblems.delete(text);
            resolve();
          };
          openProblems.set(text, close);
          token.onCancellationRequested(close);
        }),
    );
    return;
  }
  const choice = await ui.showWarningMessage(text, ...actions);
  if (choice) {
    const [command, ...args] = COMMAND[choice];
    await vscode.commands.executeCommand(command, ...args);
  }
}

/** The `{code: 'state-unavailable', reason}` data of a language server ResponseError, if it is one. */
export function unavailableReason(err: unknown): { reason: string | undefined; message: string } | undefined {
  const data = (err as { data?: { code?: unknown; reason?: unknown } } | null)?.data;
  if (!data || data.code !== 'state-unavailable') return undefined;
  return { reason: typeof data.reason === 'string' ? data.reason : undefined, message: (err as Error).message };
}
