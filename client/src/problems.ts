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

/** Shows the problem as a warning with its fixing buttons and runs the one chosen. */
export async function showProblem(reason: string | undefined, detail: string, apiUrl?: string): Promise<void> {
  const { text, actions } = wordProblem(reason, detail, apiUrl);
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
