/**
 * Signing in to ReSim as a person: the OAuth 2 device authorization grant (RFC 8628), refresh
 * and revocation, with `openid-client`. What the resim CLI does (`auth/auth.go` of
 * resim-ai/api-client): its Auth0 tenant (`https://resim.us.auth0.com/`), its public interactive
 * client ID, `audience=https://api.resim.ai`, scope `offline_access`, endpoints
 * `<auth URL>/oauth/device/code` and `<auth URL>/oauth/token`. Here the endpoints are found by
 * OIDC discovery (`<auth URL>/.well-known/openid-configuration`) first, and those Auth0 paths are
 * the fallback when discovery fails or lacks an endpoint.
 *
 * Errors are `LoginError`s with a stable `code` and a message that names no command-line flag,
 * environment variable or editor command: each client words the fix for its users.
 *
 * Security (docs/security.md, "The auth server as an attacker"): everything the auth server
 * sends is untrusted.
 * - Every request goes through `boundedFetch`: no redirect is followed (openid-client answers a
 *   3xx as an error), each request is limited to the caller's timeout (`OAuthServer.timeoutS`,
 *   the CLI's `--timeout`), each answer to `MAX_AUTH_RESPONSE_BYTES`, and no request goes to a
 *   URL that `credentialUrlProblem` refuses (https only; plain http only to loopback), whether
 *   the auth URL or an endpoint that discovery names.
 * - Every token received (access, refresh, ID, device code) and every refresh token sent is
 *   registered as a secret (`registerSecret`) before any message is formed.
 * - Text from the server that reaches a person (`error_description`, `user_code`,
 *   `verification_uri`, JWT claims) is redacted and written with visible escapes
 *   (`escapeVisible`); `DeviceCodePrompt.openUrl` is the only URL a client may open in a
 *   browser (`openableUrl`).
 */
import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { credentialUrlProblem, isLoopbackHost } from '../security/loopback';
import { redact, registerSecret } from '../security/redact';
import { escapeVisible } from '../security/text';
import { RESIM_AUDIENCE } from './oauthConstants';
import type { OAuthToken } from './tokenCache';

/** The scope the resim CLI asks for: a refresh token. */
export const DEVICE_SCOPE = 'offline_access';
/** Auth0's paths, relative to the auth URL (the resim CLI's, and the fallback after discovery). */
export const AUTH0_PATHS = { deviceAuthorization: 'oauth/device/code', token: 'oauth/token', revocation: 'oauth/revoke' } as const;
/** Default limit of one request to the auth server, in seconds (`OAuthServer.timeoutS`). */
export const DEFAULT_LOGIN_TIMEOUT_S = 30;
/**
 * Largest answer read from the auth server (bytes): a discovery document, a device code or a
 * token answer is a few KB; a longer one is refused unread (memory stays bounded).
 */
export const MAX_AUTH_RESPONSE_BYTES = 1024 * 1024;
/** Longest text of the auth server shown to a person (characters; longer is cut with `…`). */
const MAX_SHOWN_CHARS = 300;

/**
 * Why a sign-in, refresh or sign-out failed:
 * - `access-denied`: the person denied the request in the browser;
 * - `expired`: the device code expired before anyone approved it;
 * - `cancelled`: the caller aborted;
 * - `refused`: the auth server refused the client or the refresh token (sign in again);
 * - `unreachable`: no answer from the auth server;
 * - `insecure`: an `http:` auth URL that is not on this machine;
 * - `not-oauth`: the server at the auth URL does not answer as an OAuth server.
 */
export type LoginErrorCode = 'access-denied' | 'expired' | 'cancelled' | 'refused' | 'unreachable' | 'insecure' | 'not-oauth';

export class LoginError extends Error {
  constructor(
    readonly code: LoginErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code === 'cancelled' ? 'AbortError' : 'LoginError';
  }
}

/** An OAuth server and client: `authUrl` like `https://resim.us.auth0.com/`. */
export interface OAuthServer {
  authUrl: string;
  clientId: string;
  /** Limit of each request to the server, in seconds (headers and body); default 30. */
  timeoutS?: number;
}

