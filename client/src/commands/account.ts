/**
 * "ReSim: Sign In", "Sign Out", "Select Project", "Refresh Project State".
 * Secrets go to SecretStorage through the authentication provider; nothing is written to settings.
 */
import * as vscode from 'vscode';
import { ClientContext, requireTrust } from '../context';
import { RefreshStateRequest } from '../../../protocol';
import { currentConfig } from '../target';
import { pickProject } from './clone';
import { ui } from '../ui';
import { runSignIn } from '../auth/signIn';

/**
 * "ReSim: Sign In": the Sign In flow (auth/signIn.ts), then the verified session is stored by
 * the "ReSim" authentication provider (and shows in the Accounts menu).
 */
export async function signIn(ctx: ClientContext, leaveSandbox: () => Promise<boolean>): Promise<void> {
  const s = await runSignIn({ logger: ctx.logger, leaveSandbox });
  if (s) await ctx.session.auth.store(s);
}

export async function signOut(ctx: ClientContext): Promise<void> {
  const had = ctx.session.auth.peek;
  await ctx.session.signOut();
  void ui.showInformationMessage(
    had ? `ReSim: signed out (${had.account}); the stored sign-in is removed.` : 'ReSim: not signed in; nothing stored.',
  );
}

/**
 * "ReSim: Select Project". In a multi-root workspace the choice is per folder: the folder of the
 * current config, else the one the user picks.
 */
export async function selectProject(ctx: ClientContext): Promise<void> {
  await requireTrust('Select Project');
  const folders = vscode.workspace.workspaceFolders ?? [];
  let folder: vscode.WorkspaceFolder | undefined;
  if (folders.length > 1) {
    const current = currentConfig(ctx.planView.currentUri);
    folder = current ? vscode.workspace.getWorkspaceFolder(current) : undefined;
    folder ??= await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Select the ReSim project for which folder?' });
    if (!folder) return;
  }
  const where = folder ? `folder "${folder.name}"` : 'this workspace';
  const project = await pickProject(ctx, `ReSim: select the project for ${where}`, folder?.uri);
  if (!project) return;
  await ctx.session.selectProject(project.name, folder);
  void ui.showInformationMessage(`ReSim: project "${project.name}" selected for ${where}.`);
}

/** Re-reads the project state on the server (it caches it for `resim.stateRefreshSeconds`). */
export async function refreshState(ctx: ClientContext, arg?: unknown): Promise<void> {
  await requireTrust('Refresh Project State');
  const client = await ctx.client();
  const uri = arg instanceof vscode.Uri ? arg : currentConfig(ctx.planView.currentUri);
  await ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: reading the project state' }, () =>
    client.sendRequest(RefreshStateRequest.method, uri ? { uri: uri.toString() } : {}),
  );
  ctx.logger.info('Project state refreshed.');
  const shown = ctx.planView.current;
  if (shown?.kind === 'plan') await vscode.commands.executeCommand('resim.previewSync', shown.uri);
  else ctx.statusBar.refreshSoon();
}
