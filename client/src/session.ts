/**
 * Who the extension talks to, as whom, about which project: the API URL (setting, or a local
 * sandbox for this session), the credentials (SecretStorage only; never settings or files) and
 * the selected project (workspaceState, per workspace; else the `resim.project` setting).
 *
 * Auth methods (README "Sign in"): an API token; OAuth client credentials (id + secret); or the
 * resim CLI's token cache (~/.resim/cache.json), which the server reads itself. With no method
 * chosen the server falls back to `RESIM_TOKEN` and then to the CLI's cache.
 */
import * as vscode from 'vscode';
import type { Redactor } from './redact';
import type { SetCredentialsNotification } from '../../protocol';

export type AuthMethod = 'token' | 'clientCredentials' | 'cliCache';

const KEY_TOKEN = 'resim.apiToken';
const KEY_CLIENT_ID = 'resim.clientId';
const KEY_CLIENT_SECRET = 'resim.clientSecret';
const STATE_METHOD = 'resim.authMethod';
const STATE_PROJECT = 'resim.selectedProject';

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

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly redactor: Redactor) {}

  get authMethod(): AuthMethod | undefined {
    return this.ctx.globalState.get<AuthMethod>(STATE_METHOD);
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

  get usingSandbox(): boolean { return !!this.sandbox; }

  get settings(): EffectiveSettings {
    const cfg = vscode.workspace.getConfiguration('resim');
    const trusted = vscode.workspace.isTrusted;
    const apiUrl = this.sandbox?.apiUrl ?? (cfg.get<string>('apiUrl') || null);
    return {
      apiUrl,
      project: this.project ?? null,
      archiveUnlisted: cfg.get<boolean>('archiveUnlisted', true),
      configFiles: cfg.get<string[]>('configFiles', []),
      stateRefreshSeconds: cfg.get<number>('stateRefreshSeconds', 300),
      workspaceTrusted: trusted,
    };
  }

  /** The selected project (name or ID): this workspace's choice, else the `resim.project` setting. */
  get project(): string | undefined {
    return this.ctx.workspaceState.get<string>(STATE_PROJECT)
      || vscode.workspace.getConfiguration('resim').get<string>('project')
      || undefined;
  }

  /** Remembers the project for this workspace; `undefined` goes back to the setting. */
  async selectProject(project: string | undefined): Promise<void> {
    await this.ctx.workspaceState.update(STATE_PROJECT, project);
    this.changed.fire();
  }

  async signInWithToken(token: string): Promise<void> {
    this.redactor.add(token);
    await this.clearSecrets();
    await this.ctx.secrets.store(KEY_TOKEN, token);
    await this.ctx.globalState.update(STATE_METHOD, 'token');
    this.changed.fire();
  }

  async signInWithClientCredentials(clientId: string, clientSecret: string): Promise<void> {
    this.redactor.add(clientSecret);
    await this.clearSecrets();
    await this.ctx.secrets.store(KEY_CLIENT_ID, clientId);
    await this.ctx.secrets.store(KEY_CLIENT_SECRET, clientSecret);
    await this.ctx.globalState.update(STATE_METHOD, 'clientCredentials');
    this.changed.fire();
  }

  async useCliCache(): Promise<void> {
    await this.clearSecrets();
    await this.ctx.globalState.update(STATE_METHOD, 'cliCache');
    this.changed.fire();
  }

  /** Forgets every stored credential and the sandbox's token. */
  async signOut(): Promise<void> {
    await this.clearSecrets();
    await this.ctx.globalState.update(STATE_METHOD, undefined);
    this.sandbox = undefined;
    this.changed.fire();
  }

  private async clearSecrets(): Promise<void> {
    await Promise.all([KEY_TOKEN, KEY_CLIENT_ID, KEY_CLIENT_SECRET].map((k) => this.ctx.secrets.delete(k)));
  }

  /** What `resim/setCredentials` carries. `token: null` lets the server use RESIM_TOKEN or the CLI cache. */
  async credentials(): Promise<SetCredentialsNotification.Params> {
    const apiUrl = this.settings.apiUrl;
    if (this.sandbox) return { apiUrl, token: this.sandbox.token };
    switch (this.authMethod) {
      case 'token': {
        const token = (await this.ctx.secrets.get(KEY_TOKEN)) ?? null;
        this.redactor.add(token);
        return { apiUrl, token };
      }
      case 'clientCredentials': {
        const [clientId, clientSecret] = await Promise.all([this.ctx.secrets.get(KEY_CLIENT_ID), this.ctx.secrets.get(KEY_CLIENT_SECRET)]);
        this.redactor.add(clientSecret);
        return clientId && clientSecret ? { apiUrl, token: null, clientId, clientSecret } : { apiUrl, token: null };
      }
      default:
        return { apiUrl, token: null };
    }
  }

  /** A short description of the sign-in state for the status bar tooltip ("API token", …). */
  describeAuth(): string {
    if (this.sandbox) return 'local sandbox';
    switch (this.authMethod) {
      case 'token': return 'API token';
      case 'clientCredentials': return 'client credentials';
      case 'cliCache': return 'resim CLI login';
      default: return 'not signed in (RESIM_TOKEN or the resim CLI login, if present)';
    }
  }

  dispose(): void { this.changed.dispose(); }
}
