/** Paging of the API's list calls (docs/api.md, "Paging"). */
import { ApiError } from './errors';
import type { CallSpec, Query } from './transport';

/** Page size of every list call: what the resim CLI uses, and the API's maximum (docs/api.md, "Paging"). */
export const PAGE_SIZE = 100;
/**
 * Default page size of ListExperiences, whose `pageSize` the API types as `pageSizeUnbounded`
 * (resim-ai/api-client's generated client; every other listing is capped at PAGE_SIZE): fewer
 * pages, each needing the previous page's token, so fewer sequential round trips.
 */
export const EXPERIENCES_PAGE_SIZE = 1000;

/**
 * Follows `nextPageToken` (asking `pageSize`, default 100) until it is empty/absent or a page is
 * empty, whatever the size of the pages that come back (docs/api.md, "Paging"). `call` makes one
 * (retried) GET; `buildUrl` names the page in errors.
 * @throws ApiError when a page has no list `key`, or the same token comes back twice.
 */
export async function listAll<T>(
  call: (spec: CallSpec, signal?: AbortSignal) => Promise<unknown>,
  buildUrl: (path: string, query?: Query) => string,
  operation: string,
  path: string,
  key: string,
  query: Query,
  signal?: AbortSignal,
  pageSize = PAGE_SIZE,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    const q: Query = { ...query, pageSize, pageToken };
    const data = (await call({ operation, method: 'GET', path, query: q, priority: seen.size }, signal)) as
      Record<string, unknown> | undefined;
    const items = data?.[key] ?? [];
    if (!Array.isArray(items)) {
      throw new ApiError({
        operation,
        kind: 'http',
        status: 200,
        method: 'GET',
        url: buildUrl(path, q),
        detail: `the answer has no list "${key}"`,
      });
    }
    out.push(...(items as T[]));
    const next = data?.nextPageToken;
    if (items.length === 0 || typeof next !== 'string' || next === '') return out;
    if (seen.has(next)) {
      throw new ApiError({
        operation,
        kind: 'http',
        status: 200,
        method: 'GET',
        url: buildUrl(path, q),
        detail: 'the API returned the same nextPageToken twice (paging does not advance)',
      });
    }
    seen.add(next);
    pageToken = next;
  }
}
