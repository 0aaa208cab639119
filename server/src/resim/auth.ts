/**
 * Where the bearer token for the ReSim API comes from (docs/api.md, "The resim CLI's
 * conventions"; docs/architecture.md, "Command line": `RESIM_TOKEN`, `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`,
 * else the token in `~/.resim/cache.json`).
 *
 * Security: a provider never logs, writes or describes a token or a client secret; its errors are
 * `ApiError`s (operation `GetToken`, kind `auth`) with every secret redacted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fetch from 'node-fetch';
import { ApiError, extractApiMessage, redact } from './errors';
import { credentialUrlProblem } from '../security/loopback';
import { registerSecret } from '../security/redact';
import { MAX_AUTH_RESPONSE_BYTES, refreshAccessToken } from './login';
import { CLI_INTERACTIVE_CLIENT_ID, CLI_NON_INTERACTIVE_CLIENT_ID, DEFAULT_AUTH_URL, RESIM_AUDIENCE } from './oauthConstants';
import { entryExpiresAt, readTokenCache, TokenCacheError, writeCachedToken, type CliCacheEntry, type OAuthToken } from './tokenCache';

export { CLI_INTERACTIVE_CLIENT_ID, CLI_NON_INTERACTIVE_CLIENT_ID, DEFAULT_AUTH_URL, RESIM_AUDIENCE };

/** A source of bearer tokens for the ReSim API. */
export interface AuthProvider {
  /** A valid access token (without the `Bearer ` prefix). Rejects with an `ApiError` (kind `auth`, or `aborted`). */
  getToken(signal?: AbortSignal): Promise<string>;
  readonly kind: 'token' | 'client-credentials' | 'cli-cache';
  /** Where the credentials come from, for logs and the status bar; never contains a secret. */
  describe(): string;
  /** Forgets a cached token so that the next `getToken` fetches a new one (after a 401). */
  invalidate?(): void;
}

export interface ResolveAuthOptions {
  /** An explicit bearer token (highest precedence). */
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** Auth0 base URL; default `RESIM_AUTH_URL`, else https://resim.us.auth0.com/. */
  authUrl?: string;
  /** OAuth audience; default https://api.resim.ai. */
  audience?: string;
  /** Environment to read `RESIM_*` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Home directory holding `.resim/cache.json`; default `os.homedir()`. */
  homeDir?: string;
  /** Limit of the token fetch of client credentials, in ms (headers and body); default 60000. */
  timeoutMs?: number;
}

/**
 * The credentials to use, in this order:
 * 1. `opts.token`; 2. `RESIM_TOKEN`;
 * 3. client credentials (`opts.clientId`/`opts.clientSecret`, else `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`;
 *    each half may come from either), exchanged at `<authUrl>/oauth/token`;
 * 4. the resim CLI's token cache `<home>/.resim/cache.json` (read again whenever its token expires).
 * Returns `undefined` when none of these exists. A cache file that exists but holds only expired
 * tokens (or is unreadable) still yields a provider, whose `getToken` rejects saying so.
 */
