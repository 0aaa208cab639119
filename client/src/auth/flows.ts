/**
 * The network half of signing in, bundled on its own (dist/signInFlows.js, loaded on first use
 * by auth/lazy.ts) so that activation does not load openid-client: the device-code flow,
 * refresh, client credentials, the resim CLI's cache, and the API call that verifies a token
 * before anything says "signed in". Every function resolves or rejects with a `FlowError`
 * whose `message` is one sentence for a person, naming no flag or environment variable.
 */
import {
  ClientCredentialsAuth,
  CliCacheAuth,
  createResimClient,
  StaticTokenAuth,
  cliCachePath,
  deviceLogin,
  LoginError,
  refreshAccessToken,
  tokenIdentity,
  type DeviceCodePrompt,
  type OAuthToken,
  type TokenIdentity,
} from '../../../server/src/resim/index';
import { RESIM_AUDIENCE } from '../../../server/src/resim/oauthConstants';
import { apiProblem, type ProblemCode } from '../../../server/src/resim/problems';

export type { DeviceCodePrompt, OAuthToken, TokenIdentity };

/** A failed step: `code` a `ProblemCode` of the API, or a `LoginError` code of the auth server. */
export class FlowError extends Error {
  constructor(
    readonly code: ProblemCode | LoginError['code'],
    message: string,
  ) {
    super(message);
  }
}

function fromLogin(err: unknown): FlowError {
  if (err instanceof LoginError) return new FlowError(err.code, err.message);
  if (err instanceof FlowError) return err;
  return new FlowError('not-oauth', err instanceof Error ? err.message : String(err));
}

/**
 * Verifies `token` with a real call (ListProjects) to `apiUrl`. Resolves with the number of
 * projects visible; rejects with a `FlowError` (`credentials-refused`, `not-resim-api`, …).
 */
export async function verifyToken(apiUrl: string, token: string, signal?: AbortSignal): Promise<number> {
  const api = createResimClient({ apiUrl, auth: new StaticTokenAuth(token, 'the token being verified'), maxRetries: 1, timeoutMs: 20_000 });
  try {
    return (await api.listProjects(signal)).length;
  } catch (err) {
    const p = apiProblem(err, apiUrl);
    throw new FlowError(p.code, p.message);
  } finally {
    api.close();
  }
}

/** The device-code flow (server/src/resim/login.ts) for the public client `clientId`. */
export async function browserSignIn(
  authUrl: string,
  clientId: string,
  onCode: (p: DeviceCodePrompt) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<OAuthToken> {
  try {
    return await deviceLogin({ server: { authUrl, clientId }, onCode, signal });
  } catch (err) {
    throw fromLogin(err);
  }
}

export async function refresh(authUrl: string, clientId: string, refreshToken: string): Promise<OAuthToken> {
  try {
    return await refreshAccessToken({ authUrl, clientId }, refreshToken);
  } catch (err) {
    throw fromLogin(err);
  }
}

/** A token for OAuth client credentials (kept in memory by the caller, never written). */
export async function clientCredentialsToken(authUrl: string, clientId: string, clientSecret: string): Promise<OAuthToken> {
  const auth = new ClientCredentialsAuth({ clientId, clientSecret, authUrl, audience: RESIM_AUDIENCE });
  try {
    const accessToken = await auth.getToken();
    return { accessToken, tokenType: 'Bearer', expiresAt: tokenIdentity(accessToken).expiresAt ?? Date.now() + 3600_000 };
  } catch (err) {
    const e = err as { status?: number; kind?: string };
    if (e.status === 401 || e.status === 403)
      throw new FlowError('credentials-refused', `The auth server ${new URL(authUrl).origin} refused the client ID or secret.`);
    if (e.kind === 'auth' && e.status === undefined)
      throw new FlowError('unreachable', `Cannot reach the auth server ${new URL(authUrl).origin}.`);
    throw new FlowError('not-oauth', `The auth server ${new URL(authUrl).origin} did not give a token (${e.status ?? 'no answer'}).`);
  }
}

/** The token of the resim CLI's login (`~/.resim/cache.json`), refreshed when it has expired. */
export async function cliCacheToken(authUrl: string, clientId: string): Promise<OAuthToken & { file: string }> {
  const file = cliCachePath();
  const auth = new CliCacheAuth(file, clientId, Date.now, authUrl);
  if (!auth.hasAnyToken()) throw new FlowError('not-signed-in', `The resim CLI has not signed in on this machine (no token in ${file}).`);
  try {
    const accessToken = await auth.getToken();
    return { accessToken, tokenType: 'Bearer', expiresAt: tokenIdentity(accessToken).expiresAt ?? Date.now() + 3600_000, file };
  } catch {
    throw new FlowError(
      'credentials-refused',
      `The resim CLI's login in ${file} has expired and could not be refreshed; sign in with the browser instead.`,
    );
  }
}

export function identity(accessToken: string): TokenIdentity {
  return tokenIdentity(accessToken);
}
