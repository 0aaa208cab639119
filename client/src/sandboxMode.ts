/**
 * Sandbox mode, visible and reversible: while the local sandbox runs, this window talks to it
 * (status bar `$(beaker)`); "ReSim: Stop Local Sandbox" leaves the mode and restores the project
 * selected before; signing in or changing `resim.apiUrl` asks whether to leave it; after a
 * reload (which ends the sandbox process) the extension says the sandbox stopped, restores the
 * project, and offers to start it again. In Restricted Mode the sandbox is not started.
 *
 * workspaceState `resim.sandboxMode`: `{previousProject, selectedDemo}` while the mode is on.
 */
import * as vscode from 'vscode';
import type { ClientContext } from './context';
import type { Sandbox } from './sandbox';
import { STATE_PROJECT } from './session';
import { ui } from './ui';

const STATE = 'resim.sandboxMode';

interface ModeState {
  /** The workspace's project selection before the sandbox ('' when none). */
  previousProject: string;
  /** Whether the sandbox's "demo" project was selected for this workspace. */
  selectedDemo: boolean;
}

/** Remembers that sandbox mode is on (called once the sandbox listens). */
export async function enterSandboxMode(ctx: ClientContext): Promise<void> {
  const previousProject = ctx.ext.workspaceState.get<string>(STATE_PROJECT) ?? '';
  await ctx.ext.workspaceState.update(STATE, { previousProject, selectedDemo: false } satisfies ModeState);
}

/** Records that the sandbox's project was selected (so leaving the mode restores the previous one). */
export async function markSandboxProject(ctx: ClientContext): Promise<void> {
  const st = ctx.ext.workspaceState.get<ModeState>(STATE);
  if (st) await ctx.ext.workspaceState.update(STATE, { ...st, selectedDemo: true });
}

/**
 * Leaves the mode: the workspace's project selection goes back to the one before the sandbox,
 * whichever way a sandbox project was selected meanwhile (its "Select demo" or Select Project).
 */
async function leaveMode(ctx: ClientContext): Promise<void> {
  const st = ctx.ext.workspaceState.get<ModeState>(STATE);
  await ctx.ext.workspaceState.update(STATE, undefined);
  if (!st) return;
  const now = ctx.ext.workspaceState.get<string>(STATE_PROJECT) ?? '';
  if (st.selectedDemo || now !== st.previousProject) await ctx.session.selectProject(st.previousProject || undefined);
}

/** "ReSim: Stop Local Sandbox". */
export async function stopSandbox(ctx: ClientContext, sandbox: Sandbox): Promise<void> {
  if (!sandbox.running && !ctx.session.usingSandbox) {
    void ui.showInformationMessage('ReSim: the local sandbox is not running.');
    return;
  }
  sandbox.stop();
  ctx.session.clearSandbox();
  await leaveMode(ctx);
  ctx.logger.info('Sandbox mode left: the sandbox is stopped.');
  // Back to the API, the sign-in and the project used before the sandbox; offer what is missing.
  const project = ctx.session.project;
  const offers = [...(project ? [] : ['Select Project']), ...(ctx.session.describeAuth() === 'not signed in' ? ['Sign In'] : [])];
  // Not awaited: leaving the mode (e.g. to sign in) goes on while the message shows.
  void Promise.resolve(
    ui.showInformationMessage(
      `ReSim: the local sandbox stopped; this window uses ${ctx.session.settings.apiUrl ?? 'the ReSim API'} again (${ctx.session.describeAuth()}), ` +
        (project ? `project "${project}".` : 'with no project selected.'),
      ...offers,
    ),
  ).then((choice) => {
    if (choice === 'Select Project') void vscode.commands.executeCommand('resim.selectProject');
    else if (choice === 'Sign In') void vscode.commands.executeCommand('resim.signIn');
  });
}

/**
 * Asks whether to leave sandbox mode (when it is on) before `what`; resolves true when the mode
 * is off (it was, or the person left it).
 */
export async function askToLeaveSandbox(ctx: ClientContext, sandbox: Sandbox, what: string, modal: boolean): Promise<boolean> {
  if (!ctx.session.usingSandbox) return true;
  const leave = 'Leave Sandbox Mode';
  const choice = await ui.showWarningMessage(`ReSim: this window uses the local sandbox. ${what}`, { modal }, leave);
  if (choice !== leave) return false;
  await stopSandbox(ctx, sandbox);
  return true;
}

/** At activation: a sandbox mode left over from before a reload has ended; say so and offer a restart. */
export async function sandboxAfterReload(ctx: ClientContext): Promise<void> {
  if (!ctx.ext.workspaceState.get<ModeState>(STATE)) return;
  await leaveMode(ctx);
  const again = 'Start Local Sandbox';
  const choice = await ui.showInformationMessage('ReSim: the local sandbox stopped when the window reloaded.', again);
  if (choice === again) await vscode.commands.executeCommand('resim.startSandbox');
}