export function resolveAuth(opts: ResolveAuthOptions = {}): AuthProvider | undefined {
  const env = opts.env ?? process.env;
  const explicit = nonEmpty(opts.token);
  // Every secret in use is hidden from every message of this process (security/redact.ts).
  for (const s of [explicit, env.RESIM_TOKEN, opts.clientSecret, env.RESIM_CLIENT_SECRET]) registerSecret(nonEmpty(s));
  if (explicit) return new StaticTokenAuth(explicit, 'a bearer token given explicitly');
  const envToken = nonEmpty(env.RESIM_TOKEN);
  if (envToken) return new StaticTokenAuth(envToken, 'a bearer token from RESIM_TOKEN');

  const clientId = nonEmpty(opts.clientId) ?? nonEmpty(env.RESIM_CLIENT_ID);
  const clientSecret = nonEmpty(opts.clientSecret) ?? nonEmpty(env.RESIM_CLIENT_SECRET);
  if (clientId && clientSecret) {
    return new ClientCredentialsAuth({
      clientId,
      clientSecret,
      authUrl: nonEmpty(opts.authUrl) ?? nonEmpty(env.RESIM_AUTH_URL) ?? DEFAULT_AUTH_URL,
      audience: nonEmpty(opts.audience) ?? RESIM_AUDIENCE,
      timeoutMs: opts.timeoutMs,
    });
  }

  const cacheFile = path.join(opts.homeDir ?? os.homedir(), '.resim', 'cache.json');
  if (!fs.existsSync(cacheFile)) return undefined;
  const cache = new CliCacheAuth(
    cacheFile,
    clientId,
    Date.now,
    nonEmpty(opts.authUrl) ?? nonEmpty(env.RESIM_AUTH_URL) ?? DEFAULT_AUTH_URL,
    opts.timeoutMs,
  );
  return cache.hasAnyToken() ? cache : undefined;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

function abortedError(signal: AbortSignal | undefined): ApiError | undefined {
  return signal?.aborted ? new ApiError({ operation: 'GetToken', kind: 'aborted' }) : undefined;
}

/** Races `p` against `signal`: rejects with an aborted `ApiError` as soon as the signal fires. */
function withSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  const early = abortedError(signal);
  if (early) return Promise.reject(early);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApiError({ operation: 'GetToken', kind: 'aborted' }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Why a token endpoint may not be used, or undefined when it may: it must be `https:`, except on
 * loopback (`localhost`, 127.0.0.0/8, `::1`), where `http:` is accepted for local servers.
 */
export function insecureTokenUrl(tokenUrl: string): string | undefined {
  const problem = credentialUrlProblem(tokenUrl);
  if (!problem) return undefined;
  let where = 'an unparsable URL';
  try {
    const u = new URL(tokenUrl);
    where = `${u.protocol}//${u.host}`;
  } catch {
    return `the token endpoint is not a URL`;
  }
  return `the token endpoint must use https (plain http only on loopback), got ${where}; the client secret was not sent`;
}

/**
 * The message of a refused redirect: `<status> redirect to <host> refused: …`. Redirects are
 * never followed by any HTTP call of this project (docs/security.md), so that no credential
 * reaches another address. The target is named by its host only.
 */
export function redirectRefused(status: number, location: string | null, from: string): string {
  let host = 'an unnamed location';
  if (location) {
    try {
      host = new URL(location, from).host || host;
    } catch {
      host = 'an unparsable location';
    }
  }
  return `${status} redirect to ${host} refused: credentials are never sent to a redirect target`;
}

/** A fixed bearer token (`--token`, `RESIM_TOKEN`, a setting's secret storage…). */
export class StaticTokenAuth implements AuthProvider {
  readonly kind = 'token' as const;
  constructor(
    private readonly token: string,
    private readonly source: string,
  ) {}
  getToken(signal?: AbortSignal): Promise<string> {
    const err = abortedError(signal);
    return err ? Promise.reject(err) : Promise.resolve(this.token);
  }
  describe(): string {
    return this.source;
  }
}

interface ClientCredentialsConfig {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  audience: string;
  /** Limit of one token fetch, in ms; default 60000. */
  timeoutMs?: number;
}

/**
 * OAuth 2 client credentials against Auth0 (as the resim CLI's non-interactive login):
 * `POST <authUrl>/oauth/token` with JSON `{grant_type: "client_credentials", client_id,
 * client_secret, audience}`, answer `{access_token, expires_in (seconds), token_type}`.
 * The token is kept in memory (never written) until shortly before it expires; concurrent
 * callers share one request.
 */
export class ClientCredentialsAuth implements AuthProvider {
  readonly kind = 'client-credentials' as const;
  private cached: { token: string; refreshAt: number } | undefined;
  /** The token request in flight, shared by every caller; aborted when all of them gave up. */
  private inflight: { token: Promise<string>; controller: AbortController; waiting: number } | undefined;
  readonly tokenUrl: string;

  constructor(
    private readonly cfg: ClientCredentialsConfig,
    private readonly now: () => number = Date.now,
  ) {
    const base = cfg.authUrl.endsWith('/') ? cfg.authUrl : `${cfg.authUrl}/`;
    this.tokenUrl = new URL('oauth/token', base).toString();
  }

  describe(): string {
    return `client credentials for OAuth client ${this.cfg.clientId} (token from ${this.tokenUrl})`;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  getToken(signal?: AbortSignal): Promise<string> {
    const early = abortedError(signal);
    if (early) return Promise.reject(early);
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    let flight = this.inflight;
    if (!flight) {
      const f = { controller: new AbortController(), waiting: 0, token: Promise.resolve('') };
      f.token = this.fetchToken(f.controller.signal).finally(() => {
        if (this.inflight === f) this.inflight = undefined;
      });
      this.inflight = flight = f;
    }
    const f = flight;
    f.waiting++;
    return withSignal(f.token, signal).finally(() => {
      if (--f.waiting > 0 || !signal?.aborted) return;
      // Every caller gave up: abort the request (the next caller starts a new one).
      if (this.inflight === f) this.inflight = undefined;
      f.controller.abort();
    });
  }

  private async fetchToken(signal: AbortSignal): Promise<string> {
    const timeoutMs = this.cfg.timeoutMs ?? 60_000;
    const secrets = [this.cfg.clientSecret];
    const insecure = insecureTokenUrl(this.tokenUrl);
    if (insecure) {
      return Promise.reject(
        new ApiError({
          operation: 'GetToken',
          kind: 'auth',
          method: 'POST',
          url: this.tokenUrl,
          retriable: false,
          detail: insecure,
          hint: 'Use an https:// --auth-url (RESIM_AUTH_URL); plain http is accepted on loopback only.',
        }),
      );
    }
    const fail = (init: { status?: number; detail?: string; apiMessage?: string; retriable: boolean; code?: string }) =>
      new ApiError({
        operation: 'GetToken',
        kind: 'auth',
        method: 'POST',
        url: this.tokenUrl,
        ...init,
        hint: 'Check the client ID and secret (--client-id/--client-secret, RESIM_CLIENT_ID/RESIM_CLIENT_SECRET) and --auth-url (RESIM_AUTH_URL).',
      });
    let res;
    try {
      res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: this.cfg.clientId,
          client_secret: this.cfg.clientSecret,
          audience: this.cfg.audience,
        }),
        // A redirect is never followed: it would re-send the client secret to wherever it points.
        redirect: 'manual',
        timeout: timeoutMs,
        // The answer is bounded like every auth answer (login.ts): a huge one is refused unread.
        size: MAX_AUTH_RESPONSE_BYTES,
        signal,
      });
    } catch (e) {
      const err = e as { code?: string; message?: string; type?: string; name?: string };
      if (err.name === 'AbortError') return Promise.reject(new ApiError({ operation: 'GetToken', kind: 'aborted' }));
      // Not retried: a retry would multiply the wait the timeout bounds.
      if (err.type === 'request-timeout')
        return Promise.reject(
          fail({ detail: `the token endpoint did not answer within ${timeoutMs / 1000} s`, retriable: false, code: 'ETIMEDOUT' }),
        );
      return Promise.reject(
        fail({
          detail: `cannot reach the token endpoint: ${redact(err.code ?? err.message ?? String(e), secrets)}`,
          retriable: err.code !== 'ENOTFOUND',
          code: err.code,
        }),
      );
    }
    const text = await res.text().catch((e: { type?: string; name?: string }) => {
      if (e.name === 'AbortError') throw new ApiError({ operation: 'GetToken', kind: 'aborted' });
      if (e.type === 'body-timeout')
        throw fail({
          status: res.status,
          detail: `the token endpoint did not finish its answer within ${timeoutMs / 1000} s`,
          retriable: false,
          code: 'ETIMEDOUT',
        });
      if (e.type === 'max-size')
        throw fail({
          status: res.status,
          detail: `the token endpoint sent an answer larger than ${MAX_AUTH_RESPONSE_BYTES / 1024 / 1024} MB; it was not read`,
          retriable: false,
        });
      return '';
    });
    if (res.status >= 300 && res.status < 400) {
      return Promise.reject(
        fail({ status: res.status, detail: redirectRefused(res.status, res.headers.get('location'), this.tokenUrl), retriable: false }),
      );
    }
    if (!res.ok) {
      const apiMessage = extractApiMessage(redact(text, secrets));
      return Promise.reject(fail({ status: res.status, apiMessage, retriable: res.status === 429 || res.status >= 500 }));
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return Promise.reject(fail({ status: res.status, detail: 'the token endpoint did not answer JSON', retriable: false }));
    }
    if (typeof body.access_token !== 'string' || !body.access_token) {
      return Promise.reject(fail({ status: res.status, detail: 'the token endpoint answered without access_token', retriable: false }));
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : Infinity;
    // Refresh a minute early (or half-way for short-lived tokens).
    const margin = Math.min(60_000, lifetimeMs / 2);
    registerSecret(body.access_token);
    this.cached = { token: body.access_token, refreshAt: this.now() + lifetimeMs - margin };
    return body.access_token;
  }
}

