/**
 * The ReSim API client (docs/architecture.md "Pieces": HTTP over node-fetch, auth, paging, retries,
 * concurrency limit). The contract is `ResimApi` (types.ts); endpoints: docs/api.md.
 */
export type { RequestEvent } from './types';
export { createResimClient } from './client';
export { parseRetryAfter } from './retry';
export { EXPERIENCES_PAGE_SIZE, PAGE_SIZE } from './paging';
export { READ_CONCURRENCY, WRITE_CONCURRENCY } from './transport';
export type { ResimClient, ResimClientOptions } from './client';
export { DEFAULT_API_URL, normalizeApiUrl } from './url';
export { ApiError, isAbortError } from './errors';
export {
  resolveAuth,
  StaticTokenAuth,
  ClientCredentialsAuth,
  CliCacheAuth,
  CLI_INTERACTIVE_CLIENT_ID,
  CLI_NON_INTERACTIVE_CLIENT_ID,
} from './auth';
export type { AuthProvider } from './auth';
export { deviceLogin, refreshAccessToken, tokenIdentity, LoginError } from './login';
export type { DeviceCodePrompt, TokenIdentity } from './login';
export { cliCachePath } from './tokenCache';
export type { OAuthToken } from './tokenCache';
