/**
 * The resim CLI's token cache, `~/.resim/cache.json` (`auth/auth.go` of resim-ai/api-client):
 * one JSON object keyed by OAuth client ID, each value a Go `oauth2.Token` as JSON:
 * `{"access_token", "token_type", "refresh_token", "expiry"}` (`expiry` RFC 3339; Go's zero
 * time `0001-01-01T00:00:00Z` or none means "does not expire"). The CLI writes it with mode 0600
 * in a 0700 directory; so does this module, atomically, keeping every other client's entry, so
 * that one login serves both tools.
 *
 * The cache is kept as ssh keeps `~/.ssh` (docs/security.md, "The token cache"):
 * - `~/.resim` is created 0700 and refused (`TokenCacheError`, one line naming the fix) when it
 *   is a symlink, another user's, or writable by group or others (`checkCacheDir`);
 * - `cache.json` is read as a regular file of this user's, never through a symlink, at most
 *   `MAX_CACHE_BYTES` (no hang on a FIFO, no memory blow-up on `/dev/zero`);
 * - every token read is registered as a secret (security/redact.ts) before any message;
 * - an unusable cache (invalid JSON, a link, a FIFO, too long, another user's) is a one-line
 *   error naming the file; a login being saved keeps it aside (`cache.json.bad-<time>`) and
 *   writes a good one, so a login the user just approved is not lost.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { registerSecret } from '../security/redact';
import { readFileBounded, writeFileSafely } from '../util/files';
import { UserError } from '../util/userError';

/** Largest token cache read (bytes): a few entries of a few KB each. */
export const MAX_CACHE_BYTES = 1024 * 1024;

/** The token cache or its folder cannot be used; `message` is one line naming the file and the fix. */
export class TokenCacheError extends UserError {}

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
 * Checks the cache's folder (`~/.resim`): refuses a symlink, a folder of another user, or one
 * that group or others may write (where they could swap `cache.json`). With `create`, a missing
 * folder is created with mode 0700. POSIX only (nothing is checked on Windows).
 * @throws TokenCacheError naming the folder and the fix.
 */
export function checkCacheDir(file: string, opts: { create?: boolean } = {}): void {
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new TokenCacheError(`${dir} cannot be read (${(e as NodeJS.ErrnoException).code}).`);
    if (!opts.create) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new TokenCacheError(`Cannot create ${dir} for the token cache (${(err as NodeJS.ErrnoException).code}).`);
    }
    st = fs.lstatSync(dir);
  }
  if (process.platform === 'win32') return;
  if (st.isSymbolicLink())
    throw new TokenCacheError(
      `${dir} is a symbolic link; the token cache is only kept in a real folder of yours. Remove the link (rm ${dir}) and sign in again.`,
    );
  if (!st.isDirectory()) throw new TokenCacheError(`${dir} is not a folder; remove it and sign in again.`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new TokenCacheError(
      `${dir} belongs to another user (uid ${st.uid}); the token cache is only kept in a folder of yours. Remove it and sign in again.`,
    );
  if (st.mode & 0o022)
    throw new TokenCacheError(
      `${dir} is writable by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run \`chmod 700 ${dir}\` and try again.`,
    );
}

/**
 * The entries of the cache file, in file order. A missing file (or folder) is an empty cache.
 * Every token in it is registered as a secret.
 * @throws TokenCacheError when the folder is unsafe (`checkCacheDir`) or the file is a symlink,
 *   not a regular file of this user's, longer than `MAX_CACHE_BYTES`, unreadable, not JSON, or
 *   not an object.
 */
export function readTokenCache(file: string): Array<[string, CliCacheEntry]> {
  checkCacheDir(file);
  let bytes: Buffer;
  try {
    bytes = readFileBounded(file, {
      maxBytes: MAX_CACHE_BYTES,
      expects: 'the token cache is a JSON file; sign in again',
      noFollow: true,
      ownedByUser: true,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TokenCacheError((e as Error).message);
  }
  const text = bytes.toString('utf8');
  if (!text.trim()) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes a piece of the file (a token).
    throw new TokenCacheError(`${file} is not valid JSON; move it aside (or delete it) and sign in again.`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new TokenCacheError(`${file} is not a JSON object keyed by OAuth client ID; move it aside (or delete it) and sign in again.`);
  const entries = Object.entries(json as Record<string, unknown>).filter(
    (e): e is [string, CliCacheEntry] => !!e[1] && typeof e[1] === 'object',
  );
  for (const [, t] of entries) {
    if (typeof t.access_token === 'string') registerSecret(t.access_token);
    if (typeof t.refresh_token === 'string') registerSecret(t.refresh_token);
  }
  return entries;
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
  checkCacheDir(file, { create: true });
  // Never through a link: a link (or anything but a regular file) is moved aside first, so the
  // new file is ours, 0600, in our 0700 folder (which no one else can change: checkCacheDir).
  const st = lstatOrUndefined(file);
  if (st && (!st.isFile() || st.uid !== (process.getuid?.() ?? st.uid))) setAside(file);
  writeFileSafely(file, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Renames `file` (a link is renamed, not followed) to `<file>.bad-<time>`; returns the new path. */
function setAside(file: string): string {
  const aside = `${file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    throw new TokenCacheError(`${file} cannot be moved aside (${(e as NodeJS.ErrnoException).code}); remove it and sign in again.`);
  }
  return aside;
}

/**
 * Sets the entry of `clientId` (others kept), atomically, mode 0600. A cache that cannot be
 * read (invalid JSON, a symlink, a FIFO, too long, another user's) is moved aside and a new one
 * written with this entry only: `setAside` is then where the old file went.
 * @throws TokenCacheError when the folder is unsafe (`checkCacheDir`) or the write fails.
 */
export function writeCachedToken(file: string, clientId: string, token: OAuthToken): { setAside?: string } {
  let entries: Array<[string, CliCacheEntry]>;
  let aside: string | undefined;
  checkCacheDir(file, { create: true });
  try {
    entries = readTokenCache(file).filter(([id]) => id !== clientId);
  } catch (e) {
    if (!(e instanceof TokenCacheError)) throw e;
    aside = setAside(file);
    entries = [];
  }
  entries.push([clientId, toCacheEntry(token)]);
  writeCache(file, entries);
  return { setAside: aside };
}

/** Removes the entry of `clientId`; true when there was one. Other entries are kept. @throws TokenCacheError */
export function removeCachedToken(file: string, clientId: string): boolean {
  const entries = readTokenCache(file);
  const rest = entries.filter(([id]) => id !== clientId);
  if (rest.length === entries.length) return false;
  writeCache(file, rest);
  return true;
}
