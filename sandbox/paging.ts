/**
 * Paging as the ReSim API does it (docs/api.md, "Paging"): `pageSize` (at most 100;
 * larger values are clamped to 100, except ListExperiences' `pageSizeUnbounded`), `pageToken` in, `nextPageToken` out (empty string on the
 * last page). Tokens are opaque to clients: base64url JSON of a cursor plus a key of the query
 * they belong to, so a token replayed against another query is a 400, not a silent wrong page.
 */
import { createHash } from 'crypto';
import { badRequest } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * `pageSize` from the query: absent or 0 → default; > 100 → 100 unless `unbounded`; anything else
 * not a positive integer → 400. `unbounded` is for ListExperiences only, whose `pageSize` the
 * API types as `pageSizeUnbounded` (resim-ai/api-client's generated client): a larger page is
 * served as asked there, and every other listing keeps the maximum of 100.
 */
export function parsePageSize(query: URLSearchParams, unbounded = false): number {
  const raw = query.get('pageSize');
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw)) throw badRequest(`pageSize must be a non-negative integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n === 0) return DEFAULT_PAGE_SIZE;
  return unbounded ? n : Math.min(n, MAX_PAGE_SIZE);
}

/** A short fingerprint of everything that defines a listing (operation, IDs, filters, order). */
export function queryKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}

/** An opaque token for the page that starts at `cursor`. */
export function encodePageToken(cursor: number | string, key: string): string {
  return Buffer.from(JSON.stringify({ c: cursor, k: key })).toString('base64url');
}

/** The cursor in `pageToken` (undefined when absent); 400 for a token that is garbled or from another query. */
export function decodePageToken(query: URLSearchParams, key: string): number | string | undefined {
  const raw = query.get('pageToken');
  if (raw === null || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('pageToken is not a token this API issued');
  }
  const t = parsed as { c?: unknown; k?: unknown } | null;
  if (!t || typeof t !== 'object' || (typeof t.c !== 'number' && typeof t.c !== 'string')) {
    throw badRequest('pageToken is not a token this API issued');
  }
  if (t.k !== key) throw badRequest('pageToken belongs to a different query: repeat the same filters, or start again without pageToken');
  return t.c;
}

/** One page of `source` from position `start`: up to `pageSize` items that pass `match`, and where the next page starts. */
export function scanPage<T>(
  source: readonly T[],
  start: number,
  pageSize: number,
  match: (item: T) => boolean,
): { items: T[]; next?: number } {
  const items: T[] = [];
  let i = Math.max(0, start);
  for (; i < source.length && items.length < pageSize; i++) {
    if (match(source[i])) items.push(source[i]);
  }
  // Look ahead for one more match so the last page carries an empty token.
  for (; i < source.length; i++) {
    if (match(source[i])) return { items, next: i };
  }
  return { items };
}

/** Position of the first item of sorted `source` whose key is >= `key`. */
export function lowerBound<T>(source: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = source.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(source[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
