/**
 * Credentials for the API, kept in memory only.
 *
 * - The client may send the notification `resim/setCredentials`
 *   `{apiUrl, token, clientId?, clientSecret?}`: a bearer token, or OAuth client credentials,
 *   for that API URL (`apiUrl: null` means the server's own: `RESIM_URL`, else the default).
 *   `token: null` without client credentials forgets what the client gave; the server then
 *   falls back to the environment.
 * - Otherwise the server resolves auth as the CLI does (resim/connection.ts: `RESIM_TOKEN`,
 *   `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`, the resim CLI's token cache `~/.resim/cache.json`).
 *
 * A token or secret is never logged, never put in a diagnostic or a response. Note for client
 * authors: an LSP message trace shows notification params, so a client must not trace
 * `resim/setCredentials` (VS Code: keep `resim.trace.server` off, or redact it in a middleware).
 * This server never echoes the params back.
 */
import type { AuthProvider } from '../resim/index';
import { resolveApiUrl, resolveCredentials } from '../resim/connection';
import { apiUrlKey } from '../resim/url';

/** Params of the `resim/setCredentials` notification. */
export interface SetCredentialsParams {
  apiUrl: string | null;
  /** Bearer token; `null` (or empty) with no client credentials removes what the client gave. */
  token: string | null;
  clientId?: string;
  clientSecret?: string;
}

/** What `forApi` answers: an auth provider to build a client with, or why there is none. */
export type CredentialLookup =
  { auth: AuthProvider; source: 'client' | 'environment'; reason?: undefined } | { auth: undefined; reason: string };

interface ClientGiven {
  token?: string;
  clientId?: string;
  clientSecret?: string;
}

export class CredentialStore {
  private given = new Map<string, ClientGiven>();
  private providers = new Map<string, CredentialLookup>();
  private listeners: ((apiUrl: string) => void)[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Applies a `resim/setCredentials` notification; malformed params are ignored. */
  set(params: unknown): void {
    if (!params || typeof params !== 'object') return;
    const p = params as Partial<SetCredentialsParams>;
    const rawUrl = resolveApiUrl(typeof p.apiUrl === 'string' ? p.apiUrl : undefined, this.env);
    const apiUrl = apiUrlKey(rawUrl);
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const next: ClientGiven = { token: str(p.token), clientId: str(p.clientId), clientSecret: str(p.clientSecret) };
    if (next.token || (next.clientId && next.clientSecret)) this.given.set(apiUrl, next);
    else this.given.delete(apiUrl);
    this.providers.delete(apiUrl);
    for (const l of this.listeners) l(apiUrl);
  }

  /** Called with the API URL whose credentials changed. */
  onDidChange(listener: (apiUrl: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Auth for `apiUrl`: what the client gave, else the CLI's sources. Never throws. Providers are
   * kept (a client-credentials provider caches its access token in memory).
   */
  forApi(apiUrl: string): CredentialLookup {
    const url = apiUrlKey(apiUrl);
    const cached = this.providers.get(url);
    if (cached?.auth) return cached;
    let found: CredentialLookup;
    try {
      const g = this.given.get(url);
      const fromClient = g
        ? resolveCredentials(
            { token: g.token, clientId: g.clientId, clientSecret: g.clientSecret, authUrl: this.env.RESIM_AUTH_URL },
            { env: {} },
          )
        : undefined;
      if (fromClient) found = { auth: fromClient, source: 'client' };
      else {
        const fromEnv = resolveCredentials({}, { env: this.env });
        found = fromEnv
          ? { auth: fromEnv, source: 'environment' }
          : { auth: undefined, reason: 'no token from the editor, no RESIM_TOKEN, no resim CLI login' };
      }
    } catch (err) {
      found = { auth: undefined, reason: err instanceof Error ? err.message : String(err) };
    }
    if (found.auth) this.providers.set(url, found);
    return found;
  }
}
