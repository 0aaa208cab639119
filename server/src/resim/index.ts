/**
 * The ReSim API client (docs/architecture.md "Pieces": HTTP over node-fetch, auth, paging, retries,
 * concurrency limit). The contract is `ResimApi` (types.ts); endpoints: docs/api.md.
 */
export type { RequestEvent } from './types';
export type { ResimApi } from '../sync/port';
export { createResimClient } from './client';
export { parseRetryAfter, MAX_RETRY_AFTER_MS } from './retry';
export { EXPERIENCES_PAGE_SIZE, PAGE_SIZE } from './paging';
export { READ_CONCURRENCY, WRITE_CONCURRENCY } from './transport';
export type { ResimClient, ResimClientOptions } from './client';
export { DEFAULT_API_URL, normalizeApiUrl } from './url';
export { ApiError, isAbortError, redact, sanitizeUrl } from './errors';
export type { ApiErrorKind } from './errors';
export {
  resolveAuth,
  StaticTokenAuth,
  ClientCredentialsAuth,
  CliCacheAuth,
  DEFAULT_AUTH_URL,
  RESIM_AUDIENCE,
  CLI_INTERACTIVE_CLIENT_ID,
  CLI_NON_INTERACTIVE_CLIENT_ID,
} from './auth';
export type { AuthProvider, ResolveAuthOptions } from './auth';
export {
  deviceLogin,
  refreshAccessToken,
  revokeRefreshToken,
  tokenIdentity,
  oauthConfiguration,
  LoginError,
  DEVICE_SCOPE,
  AUTH0_PATHS,
} from './login';
export type { DeviceCodePrompt, DeviceLoginOptions, LoginErrorCode, OAuthServer, TokenIdentity } from './login';
export { cliCachePath, cachedToken, readTokenCache, writeCachedToken, removeCachedToken, entryExpiresAt } from './tokenCache';
export type { CliCacheEntry, OAuthToken } from './tokenCache';