/**
 * The token the resim CLI cached after `resim` signed in (`~/.resim/cache.json`, an object keyed by
 * OAuth client ID). Preference: the client ID given (`--client-id`/`RESIM_CLIENT_ID` without a
 * secret), then the CLI's interactive client, then its non-interactive one, then any other.
 * Expired tokens are skipped (10 s early, as Go's oauth2). When no valid one is left, or the
 * preferred client's has expired, the first expired entry (in that order) holding a refresh
 * token is refreshed at `authUrl`
 * (login.ts) and written back to the file in the CLI's format (tokenCache.ts), so a rotated
 * refresh token reaches the CLI too. The file is read again once the token in use expires, so
 * signing in again with either tool is picked up.
 */
export class CliCacheAuth implements AuthProvider {
  readonly kind = 'cli-cache' as const;
  private current: { token: string; clientId: string; expiresAt: number } | undefined;
  private refreshable: { clientId: string; refreshToken: string } | undefined;
  private inflight: Promise<string> | undefined;

  /** `authUrl`: where expired tokens are refreshed; without it they are not. */
  constructor(
    readonly file: string,
    private readonly preferredClientId?: string,
    private readonly now: () => number = Date.now,
    private readonly authUrl?: string,
    /** Limit of each request of a refresh, in ms; default login.ts's. */
    private readonly timeoutMs?: number,
  ) {}

