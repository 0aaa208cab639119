/**
 * Credentials for the API, kept in memory only.
 *
 * - The client may send the notification `resim/setCredentials` `{apiUrl, token}` (a bearer
 *   token for that API URL; `token: null` signs out, after which the server falls back to the
 *   environment like the CLI does). VS Code's client keeps the token in SecretStorage.
 * - Otherwise the server resolves auth as the resim CLI does (`resolveAuth`: `RESIM_TOKEN`,
 *   `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`, the token cache `~/.resim/cache.json`).
 *
 * A token is never logged, never put in a diagnostic or a response. Note for client authors:
 * an LSP message trace shows notification params, so `resim/setCredentials` must be excluded
 * from traces (VS Code's client: do not enable `resim.trace.server` while signing in, or send it
 * through a middleware that redacts it). This server never echoes the params back.
 */
import { resolveAuth } from '../resim/index';
import { normalizeApiUrl } from './settings';

/** Params of the `resim/setCredentials` notification. */
export interface SetCredentialsParams {
  apiUrl: string;
  /** Bearer token; `null` (or empty) removes the stored token. */
  token: string | null;
}

export type AuthFor = ReturnType<typeof resolveAuth>;

/** What `forApi` answers: an auth to build a client with, or why there is none. */
export type CredentialLookup = { auth: NonNullable<AuthFor>; source: 'client' | 'environment' } | { auth: undefined; reason: string };

export class CredentialStore {
  private tokens = new Map<string, string>();
  private listeners: ((apiUrl: string) => void)[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Applies a `resim/setCredentials` notification; bad params are ignored. */
  set(params: unknown): void {
    if (!params || typeof params !== 'object') return;
    const p = params as Partial<SetCredentialsParams>;
    if (typeof p.apiUrl !== 'string' || !p.apiUrl.trim()) return;
    const apiUrl = normalizeApiUrl(p.apiUrl.trim());
    if (typeof p.token === 'string' && p.token.trim()) this.tokens.set(apiUrl, p.token.trim());
    else if (p.token === null || p.token === '') this.tokens.delete(apiUrl);
    else return;
    for (const l of this.listeners) l(apiUrl);
  }

  /** Called with the API URL whose credentials changed. */
  onDidChange(listener: (apiUrl: string) => void): void {
    this.listeners.push(listener);
  }

  /** Whether the client gave a token for this API URL. */
  hasClientToken(apiUrl: string): boolean {
    return this.tokens.has(normalizeApiUrl(apiUrl));
  }

  /** Auth for `apiUrl`: the client's token, else the CLI's sources; never throws. */
  forApi(apiUrl: string): CredentialLookup {
    const url = normalizeApiUrl(apiUrl);
    const token = this.tokens.get(url);
    if (token) {
      const auth = resolveAuth({ apiUrl: url, token, env: {}, useCache: false });
      if (auth) return { auth, source: 'client' };
    }
    try {
      const auth = resolveAuth({ apiUrl: url, env: this.env });
      if (auth) return { auth, source: 'environment' };
    } catch (err) {
      return { auth: undefined, reason: err instanceof Error ? err.message : String(err) };
    }
    return { auth: undefined, reason: 'no credentials' };
  }
}