/**
 * What a person needs to approve a device code (RFC 8628 §3.2). `expiresIn` in seconds. Every
 * string is the server's text redacted, with visible escapes and cut to a readable length: safe
 * to print or show as it is, never to open (use `openUrl`).
 */
export interface DeviceCodePrompt {
  verificationUri: string;
  /** The URI with the code filled in, when the server gives one. */
  verificationUriComplete?: string;
  userCode: string;
  expiresIn: number;
  /**
   * The one URL a client may open in a browser: `verification_uri_complete`, else
   * `verification_uri`, when `openableUrl` accepts it; undefined when neither is safe.
   */
  openUrl?: string;
  /**
   * One sentence (safe to show) when a link the server gave is not opened because `openableUrl`
   * refused it; `openUrl` is then the other link, or undefined when neither may be opened.
   */
  notOpened?: string;
}

/** `text` as the auth server's text may be shown: redacted, visible escapes, at most 300 characters. */
export function serverText(text: unknown): string {
  const t = escapeVisible(redact(String(text)));
  return t.length > MAX_SHOWN_CHARS ? `${t.slice(0, MAX_SHOWN_CHARS)}…` : t;
}

/**
 * Why a verification URI of the auth server at `authUrl` may not be opened in a browser, or
 * undefined when it may: `https:` on the auth server's own host, or plain `http:` to a loopback
 * host when the auth server itself is a loopback `http:` one (local tests). Never `file:`,
 * `javascript:`, `data:`, `vscode:` or another host (a phishing page, a local file).
 */
export function openableUrl(uri: string, authUrl: string): string | undefined {
  let u: URL;
  let auth: URL;
  try {
    u = new URL(uri);
    auth = new URL(authUrl);
  } catch {
    return 'it is not a URL';
  }
  if (u.username || u.password) return 'it holds user info';
  if (u.protocol === 'https:') {
    return u.hostname.toLowerCase() === auth.hostname.toLowerCase() ? undefined : `it is not on the auth server's host ${auth.hostname}`;
  }
  if (u.protocol === 'http:' && auth.protocol === 'http:' && isLoopbackHost(auth.hostname) && isLoopbackHost(u.hostname)) return undefined;
  return `only https links of the auth server are opened, not ${escapeVisible(u.protocol)} ones`;
}

