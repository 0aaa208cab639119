/**
 * The API base URL: its default and its one normalisation, used by the API client, the CLI and
 * the language server (settings, credentials and state caches are keyed by it).
 */
import { DEFAULT_API_URL } from '../../../protocol';
import { credentialUrlProblem } from '../security/loopback';
import { sanitizeUrl } from './errors';

export { DEFAULT_API_URL };

/** Where a person sets the API URL; appended to URL errors. */
export const API_URL_HINT = 'Check the API URL (--url, RESIM_URL, or the resim.apiUrl setting).';

/**
 * Normalises a base URL: trimmed, the default when empty, without query or fragment, ending
 * with exactly one `/` (`https://x/v1`, `https://x/v1/` and `https://x/v1//?a=1` are the same API).
 * @throws Error (one line, with `API_URL_HINT`) when it is not an http(s) URL, or when it is plain
 *   http to a host other than this machine (the bearer token would travel in clear:
 *   `credentialUrlProblem`, docs/security.md).
 */
export function normalizeApiUrl(apiUrl: string | undefined): string {
  const raw = (apiUrl ?? '').trim() || DEFAULT_API_URL;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`Invalid ReSim API URL "${sanitizeUrl(raw)}". ${API_URL_HINT}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`Invalid ReSim API URL "${sanitizeUrl(raw)}": only http and https are supported. ${API_URL_HINT}`);
  }
  const insecure = credentialUrlProblem(u);
  if (insecure) throw new Error(`Refused ReSim API URL "${sanitizeUrl(raw)}": ${insecure}; no credential is sent there. ${API_URL_HINT}`);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/+$/, '') + '/';
  return u.toString();
}

/**
 * `normalizeApiUrl`, or the trimmed text itself when it is not an http(s) URL: for keys and
 * settings, which must not throw (the API client reports the bad URL when it is used).
 */
export function apiUrlKey(apiUrl: string | undefined): string {
  try {
    return normalizeApiUrl(apiUrl);
  } catch {
    return (apiUrl ?? '').trim();
  }
}