  describe(): string {
    const who = this.current ? `, OAuth client ${this.current.clientId}` : '';
    return `the resim CLI's token cache (${this.file}${who})`;
  }

  /** Whether the file holds at least one entry with an access token (expired or not). */
  hasAnyToken(): boolean {
    try {
      return this.read().some(([, t]) => typeof t.access_token === 'string' && t.access_token !== '');
    } catch {
      return true; // unreadable: let getToken explain it
    }
  }

  invalidate(): void {
    this.current = undefined;
  }

  getToken(signal?: AbortSignal): Promise<string> {
    const early = abortedError(signal);
    if (early) return Promise.reject(early);
    if (this.current && this.now() < this.current.expiresAt - 10_000) return Promise.resolve(this.current.token);
    if (!this.inflight) {
      this.inflight = this.pickOrRefresh().finally(() => {
        this.inflight = undefined;
      });
    }
    return withSignal(this.inflight, signal);
  }

  private async pickOrRefresh(): Promise<string> {
    try {
      return this.pick();
    } catch (e) {
      const stale = this.refreshable;
      if (!stale || !this.authUrl) throw e;
      let t: OAuthToken;
      try {
        const timeoutS = this.timeoutMs === undefined ? undefined : this.timeoutMs / 1000;
        t = await refreshAccessToken({ authUrl: this.authUrl, clientId: stale.clientId, timeoutS }, stale.refreshToken);
      } catch (err) {
        throw this.fail(
          `the token for OAuth client ${stale.clientId} in ${this.file} has expired and could not be refreshed: ${(err as Error).message}`,
        );
      }
      writeCachedToken(this.file, stale.clientId, t);
      this.current = { token: t.accessToken, clientId: stale.clientId, expiresAt: t.expiresAt };
      return t.accessToken;
    }
  }

  private fail(detail: string): ApiError {
    return new ApiError({
      operation: 'GetToken',
      kind: 'auth',
      detail,
      hint: 'Sign in again with the resim CLI (any `resim` command, e.g. `resim projects list`), or set RESIM_TOKEN, or RESIM_CLIENT_ID and RESIM_CLIENT_SECRET.',
    });
  }

  private read(): Array<[string, CliCacheEntry]> {
    return readTokenCache(this.file);
  }

  private pick(): string {
    let entries: Array<[string, CliCacheEntry]>;
    try {
      entries = this.read();
    } catch (e) {
      if (e instanceof TokenCacheError) throw this.fail(`cannot read the resim CLI's token cache (${e.message.replace(/\.$/, '')})`);
      throw this.fail(`cannot read the resim CLI's token cache ${this.file}: ${(e as Error).message}`);
    }
    const order = [this.preferredClientId, CLI_INTERACTIVE_CLIENT_ID, CLI_NON_INTERACTIVE_CLIENT_ID];
    const rank = (id: string) => {
      const i = order.indexOf(id);
      return i < 0 ? order.length : i;
    };
    const sorted = [...entries].sort((a, b) => rank(a[0]) - rank(b[0]));
    const expired: string[] = [];
    this.refreshable = undefined;
    for (const [clientId, t] of sorted) {
      if (typeof t.access_token !== 'string' || !t.access_token) continue;
      const expiresAt = entryExpiresAt(t.expiry);
      if (this.now() >= expiresAt - 10_000) {
        expired.push(`${clientId} (expired ${typeof t.expiry === 'string' ? t.expiry : 'at an unknown time'})`);
        if (typeof t.refresh_token === 'string' && t.refresh_token && this.authUrl && !this.refreshable) {
          this.refreshable = { clientId, refreshToken: t.refresh_token };
          // The client asked for: refresh it rather than fall back to another client's token.
          if (clientId === this.preferredClientId) throw this.fail(`the resim CLI's token for OAuth client ${clientId} has expired`);
        }
        continue;
      }
      registerSecret(t.access_token);
      this.current = { token: t.access_token, clientId, expiresAt };
      return t.access_token;
    }
    this.current = undefined;
    if (expired.length > 0) {
      throw this.fail(`the resim CLI's cached tokens in ${this.file} have expired: ${expired.join(', ')}`);
    }
    throw this.fail(`the resim CLI's token cache ${this.file} holds no access token`);
  }
}