/** Redirects are not followed, timeouts are the caller's, answers are capped, URLs are checked (module comment). */
async function boundedFetch(url: string, options: oc.CustomFetchOptions): Promise<Response> {
  const origin = (() => {
    try {
      return new URL(url).origin;
    } catch {
      return 'an unparsable URL';
    }
  })();
  const problem = credentialUrlProblem(url);
  if (problem)
    throw new LoginError('insecure', `The auth server's endpoint ${serverText(origin)} was refused: ${problem}; nothing was sent there.`);
  const res = await fetch(url, { ...options, redirect: 'manual' } as RequestInit);
  const tooLarge = () =>
    new LoginError(
      'not-oauth',
      `The auth server ${origin} sent an answer larger than ${MAX_AUTH_RESPONSE_BYTES / 1024 / 1024} MB; it was not read.`,
    );
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_AUTH_RESPONSE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_AUTH_RESPONSE_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const body = Buffer.concat(chunks, total);
  registerTokensIn(body);
  const noBody = res.status === 204 || res.status === 205 || res.status === 304;
  return new Response(noBody ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** Registers the tokens of a JSON answer as secrets, before openid-client (or an error) reads it. */
function registerTokensIn(body: Buffer): void {
  if (body.length === 0 || body[0] !== 0x7b /* { */) return;
  try {
    const j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const k of ['access_token', 'refresh_token', 'id_token', 'device_code']) if (typeof j[k] === 'string') registerSecret(j[k]);
  } catch {
    /* not JSON: openid-client reports it */
  }
}

function baseUrl(authUrl: string): URL {
  let u: URL;
  try {
    u = new URL(authUrl.trim());
  } catch {
    throw new LoginError('not-oauth', `The auth server URL ${JSON.stringify(serverText(authUrl))} is not a URL.`);
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  if (u.protocol === 'http:' && credentialUrlProblem(u)) {
    throw new LoginError('insecure', `The auth server ${u.origin} uses plain http; only https is accepted (http only on this machine).`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new LoginError('not-oauth', `The auth server URL ${JSON.stringify(serverText(authUrl))} is not an http(s) URL.`);
  return u;
}

const configs = new Map<string, Promise<oc.Configuration>>();

/**
 * The openid-client configuration of a server: OIDC discovery, else (or for what discovery
 * lacks) the Auth0 paths under the auth URL. Cached per auth URL and client ID.
 */
export function oauthConfiguration(server: OAuthServer): Promise<oc.Configuration> {
  const base = baseUrl(server.authUrl);
  const timeoutS = server.timeoutS ?? DEFAULT_LOGIN_TIMEOUT_S;
  const key = `${base.href} ${server.clientId} ${timeoutS}`;
  let p = configs.get(key);
  if (!p) {
    p = discover(base, server.clientId, timeoutS);
    configs.set(key, p);
    p.catch(() => configs.delete(key));
  }
  return p;
}

async function discover(base: URL, clientId: string, timeoutS: number): Promise<oc.Configuration> {
  // openid-client's own https check would refuse a loopback http server; boundedFetch applies
  // the project's rule (credentialUrlProblem) to every request instead.
  const insecure = base.protocol === 'http:';
  const execute = insecure ? [oc.allowInsecureRequests] : [];
  let meta: oc.ServerMetadata | undefined;
  try {
    const found = await oc.discovery(base, clientId, undefined, oc.None(), { execute, timeout: timeoutS, [oc.customFetch]: boundedFetch });
    meta = found.serverMetadata();
  } catch (err) {
    const refused = loginErrorIn(err);
    if (refused?.code === 'insecure') throw refused;
    if (isTimeout(err)) throw new LoginError('unreachable', `The auth server ${base.origin} did not answer within ${timeoutS} s.`);
    meta = undefined; // no (usable) discovery document: the Auth0 paths below
  }
  const at = (p: string) => new URL(p, base).href;
  const full: oc.ServerMetadata = {
    ...(meta ?? { issuer: base.href }),
    token_endpoint: meta?.token_endpoint ?? at(AUTH0_PATHS.token),
    device_authorization_endpoint: meta?.device_authorization_endpoint ?? at(AUTH0_PATHS.deviceAuthorization),
    revocation_endpoint: meta?.revocation_endpoint ?? (meta ? undefined : at(AUTH0_PATHS.revocation)),
  };
  for (const [name, url] of [
    ['token', full.token_endpoint],
    ['device authorization', full.device_authorization_endpoint],
    ['revocation', full.revocation_endpoint],
  ] as const) {
    const problem = url === undefined ? undefined : credentialUrlProblem(url);
    if (problem)
      throw new LoginError(
        'insecure',
        `The auth server ${base.origin} names a ${name} endpoint that is refused: ${problem}; nothing was sent there.`,
      );
  }
  const config = new oc.Configuration(full, clientId, undefined, oc.None());
  config.timeout = timeoutS;
  config[oc.customFetch] = boundedFetch;
  for (const x of execute) x(config);
  return config;
}

/** The `LoginError` in `err` or its causes (boundedFetch's, wrapped by openid-client). */
function loginErrorIn(err: unknown): LoginError | undefined {
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) if (e instanceof LoginError) return e;
  return undefined;
}

function isTimeout(err: unknown): boolean {
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const x = e as { name?: string; code?: string };
    if (
      x.name === 'TimeoutError' ||
      x.code === 'OAUTH_TIMEOUT' ||
      x.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      x.code === 'UND_ERR_BODY_TIMEOUT'
    )
      return true;
  }
  return false;
}

function toToken(r: oc.TokenEndpointResponse, previousRefreshToken?: string, now = Date.now()): OAuthToken {
  // Every token this process obtains is a secret no message may print (security/redact.ts).
  registerSecret(r.access_token);
  registerSecret(r.refresh_token);
  registerSecret(r.id_token);
  return {
    accessToken: r.access_token,
    tokenType: r.token_type ? r.token_type.charAt(0).toUpperCase() + r.token_type.slice(1) : 'Bearer',
    refreshToken: r.refresh_token ?? previousRefreshToken,
    expiresAt: typeof r.expires_in === 'number' && r.expires_in > 0 ? now + r.expires_in * 1000 : Infinity,
  };
}

/**
 * Maps an openid-client / fetch failure to a `LoginError` (`what`: "sign-in", "refresh", …).
 * The server's `error_description` passes through `serverText` (redacted, visible escapes).
 */
function loginError(err: unknown, server: OAuthServer, what: string, signal?: AbortSignal): LoginError {
  const own = loginErrorIn(err);
  if (own) return own;
  if (signal?.aborted) return new LoginError('cancelled', `The ${what} was cancelled.`);
  const host = (() => {
    try {
      return new URL(server.authUrl).origin;
    } catch {
      return serverText(server.authUrl);
    }
  })();
  if (err instanceof oc.ResponseBodyError) {
    const said = serverText(err.error_description ?? err.error);
    switch (err.error) {
      case 'access_denied':
        return new LoginError('access-denied', 'The sign-in was denied in the browser.');
      case 'expired_token':
        return new LoginError('expired', 'The sign-in code expired before it was approved.');
      case 'invalid_grant':
        return new LoginError('refused', `The auth server ${host} no longer accepts this sign-in (${what}); sign in again.`);
      case 'invalid_client':
      case 'unauthorized_client':
        return new LoginError('refused', `The auth server ${host} refused the OAuth client (${said}).`);
      default:
        return new LoginError('refused', `The auth server ${host} refused the ${what}: ${said}.`);
    }
  }
  if (isTimeout(err))
    return new LoginError('unreachable', `The auth server ${host} did not answer within ${server.timeoutS ?? DEFAULT_LOGIN_TIMEOUT_S} s.`);
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'AbortError' || e?.cause?.name === 'AbortError') return new LoginError('cancelled', `The ${what} was cancelled.`);
  // A network failure: fetch's TypeError, with the system error (ECONNREFUSED, ENOTFOUND…) as its cause.
  if (err instanceof TypeError && !(err instanceof oc.ClientError)) {
    const code = typeof e.cause?.code === 'string' && /^[A-Z_]+$/.test(e.cause.code) ? ` (${e.cause.code})` : '';
    return new LoginError('unreachable', `Cannot reach the auth server ${host}${code}.`);
  }
  // openid-client refused the answer (an invalid ID token, a missing field, not JSON…).
  if (err instanceof oc.ClientError) {
    const cause = (err.cause as { message?: unknown } | undefined)?.message;
    const why = typeof cause === 'string' && cause !== err.message ? `${err.message} (${cause})` : err.message;
    return new LoginError('not-oauth', `The auth server ${host} sent an invalid answer to the ${what}: ${serverText(why)}.`);
  }
  return new LoginError('not-oauth', `The server at ${host} did not answer the ${what} as an OAuth server does.`);
}

export interface DeviceLoginOptions {
  server: OAuthServer;
  /** Default `https://api.resim.ai`. */
  audience?: string;
  /** Default `offline_access`. */
  scope?: string;
  /** Cancels the request or the polling (rejects with `LoginError` code `cancelled`). */
  signal?: AbortSignal;
  /** Shows the code and opens the browser; called once, before polling starts. */
  onCode(prompt: DeviceCodePrompt): void | Promise<void>;
}

/**
 * The device authorization grant: asks for a device code, hands it to `onCode`, then polls the
 * token endpoint every `interval` seconds (5 when the server gives none), 5 s slower after each
 * `slow_down`, until the person approves (resolves with the token), denies (`access-denied`),
 * the code expires (`expired`: the server's `expired_token`, or `expires_in` elapsed), or
 * `signal` aborts (`cancelled`).
 */
export async function deviceLogin(opts: DeviceLoginOptions): Promise<OAuthToken> {
  const { server, signal } = opts;
  if (signal?.aborted) throw new LoginError('cancelled', 'The sign-in was cancelled.');
  let config: oc.Configuration;
  let device: oc.DeviceAuthorizationResponse;
  try {
    config = await oauthConfiguration(server);
    device = await oc.initiateDeviceAuthorization(config, { scope: opts.scope ?? DEVICE_SCOPE, audience: opts.audience ?? RESIM_AUDIENCE });
  } catch (err) {
    throw loginError(err, server, 'sign-in', signal);
  }
  if (signal?.aborted) throw new LoginError('cancelled', 'The sign-in was cancelled.');
  await opts.onCode(devicePrompt(device, server.authUrl));
  const expiry = AbortSignal.timeout(Math.max(1, device.expires_in) * 1000);
  const polling = signal ? AbortSignal.any([signal, expiry]) : expiry;
  try {
    return toToken(await oc.pollDeviceAuthorizationGrant(config, device, undefined, { signal: polling }));
  } catch (err) {
    if (signal?.aborted) throw new LoginError('cancelled', 'The sign-in was cancelled.');
    if (expiry.aborted) throw new LoginError('expired', 'The sign-in code expired before it was approved.');
    throw loginError(err, server, 'sign-in', signal);
  }
}

/** The prompt of a device authorization answer: its text safe to show, the URL safe to open (`openableUrl`). */
function devicePrompt(device: oc.DeviceAuthorizationResponse, authUrl: string): DeviceCodePrompt {
  const complete = typeof device.verification_uri_complete === 'string' ? device.verification_uri_complete : undefined;
  const candidates = [complete, device.verification_uri].filter((u): u is string => typeof u === 'string');
  const openUrl = candidates.find((u) => openableUrl(u, authUrl) === undefined);
  const refused = candidates.find((u) => openableUrl(u, authUrl) !== undefined);
  return {
    verificationUri: serverText(device.verification_uri),
    verificationUriComplete: complete === undefined ? undefined : serverText(complete),
    userCode: serverText(device.user_code),
    expiresIn: device.expires_in,
    openUrl: openUrl === undefined ? undefined : new URL(openUrl).href,
    notOpened:
      refused === undefined
        ? undefined
        : `The link ${serverText(refused)} was not opened: ${openableUrl(refused, authUrl)}.${openUrl ? '' : ' Check the link before opening it yourself.'}`,
  };
}

/**
 * A new access token for a refresh token (`grant_type=refresh_token`). The new token keeps the
 * old refresh token unless the server rotated it. Rejects with `refused` when the refresh token
 * is no longer valid.
 */
export async function refreshAccessToken(server: OAuthServer, refreshToken: string, signal?: AbortSignal): Promise<OAuthToken> {
  registerSecret(refreshToken);
  try {
    const config = await oauthConfiguration(server);
    return toToken(await oc.refreshTokenGrant(config, refreshToken), refreshToken);
  } catch (err) {
    throw loginError(err, server, 'refresh', signal);
  }
}

/**
 * Revokes a refresh token at the server's revocation endpoint (RFC 7009), when it has one.
 * Resolves true when revoked, false when the server has no revocation endpoint.
 */
export async function revokeRefreshToken(server: OAuthServer, refreshToken: string): Promise<boolean> {
  registerSecret(refreshToken);
  try {
    const config = await oauthConfiguration(server);
    if (!config.serverMetadata().revocation_endpoint) return false;
    await oc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    return true;
  } catch (err) {
    throw loginError(err, server, 'sign-out', undefined);
  }
}

/** Who a token is for, read from its JWT claims (unverified: for display only; strings as `serverText` gives them). */
export interface TokenIdentity {
  /** `email`, else `name`, else `sub`; undefined for an opaque token. */
  account?: string;
  subject?: string;
  /** The OAuth client it was issued to (`azp` or `client_id`). */
  clientId?: string;
  /** ms since the epoch, from `exp`. */
  expiresAt?: number;
}

/** The identity claims of a JWT access token; `{}` for an opaque one. Never verifies, never throws. */
export function tokenIdentity(accessToken: string): TokenIdentity {
  try {
    const c = decodeJwt(accessToken);
    const str = (v: unknown) => (typeof v === 'string' && v ? serverText(v) : undefined);
    const custom = Object.entries(c).find(([k]) => /\/email$/.test(k))?.[1]; // Auth0 namespaced claims
    return {
      account: str(c.email) ?? str(custom) ?? str(c.name) ?? str(c.sub),
      subject: str(c.sub),
      clientId: str(c.azp) ?? str(c.client_id),
      expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : undefined,
    };
  } catch {
    return {};
  }
}
