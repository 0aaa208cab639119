/**
 * The "ReSim" AuthenticationProvider: the account shows in VS Code's Accounts menu, and other
 * extensions can ask for it (`vscode.authentication.getSession('resim', [])`).
 *
 * One session at a time, kept in SecretStorage (key `resim.session`, JSON `StoredSession`):
 * the method, the account label, the API it was verified against, the access token and what
 * renews it (refresh token; client ID and secret; the resim CLI's cache). Nothing goes to
 * settings or files. Tokens are renewed 5 minutes before they expire (a timer, and on every
 * `getSessions`); when renewal is refused the session is removed and the person is asked to
 * sign in again.
 */
import * as vscode from 'vscode';
import type { Logger } from '../log';
import type { Redactor } from '../redact';
import { flows } from './lazy';
import { ui } from '../ui';

export const PROVIDER_ID = 'resim';
export const PROVIDER_LABEL = 'ReSim';
const KEY = 'resim.session';
/** Renew a token this long before it expires (ms). */
export const RENEW_BEFORE_MS = 5 * 60_000;

export type SignInMethod = 'browser' | 'token' | 'clientCredentials' | 'cliCache';

/** What SecretStorage holds for the signed-in session. `expiresAt`: ms since the epoch. */
export interface StoredSession {
  id: string;
  method: SignInMethod;
  /** Shown in the Accounts menu: the email or name in the token, else what signed in. */
  account: string;
  /** The API the token was verified against. */
  apiUrl: string;
  authUrl?: string;
  /** OAuth client: the public one of the browser flow, or the client-credentials ID. */
  clientId?: string;
  clientSecret?: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
}

/** What each method is called where a person reads it. */
export const METHOD_LABEL: Record<SignInMethod, string> = {
  browser: 'browser sign-in',
  token: 'API token',
  clientCredentials: 'client credentials',
  cliCache: 'resim CLI login',
};

export class ResimAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private current: StoredSession | undefined;
  private loading: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<StoredSession | undefined> | undefined;
  /** Set by the extension: the Sign In UI; resolves with a verified session, or undefined when cancelled. */
  signInUi: () => Promise<StoredSession | undefined> = async () => undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
  ) {}

  private load(): Promise<void> {
    return (this.loading ??= (async () => {
      const raw = await this.secrets.get(KEY);
      if (!raw) {
        await this.forgetUnverified();
        return;
      }
      try {
        const s = JSON.parse(raw) as StoredSession;
        if (s && typeof s.accessToken === 'string' && typeof s.id === 'string') {
          this.track(s);
          this.current = s;
          this.schedule();
        }
      } catch {
        this.logger.warn('The stored ReSim session is unreadable; it is ignored.');
      }
    })());
  }

  /**
   * Credentials stored by versions before this provider (never verified: an API token or client
   * credentials under their own keys) are removed rather than left behind; the person signs in again.
   */
  private async forgetUnverified(): Promise<void> {
    const old = ['resim.apiToken', 'resim.clientId', 'resim.clientSecret'];
    const found = (await Promise.all(old.map((k) => this.secrets.get(k)))).some((v) => v !== undefined);
    if (!found) return;
    await Promise.all(old.map((k) => this.secrets.delete(k)));
    this.logger.info('Credentials stored by an earlier version were removed: sign in again (ReSim: Sign In).');
  }

  private track(s: StoredSession): void {
    this.redactor.add(s.accessToken);
    this.redactor.add(s.refreshToken);
    this.redactor.add(s.clientSecret);
  }

  /** The signed-in session (after loading it), renewed first when it expires within 5 minutes. */
  async session(): Promise<StoredSession | undefined> {
    await this.load();
    const s = this.current;
    if (!s) return undefined;
    if (s.expiresAt === undefined || s.expiresAt - Date.now() > RENEW_BEFORE_MS) return s;
    return this.renew();
  }

  /** The session as loaded, without renewing (for labels). */
  get peek(): StoredSession | undefined {
    return this.current;
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const s = await this.session();
    return s ? [toAuthSession(s)] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const s = await this.signInUi();
    if (!s) throw new Error('Sign-in cancelled.');
    await this.store(s);
    return toAuthSession(s);
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.load();
    if (this.current?.id !== sessionId) return;
    await this.clear();
  }

  /** Stores a verified session (replacing any other) and tells listeners. */
  async store(s: StoredSession): Promise<void> {
    await this.load();
    const old = this.current;
    this.track(s);
    this.current = s;
    await this.secrets.store(KEY, JSON.stringify(s));
    this.schedule();
    this.changed.fire({
      added: [toAuthSession(s)],
      removed: old && old.id !== s.id ? [toAuthSession(old)] : [],
      changed: old?.id === s.id ? [toAuthSession(s)] : [],
    });
  }

  /** Signs out: forgets the session and its secrets. */
  async clear(): Promise<void> {
    await this.load();
    const old = this.current;
    this.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    await this.secrets.delete(KEY);
    if (old) this.changed.fire({ added: [], removed: [toAuthSession(old)], changed: [] });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const at = this.current?.expiresAt;
    if (at === undefined) return;
    const wait = Math.max(1_000, Math.min(at - RENEW_BEFORE_MS - Date.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      void this.renew();
    }, wait);
  }

  /** Renews the access token now (one renewal at a time). */
  renew(): Promise<StoredSession | undefined> {
    return (this.renewing ??= this.doRenew().finally(() => {
      this.renewing = undefined;
    }));
  }

  private async doRenew(): Promise<StoredSession | undefined> {
    const s = this.current;
    if (!s) return undefined;
    try {
      const f = flows();
      let t: { accessToken: string; refreshToken?: string; expiresAt: number };
      if (s.method === 'browser' && s.refreshToken && s.authUrl && s.clientId) t = await f.refresh(s.authUrl, s.clientId, s.refreshToken);
      else if (s.method === 'clientCredentials' && s.authUrl && s.clientId && s.clientSecret)
        t = await f.clientCredentialsToken(s.authUrl, s.clientId, s.clientSecret);
      else if (s.method === 'cliCache' && s.authUrl) t = await f.cliCacheToken(s.authUrl, s.clientId ?? '');
      else return s; // an API token: nothing renews it
      const next: StoredSession = {
        ...s,
        accessToken: t.accessToken,
        refreshToken: t.refreshToken ?? s.refreshToken,
        expiresAt: Number.isFinite(t.expiresAt) ? t.expiresAt : undefined,
      };
      if (this.current?.id !== s.id) return this.current;
      await this.store(next);
      this.logger.info(
        `ReSim session renewed (${METHOD_LABEL[s.method]}); the token is valid until ${next.expiresAt ? new Date(next.expiresAt).toISOString() : 'further notice'}.`,
      );
      return next;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.logger.warn(`Renewing the ReSim session failed: ${why}`);
      if ((err as { code?: string }).code === 'refused' || (err as { code?: string }).code === 'credentials-refused') {
        await this.clear();
        const choice = await ui.showWarningMessage(`ReSim: your sign-in has expired. ${why}`, 'Sign In');
        if (choice) void vscode.commands.executeCommand('resim.signIn');
        return undefined;
      }
      this.timer = setTimeout(() => {
        void this.renew();
      }, 60_000); // a network problem: try again in a minute
      return s;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

function toAuthSession(s: StoredSession): vscode.AuthenticationSession {
  return { id: s.id, accessToken: s.accessToken, account: { id: s.account, label: s.account }, scopes: [] };
}
