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
 * Security: tokens are returned, never logged or put in a message; requests never follow a
 * redirect (openid-client answers a 3xx as an error); plain http is allowed for loopback auth
 * servers only (local tests).
 */
import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { registerSecret } from '../security/redact';
import { RESIM_AUDIENCE } from './oauthConstants';
import type { OAuthToken } from './tokenCache';

/** The scope the resim CLI asks for: a refresh token. */
export const DEVICE_SCOPE = 'offline_access';
/** Auth0's paths, relative to the auth URL (the resim CLI's, and the fallback after discovery). */
export const AUTH0_PATHS = { deviceAuthorization: 'oauth/device/code', token: 'oauth/token', revocation: 'oauth/revoke' } as const;
/** Timeout of one request to the auth server, in seconds. */
const REQUEST_TIMEOUT_S = 30;

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
}

/** What a person needs to approve a device code (RFC 8628 §3.2). `expiresIn` in seconds. */
export interface DeviceCodePrompt {
  verificationUri: string;
  /** The URI with the code filled in, when the server gives one. */
  verificationUriComplete?: string;
  userCode: string;
  expiresIn: number;
}

function baseUrl(authUrl: string): URL {
  let u: URL;
  try {
    u = new URL(authUrl.trim());
  } catch {
    throw new LoginError('not-oauth', `The auth server URL "${authUrl}" is not a URL.`);
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    throw new LoginError('insecure', `The auth server ${u.origin} uses plain http; only https is accepted (http only on this machine).`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new LoginError('not-oauth', `The auth server URL "${authUrl}" is not an http(s) URL.`);
  return u;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

const configs = new Map<string, Promise<oc.Configuration>>();

/**
 * The openid-client configuration of a server: OIDC discovery, else (or for what discovery
 * lacks) the Auth0 paths under the auth URL. Cached per auth URL and client ID.
 */
export function oauthConfiguration(server: OAuthServer): Promise<oc.Configuration> {
  const base = baseUrl(server.authUrl);
  const key = `${base.href} ${server.clientId}`;
  let p = configs.get(key);
  if (!p) {
    p = discover(base, server.clientId);
    configs.set(key, p);
    p.catch(() => configs.delete(key));
  }
  return p;
}

async function discover(base: URL, clientId: string): Promise<oc.Configuration> {
  const insecure = base.protocol === 'http:';
  const execute = insecure ? [oc.allowInsecureRequests] : [];
  let meta: oc.ServerMetadata | undefined;
  try {
    const found = await oc.discovery(base, clientId, undefined, oc.None(), { execute, timeout: REQUEST_TIMEOUT_S });
    meta = found.serverMetadata();
  } catch {
    meta = undefined; // no (usable) discovery document: the Auth0 paths below
  }
  const at = (p: string) => new URL(p, base).href;
  const full: oc.ServerMetadata = {
    ...(meta ?? { issuer: base.href }),
    token_endpoint: meta?.token_endpoint ?? at(AUTH0_PATHS.token),
    device_authorization_endpoint: meta?.device_authorization_endpoint ?? at(AUTH0_PATHS.deviceAuthorization),
    revocation_endpoint: meta?.revocation_endpoint ?? (meta ? undefined : at(AUTH0_PATHS.revocation)),
  };
  const config = new oc.Configuration(full, clientId, undefined, oc.None());
  config.timeout = REQUEST_TIMEOUT_S;
  for (const x of execute) x(config);
  return config;
}

function toToken(r: oc.TokenEndpointResponse, previousRefreshToken?: string, now = Date.now()): OAuthToken {
  // Every token this process obtains is a secret no message may print (security/redact.ts).
  registerSecret(r.access_token);
  if (r.refresh_token) registerSecret(r.refresh_token);
  return {
    accessToken: r.access_token,
    tokenType: r.token_type ? r.token_type.charAt(0).toUpperCase() + r.token_type.slice(1) : 'Bearer',
    refreshToken: r.refresh_token ?? previousRefreshToken,
    expiresAt: typeof r.expires_in === 'number' && r.expires_in > 0 ? now + r.expires_in * 1000 : Infinity,
  };
}

/** Maps an openid-client / fetch failure to a `LoginError` (`what`: "sign-in", "refresh", …). */
function loginError(err: unknown, authUrl: string, what: string, signal?: AbortSignal): LoginError {
  if (err instanceof LoginError) return err;
  if (signal?.aborted) return new LoginError('cancelled', `The ${what} was cancelled.`);
  const host = (() => {
    try {
      return new URL(authUrl).origin;
    } catch {
      return authUrl;
    }
  })();
  if (err instanceof oc.ResponseBodyError) {
    switch (err.error) {
      case 'access_denied':
        return new LoginError('access-denied', 'The sign-in was denied in the browser.');
      case 'expired_token':
        return new LoginError('expired', 'The sign-in code expired before it was approved.');
      case 'invalid_grant':
        return new LoginError('refused', `The auth server ${host} no longer accepts this sign-in (${what}); sign in again.`);
      case 'invalid_client':
      case 'unauthorized_client':
        return new LoginError('refused', `The auth server ${host} refused the OAuth client (${err.error_description ?? err.error}).`);
      default:
        return new LoginError('refused', `The auth server ${host} refused the ${what}: ${err.error_description ?? err.error}.`);
    }
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError')
    return new LoginError('unreachable', `The auth server ${host} did not answer in time.`);
  if (e?.name === 'AbortError' || e?.cause?.name === 'AbortError') return new LoginError('cancelled', `The ${what} was cancelled.`);
  if (err instanceof TypeError || e?.cause?.code) {
    return new LoginError('unreachable', `Cannot reach the auth server ${host}${e?.cause?.code ? ` (${e.cause.code})` : ''}.`);
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
    throw loginError(err, server.authUrl, 'sign-in', signal);
  }
  if (signal?.aborted) throw new LoginError('cancelled', 'The sign-in was cancelled.');
  await opts.onCode({
    verificationUri: device.verification_uri,
    verificationUriComplete: device.verification_uri_complete,
    userCode: device.user_code,
    expiresIn: device.expires_in,
  });
  const expiry = AbortSignal.timeout(Math.max(1, device.expires_in) * 1000);
  const polling = signal ? AbortSignal.any([signal, expiry]) : expiry;
  try {
    return toToken(await oc.pollDeviceAuthorizationGrant(config, device, undefined, { signal: polling }));
  } catch (err) {
    if (signal?.aborted) throw new LoginError('cancelled', 'The sign-in was cancelled.');
    if (expiry.aborted) throw new LoginError('expired', 'The sign-in code expired before it was approved.');
    throw loginError(err, server.authUrl, 'sign-in', signal);
  }
}

/**
 * A new access token for a refresh token (`grant_type=refresh_token`). The new token keeps the
 * old refresh token unless the server rotated it. Rejects with `refused` when the refresh token
 * is no longer valid.
 */
export async function refreshAccessToken(server: OAuthServer, refreshToken: string, signal?: AbortSignal): Promise<OAuthToken> {
  try {
    const config = await oauthConfiguration(server);
    return toToken(await oc.refreshTokenGrant(config, refreshToken), refreshToken);
  } catch (err) {
    throw loginError(err, server.authUrl, 'refresh', signal);
  }
}

/**
 * Revokes a refresh token at the server's revocation endpoint (RFC 7009), when it has one.
 * Resolves true when revoked, false when the server has no revocation endpoint.
 */
export async function revokeRefreshToken(server: OAuthServer, refreshToken: string): Promise<boolean> {
  try {
    const config = await oauthConfiguration(server);
    if (!config.serverMetadata().revocation_endpoint) return false;
    await oc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    return true;
  } catch (err) {
    throw loginError(err, server.authUrl, 'sign-out', undefined);
  }
}

/** Who a token is for, read from its JWT claims (unverified: for display only). */
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
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
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
