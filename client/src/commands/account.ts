/**
 * "ReSim: Sign In", "Sign Out", "Select Project", "Refresh Project State" (README "Commands").
 * Secrets go to SecretStorage through `Session`; nothing is written to settings.
 */
import * as vscode from 'vscode';
import { ClientContext, requireTrust } from '../context';
import { RefreshStateRequest } from '../../../protocol';
import { pickProject } from './clone';
import { ui } from '../ui';

export async function signIn(ctx: ClientContext): Promise<void> {
  const method = await ui.showQuickPick([
    { label: 'API token', detail: 'Paste a ReSim API bearer token; kept in VS Code\'s secret storage.', id: 'token' as const },
    { label: 'Client credentials', detail: 'OAuth client ID and secret (machine login); kept in secret storage.', id: 'client' as const },
    { label: 'resim CLI login', detail: 'Use the token the resim CLI cached in ~/.resim/cache.json (run `resim` to log in).', id: 'cli' as const },
  ], { title: 'ReSim: sign in', placeHolder: 'How do you want to sign in?' });
  if (!method) return;
  if (method.id === 'token') {
    const token = await ui.showInputBox({
      title: 'ReSim: API token', prompt: 'Paste your ReSim API token', password: true, ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The token is empty'),
    });
    if (!token) return;
    await ctx.session.signInWithToken(token.trim());
  } else if (method.id === 'client') {
    const clientId = await ui.showInputBox({ title: 'ReSim: client credentials (1/2)', prompt: 'OAuth client ID', ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The client ID is empty') });
    if (!clientId) return;
    const secret = await ui.showInputBox({ title: 'ReSim: client credentials (2/2)', prompt: 'OAuth client secret', password: true, ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The client secret is empty') });
    if (!secret) return;
    await ctx.session.signInWithClientCredentials(clientId.trim(), secret.trim());
  } else {
    await ctx.session.useCliCache();
  }
  void ui.showInformationMessage(`ReSim: signed in (${ctx.session.describeAuth()}).`);
}

export async function signOut(ctx: ClientContext): Promise<void> {
  await ctx.session.signOut();
  void ui.showInformationMessage('ReSim: signed out; stored credentials removed.');
}

export async function selectProject(ctx: ClientContext): Promise<void> {
  await requireTrust('Select Project');
  const project = await pickProject(ctx, 'ReSim: select the project for this workspace');
  if (!project) return;
  await ctx.session.selectProject(project.name);
  void ui.showInformationMessage(`ReSim: project "${project.name}" selected for this workspace.`);
}

/** Re-reads the project state on the server (it caches it for `resim.stateRefreshSeconds`). */
export async function refreshState(ctx: ClientContext, arg?: unknown): Promise<void> {
  await requireTrust('Refresh Project State');
  const client = await ctx.client();
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri ?? ctx.planView.currentUri;
  await ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: reading the project state' },
    () => client.sendRequest(RefreshStateRequest.method, uri ? { uri: uri.toString() } : {}));
  ctx.logger.info('Project state refreshed.');
  const shown = ctx.planView.current;
  if (shown?.kind === 'plan') await vscode.commands.executeCommand('resim.previewSync', shown.uri);
  else ctx.statusBar.refreshSoon();
}
