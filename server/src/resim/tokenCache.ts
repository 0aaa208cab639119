/**
 * The resim CLI's token cache, `~/.resim/cache.json` (`auth/auth.go` of resim-ai/api-client):
 * one JSON object keyed by OAuth client ID, each value a Go `oauth2.Token` as JSON:
 * `{"access_token", "token_type", "refresh_token", "expiry"}` (`expiry` RFC 3339; Go's zero
 * time `0001-01-01T00:00:00Z` or none means "does not expire"). The CLI writes it with mode 0600
 * in a 0700 directory; so does this module, atomically, keeping every other client's entry, so
 * that one login serves both tools.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileSafely } from '../util/files';

/** One entry of the cache (Go `oauth2.Token` as JSON). Fields are `unknown` until checked. */
export interface CliCacheEntry {
  access_token?: unknown;
  token_type?: unknown;
  refresh_token?: unknown;
  expiry?: unknown;
}

/** An OAuth token as this project holds it; `expiresAt` is ms since the epoch (`Infinity`: no expiry). */
export interface OAuthToken {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  expiresAt: number;
}

/** `<home>/.resim/cache.json`; `home` defaults to `os.homedir()`. */
export function cliCachePath(home: string = os.homedir()): string {
  return path.join(home, '.resim', 'cache.json');
}

/**
 * Expiry of a cache entry in ms since the epoch: `Infinity` for a missing expiry or Go's zero
 * time, `-Infinity` (expired) for an unparsable one.
 */
export function entryExpiresAt(expiry: unknown): number {
  if (expiry === undefined || expiry === null || expiry === '') return Infinity;
  if (typeof expiry !== 'string') return -Infinity;
  if (expiry.startsWith('0001-01-01')) return Infinity;
  const t = Date.parse(expiry);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * The entries of the cache file, in file order. A missing file is an empty cache.
 * @throws Error when the file exists but is unreadable, not JSON, or not an object.
 */
export function readTokenCache(file: string): Array<[string, CliCacheEntry]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  if (!text.trim()) return [];
  const json: unknown = JSON.parse(text);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object keyed by OAuth client ID');
  return Object.entries(json as Record<string, unknown>).filter((e): e is [string, CliCacheEntry] => !!e[1] && typeof e[1] === 'object');
}

/** The entry of `clientId` as an `OAuthToken`, or undefined when there is none with an access token. */
export function cachedToken(file: string, clientId: string): OAuthToken | undefined {
  const entry = readTokenCache(file).find(([id]) => id === clientId)?.[1];
  if (!entry || typeof entry.access_token !== 'string' || !entry.access_token) return undefined;
  return {
    accessToken: entry.access_token,
    tokenType: typeof entry.token_type === 'string' && entry.token_type ? entry.token_type : 'Bearer',
    refreshToken: typeof entry.refresh_token === 'string' && entry.refresh_token ? entry.refresh_token : undefined,
    expiresAt: entryExpiresAt(entry.expiry),
  };
}

/** The Go `oauth2.Token` JSON of a token (the CLI writes `token_type` as the server sent it, e.g. `Bearer`). */
export function toCacheEntry(t: OAuthToken): CliCacheEntry {
  const entry: CliCacheEntry = { access_token: t.accessToken, token_type: t.tokenType };
  if (t.refreshToken) entry.refresh_token = t.refreshToken;
  if (Number.isFinite(t.expiresAt)) entry.expiry = new Date(t.expiresAt).toISOString();
  return entry;
}

function writeCache(file: string, entries: Array<[string, CliCacheEntry]>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSafely(file, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
}

/** Sets the entry of `clientId` (others kept), atomically, mode 0600. @throws Error on an unreadable cache. */
export function writeCachedToken(file: string, clientId: string, token: OAuthToken): void {
  const entries = readTokenCache(file).filter(([id]) => id !== clientId);
  entries.push([clientId, toCacheEntry(token)]);
  writeCache(file, entries);
}

/** Removes the entry of `clientId`; true when there was one. Other entries are kept. */
export function removeCachedToken(file: string, clientId: string): boolean {
  const entries = readTokenCache(file);
  const rest = entries.filter(([id]) => id !== clientId);
  if (rest.length === entries.length) return false;
  writeCache(file, rest);
  return true;
}
