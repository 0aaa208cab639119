/**
 * Who the extension talks to, as whom, about which project: the API URL (setting, or the local
 * sandbox while sandbox mode is on), the credentials (the "ReSim" authentication session,
 * auth/provider.ts, in SecretStorage; never settings or files) and the selected project
 * (workspaceState, per workspace; else the `resim.project` setting).
 *
 * With no session the server falls back to what the environment gives it (as the CLI does).
 */
import * as vscode from 'vscode';
import type { Redactor } from './redact';
import type { SetCredentialsNotification } from '../../protocol';
import { METHOD_LABEL, type ResimAuthProvider } from './auth/provider';

/** workspaceState key of the project selected for this workspace. */
export const STATE_PROJECT = 'resim.selectedProject';

/** The `resim.*` settings as the server reads them, with this session's overrides applied. */
export interface EffectiveSettings {
  apiUrl: string | null;
  project: string | null;
  archiveUnlisted: boolean;
  configFiles: string[];
  stateRefreshSeconds: number;
  /** False in an untrusted workspace: the server must make no API call. */
  workspaceTrusted: boolean;
}

export class Session implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when credentials, the API URL override or the selected project change. */
  readonly onDidChange = this.changed.event;
  private sandbox?: { apiUrl: string; token: string };
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly redactor: Redactor,
    readonly auth: ResimAuthProvider,
  ) {
    this.subscription = auth.onDidChangeSessions(() => this.changed.fire());
  }

  /** A local sandbox for this window only (not persisted): its URL and token win over settings. */
  useSandbox(apiUrl: string, token: string): void {
    this.redactor.add(token);
    this.sandbox = { apiUrl, token };
    this.changed.fire();
  }

  clearSandbox(): void {
    if (!this.sandbox) return;
    this.sandbox = undefined;
    this.changed.fire();
  }

  get usingSandbox(): boolean {
    return !!this.sandbox;
  }

  get settings(): EffectiveSettings {
    return this.settingsFor(undefined);
  }

  /**
   * The settings for a resource (`scope`: a config file or a workspace folder; `resim.project`
   * and `resim.archiveUnlisted` are resource-scoped, so each folder of a multi-root workspace
   * may have its own), with this session's overrides.
   */
  settingsFor(scope: vscode.Uri | undefined): EffectiveSettings {
    const cfg = vscode.workspace.getConfiguration('resim', scope);
    const trusted = vscode.workspace.isTrusted;
    const apiUrl = this.sandbox?.apiUrl ?? (cfg.get<string>('apiUrl') || null);
    return {
      apiUrl,
      project: this.projectFor(scope) ?? null,
      archiveUnlisted: cfg.get<boolean>('archiveUnlisted', true),
      configFiles: cfg.get<string[]>('configFiles', []),
      stateRefreshSeconds: cfg.get<number>('stateRefreshSeconds', 300),
      workspaceTrusted: trusted,
    };
  }

  /** The selected project (name or ID): this workspace's choice, else the `resim.project` setting. */
  get project(): string | undefined {
    return this.projectFor(undefined);
  }

  /**
   * The project for a resource: the choice made for its workspace folder (Select Project in a
   * multi-root workspace), else the `resim.project` setting for it (folder settings win over
   * workspace settings), else this workspace's choice.
   */
  projectFor(scope: vscode.Uri | undefined): string | undefined {
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : undefined;
    return (
      (folder ? this.ctx.workspaceState.get<string>(`${STATE_PROJECT}:${folder.uri.toString()}`) : undefined) ||
      this.ctx.workspaceState.get<string>(STATE_PROJECT) ||
      vscode.workspace.getConfiguration('resim', scope).get<string>('project') ||
      undefined
    );
  }

  /**
   * Remembers the project for this workspace, or for one folder of it; `undefined` goes back to
   * the setting.
   */
  async selectProject(project: string | undefined, folder?: vscode.WorkspaceFolder): Promise<void> {
    await this.ctx.workspaceState.update(folder ? `${STATE_PROJECT}:${folder.uri.toString()}` : STATE_PROJECT, project);
    this.changed.fire();
  }

  /** Signs out: forgets the stored session and leaves sandbox mode's token. */
  async signOut(): Promise<void> {
    this.sandbox = undefined;
    await this.auth.clear();
    this.changed.fire();
  }

  /** What `resim/setCredentials` carries: the session's (renewed) access token; `token: null` without one. */
  async credentials(): Promise<SetCredentialsNotification.Params> {
    const apiUrl = this.settings.apiUrl;
    if (this.sandbox) return { apiUrl, token: this.sandbox.token };
    const s = await this.auth.session();
    return { apiUrl, token: s?.accessToken ?? null };
  }

  /** A short description of the sign-in state for the status bar tooltip. */
  describeAuth(): string {
    if (this.sandbox) return 'local sandbox';
    const s = this.auth.peek;
    return !s ? 'not signed in' : s.account === METHOD_LABEL[s.method] ? s.account : `${s.account} (${METHOD_LABEL[s.method]})`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
