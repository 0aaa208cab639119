/**
 * The ReSim API client: HTTP over `node-fetch` (keep-alive), bearer auth (auth.ts), paging,
 * retries with backoff, a concurrency limit, and the lost-create rule. Endpoints and models:
 * `shared/resim-api.md`; retry rules: DESIGN.md, "Retries that never duplicate".
 *
 * Every method rejects with an `ApiError` (errors.ts). An aborted call rejects promptly with an
 * `ApiError` of kind `aborted` (name `AbortError`) and is never retried.
 */
import { setMaxListeners } from 'events';
import * as http from 'http';
import * as https from 'https';
import fetch from 'node-fetch';
import PQueue from 'p-queue';
import type { CreateExperienceInput, Experience, ExperienceField, ExperienceTag, Project, System, TestSuite, UpdateExperienceFields } from './model';
import { redirectRefused, type AuthProvider } from './auth';
import { ApiError, extractApiMessage, redact, sanitizeUrl } from './errors';
import type { RequestEvent, ResimApi } from './types';
import { API_URL_HINT, normalizeApiUrl } from './url';

/** Page size of every list call: what the resim CLI uses, and the API's maximum (resim-api.md "Pagination"). */
export const PAGE_SIZE = 100;
/** Longest wait a `Retry-After` header can impose. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** Longest exponential backoff between two attempts. */
const MAX_BACKOFF_MS = 10_000;
/** `ECONNREFUSED` usually means a wrong URL: retried at most this often. */
const MAX_REFUSED_RETRIES = 1;

/** Network error codes of a request that never reached the server (nothing can have been written). */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Failures that another attempt will not fix: unknown host, TLS certificate problems. */
function isPermanentNetworkCode(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/.test(code));
}

export interface ResimClientOptions {
  /** API base URL, e.g. `https://api.resim.ai/v1/` (a missing trailing `/` is added). Empty: the default. */
  apiUrl: string;
  auth: AuthProvider;
  /** Most HTTP requests in flight at once, across all calls of this client. Default 8. */
  concurrency?: number;
  /** Retries after the first attempt (429, 5xx, network errors). Default 5. */
  maxRetries?: number;
  /** Base of the exponential backoff, in ms (attempt n waits about base·2^(n-1), with jitter). Default 200. */
  retryBaseMs?: number;
  /** Called after every HTTP attempt (success or not). Never receives the token. */
  onRequest?: (e: RequestEvent) => void;
  userAgent?: string;
  /** Timeout of one HTTP attempt (headers and body), in ms; 0 disables. Default 60000. */
  timeoutMs?: number;
  /** Waits between attempts (tests replace it to observe delays); must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** `ResimApi` plus what only the owner of the client needs. */
export interface ResimClient extends ResimApi {
  /** RemoveSystemsFromExperiences (resim-api.md): POST `/projects/{projectID}/systems/removeExperiences`, 204. */
  removeSystemsFromExperiences(projectID: string, systemIDs: string[], experienceIDs: string[], signal?: AbortSignal): Promise<void>;
  /** Closes idle keep-alive connections. The client stays usable (new connections are opened). */
  close(): void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined>;

interface CallSpec {
  operation: string;
  method: Method;
  /** Relative to the base URL, without a leading `/`. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Queue priority (higher first); listings pass the number of pages already read. */
  priority?: number;
}

type Outcome =
  | { ok: true; status: number; data: unknown }
  | { ok: false; error: ApiError; retryAfterMs?: number };

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * unparsable. Never negative; not capped here.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(parseFloat(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function abortError(operation: string, method?: string, url?: string): ApiError {
  return new ApiError({ operation, kind: 'aborted', method, url });
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError('Sleep')); return; }
    const onAbort = () => { clearTimeout(timer); reject(abortError('Sleep')); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects with `onAbort()` as soon as `signal` fires; otherwise settles as `p`. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return p;
  p.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const listener = () => reject(onAbort());
    signal.addEventListener('abort', listener, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', listener); resolve(v); },
      (e) => { signal.removeEventListener('abort', listener); reject(e); },
    );
  });
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const seg = encodeURIComponent;

/**
 * A client for one API base URL and one set of credentials.
 *
 * Retries (DESIGN.md "Retries that never duplicate"): every call but CreateExperience is retried
 * on 429, 5xx and transient network errors, up to `maxRetries` times, waiting `Retry-After`
 * (capped at 30 s) or an exponential backoff with jitter; `ECONNREFUSED` is retried once only,
 * DNS failures never. 400/401/403/404/409 are final, except that a 401 with client credentials
 * fetches a new token and retries once. CreateExperience: see `createExperience`.
 *
 * @throws Error when `apiUrl` is not an http(s) URL or `concurrency`/`maxRetries` are invalid.
 */
export function createResimClient(opts: ResimClientOptions): ResimClient {
  const baseUrl = normalizeApiUrl(opts.apiUrl);
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  const maxRetries = opts.maxRetries ?? 5;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new Error(`maxRetries must be an integer ≥ 0, got ${maxRetries}`);
  const retryBaseMs = Math.max(0, opts.retryBaseMs ?? 200);
  const timeoutMs = Math.max(0, opts.timeoutMs ?? 60_000);
  const sleep = opts.sleep ?? defaultSleep;
  const userAgent = opts.userAgent ?? `resim-experience-sync (node ${process.version})`;
  const auth = opts.auth;
  // One queue for every HTTP attempt of this client. A listing's later pages run before new
  // work (priority = pages already read), so the longest page chain, the critical path of
  // ingest, is not stalled behind dozens of short listings queued after it.
  const queue = new PQueue({ concurrency });
  const agent = baseUrl.startsWith('https:')
    ? new https.Agent({ keepAlive: true })
    : new http.Agent({ keepAlive: true });
  const apiHost = new URL(baseUrl).host;

  function buildUrl(path: string, query?: Query): string {
    const u = new URL(path, baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  function emit(e: RequestEvent): void {
    if (!opts.onRequest) return;
    try {
      opts.onRequest(e);
    } catch {
      // an observer must not break a call
    }
  }

  function backoff(retryIndex: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    const exp = Math.min(retryBaseMs * 2 ** (retryIndex - 1), MAX_BACKOFF_MS);
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  async function wait(ms: number, operation: string, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (e) {
      if (signal?.aborted) throw abortError(operation);
      throw e;
    }
    if (signal?.aborted) throw abortError(operation);
  }

  /** One HTTP attempt, inside the concurrency limit. Never throws: failures are outcomes. */
  async function attemptOnce(spec: CallSpec, attempt: number, signal?: AbortSignal): Promise<Outcome> {
    // One signal is shared by every call of an ingest or an apply (hundreds at once, each adding
    // abort listeners while queued or in flight): lift Node's warning threshold of 10 on it, or
    // every project read prints a MaxListenersExceededWarning (shown as an error by LSP clients).
    if (signal) setMaxListeners(0, signal);
    const url = buildUrl(spec.path, spec.query);
    const { operation, method } = spec;
    if (signal?.aborted) return { ok: false, error: abortError(operation, method, url) };

    let token: string;
    try {
      token = await auth.getToken(signal);
    } catch (e) {
      if (signal?.aborted || (e instanceof ApiError && e.kind === 'aborted')) {
        return { ok: false, error: abortError(operation, method, url) };
      }
      const inner = e instanceof ApiError ? e : undefined;
      return {
        ok: false,
        error: new ApiError({
          operation, kind: 'auth', method, url,
          status: inner?.status,
          detail: `no token (${auth.describe()}): ${inner ? inner.message : String((e as Error)?.message ?? e)}`,
          retriable: inner?.retriable ?? false,
          code: inner?.code,
        }),
      };
    }

    const run = async (): Promise<Outcome> => {
      if (signal?.aborted) return { ok: false, error: abortError(operation, method, url) };
      const started = Date.now();
      const event = (status: number | undefined) => {
        if (opts.onRequest) emit({ operation, method, url: sanitizeUrl(url), status, attempt, durationMs: Date.now() - started });
      };
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'User-Agent': userAgent,
      };
      if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
      let status: number | undefined;
      try {
        const res = await fetch(url, {
          method,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          agent,
          signal: signal ?? null,
          timeout: timeoutMs,
          redirect: 'manual',
        });
        status = res.status;
        const text = await res.text();
        event(status);
        if (res.ok) {
          if (!/\S/.test(text)) return { ok: true, status, data: undefined }; // no copy of a large body, unlike trim()
          try {
            return { ok: true, status, data: JSON.parse(text) as unknown };
          } catch {
            return {
              ok: false,
              error: new ApiError({ operation, kind: 'http', status, method, url, detail: `${status}: the answer is not JSON` }),
            };
          }
        }
        const apiMessage = extractApiMessage(redact(text, [token]));
        const retriable = status === 429 || status >= 500;
        // Redirects are never followed (the token would go with them): a clear error naming the target host.
        const redirected = status >= 300 && status < 400;
        return {
          ok: false,
          error: new ApiError({
            operation, kind: 'http', status, apiMessage, method, url, retriable,
            ...(redirected ? { detail: redirectRefused(status, res.headers.get('location'), url), hint: API_URL_HINT } : {}),
          }),
          retryAfterMs: retriable ? parseRetryAfter(res.headers.get('retry-after')) : undefined,
        };
      } catch (e) {
        if (signal?.aborted || (e as Error)?.name === 'AbortError') {
          event(undefined);
          return { ok: false, error: abortError(operation, method, url) };
        }
        event(status);
        const err = e as { code?: string; errno?: string; type?: string; message?: string };
        const code = err.code ?? err.errno ?? (err.type === 'request-timeout' || err.type === 'body-timeout' ? 'ETIMEDOUT' : undefined);
        const what = code === 'ENOTFOUND' ? `host ${apiHost} not found`
          : code === 'ECONNREFUSED' ? `connection to ${apiHost} refused`
          : `cannot reach ${apiHost}`;
        const reason = redact(code ?? err.message ?? String(e), [token]);
        const retriable = !isPermanentNetworkCode(code);
        return {
          ok: false,
          error: new ApiError({
            operation, kind: 'network', method, url, code, retriable,
            detail: `${what} (${reason})`,
            hint: API_URL_HINT,
          }),
        };
      }
    };

    return raceAbort(queue.add(run, { priority: spec.priority ?? 0 }), signal, () => abortError(operation, method, url));
  }

  /**
   * One call with retries (see `createResimClient`). Resolves with the parsed JSON body
   * (`undefined` for an empty one).
   */
  async function call(spec: CallSpec, signal?: AbortSignal): Promise<unknown> {
    let attempt = 0;
    let retries = 0;
    let refused = 0;
    let reauthed = false;
    for (;;) {
      attempt++;
      const out = await attemptOnce(spec, attempt, signal);
      if (out.ok) return out.data;
      const err = out.error;
      if (err.kind === 'aborted') throw err;
      if (err.status === 401 && err.kind === 'http' && auth.kind === 'client-credentials' && auth.invalidate && !reauthed) {
        reauthed = true;
        auth.invalidate();
        continue;
      }
      if (!err.retriable || retries >= maxRetries) throw err;
      if (err.code === 'ECONNREFUSED' && refused++ >= MAX_REFUSED_RETRIES) throw err;
      retries++;
      await wait(backoff(retries, out.retryAfterMs), spec.operation, signal);
    }
  }

  /** Follows `nextPageToken` (pageSize 100) until it is empty/absent or a page is empty (resim-api.md "Pagination"). */
  async function listAll<T>(operation: string, path: string, key: string, query: Query, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const q: Query = { ...query, pageSize: PAGE_SIZE, pageToken };
      const data = (await call({ operation, method: 'GET', path, query: q, priority: seen.size }, signal)) as Record<string, unknown> | undefined;
      const items = data?.[key] ?? [];
      if (!Array.isArray(items)) {
        throw new ApiError({
          operation, kind: 'http', status: 200, method: 'GET', url: buildUrl(path, q),
          detail: `the answer has no list "${key}"`,
        });
      }
      out.push(...(items as T[]));
      const next = data?.nextPageToken;
      if (items.length === 0 || typeof next !== 'string' || next === '') return out;
      if (seen.has(next)) {
        throw new ApiError({
          operation, kind: 'http', status: 200, method: 'GET', url: buildUrl(path, q),
          detail: 'the API returned the same nextPageToken twice (paging does not advance)',
        });
      }
      seen.add(next);
      pageToken = next;
    }
  }

  const experiencesPath = (projectID: string) => `projects/${seg(projectID)}/experiences`;

  /** The experience IDs of a membership listing (a tag's or a system's experiences), all pages. */
  async function memberIDs(operation: string, path: string, archived: boolean, signal?: AbortSignal): Promise<string[]> {
    const list = await listAll<Experience>(operation, path, 'experiences', { archived }, signal);
    return list.map((e) => e.experienceID);
  }

  /** ListExperiences with `name=` (both `archived` values), keeping exact name matches only. */
  async function findExperiencesByName(projectID: string, name: string, signal?: AbortSignal): Promise<Experience[]> {
    const lists = await Promise.all([false, true].map((archived) =>
      listAll<Experience>('ListExperiences', experiencesPath(projectID), 'experiences',
        { archived, name, includeCustomFields: true }, signal)));
    return lists.flat().filter((e) => e.name === name);
  }

  /** The experience to adopt after a lost create, preferring an unarchived one. */
  async function adoptable(projectID: string, name: string, signal?: AbortSignal): Promise<Experience | undefined> {
    const found = await findExperiencesByName(projectID, name, signal);
    return found.find((e) => !e.archived) ?? found[0];
  }

  /**
   * CreateExperience (resim-api.md): POST `/projects/{projectID}/experiences`, 201 `Experience`.
   * The lost-create rule (DESIGN.md "Retries that never duplicate"): a 429 is retried (nothing was
   * written). On a 5xx or a broken connection the answer may be lost: the name is looked up first
   * (archived and not) and an experience with exactly that name is adopted; only if there is none
   * is the create sent again. A 409 after such a lost answer is resolved the same way; a 409 on
   * a create that cannot have been written before is an `ApiError` (the name is taken).
   */
  async function createExperience(projectID: string, input: CreateExperienceInput, signal?: AbortSignal): Promise<Experience> {
    const spec: CallSpec = { operation: 'CreateExperience', method: 'POST', path: experiencesPath(projectID), body: input };
    let attempt = 0;
    let retries = 0;
    let refused = 0;
    let reauthed = false;
    let mayHaveWritten = false;

    const lookupOrFail = async (cause: ApiError): Promise<Experience | undefined> => {
      try {
        return await adoptable(projectID, input.name, signal);
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'aborted') throw e;
        throw new ApiError({
          operation: 'CreateExperience', kind: cause.kind, status: cause.status, method: 'POST', url: cause.url,
          code: cause.code,
          detail: `the answer was lost (${cause.status ?? cause.code ?? 'network error'}) and looking up "${input.name}" failed: ${(e as Error).message}; the experience may exist: run sync again to converge`,
        });
      }
    };

    for (;;) {
      attempt++;
      const out = await attemptOnce(spec, attempt, signal);
      if (out.ok) return out.data as Experience;
      const err = out.error;
      if (err.kind === 'aborted') throw err;
      if (err.status === 401 && err.kind === 'http' && auth.kind === 'client-credentials' && auth.invalidate && !reauthed) {
        reauthed = true;
        auth.invalidate();
        continue;
      }
      if (err.status === 409) {
        if (mayHaveWritten) {
          const found = await lookupOrFail(err);
          if (found) return found;
        }
        throw new ApiError({
          operation: 'CreateExperience', kind: 'http', status: 409, apiMessage: err.apiMessage, method: 'POST', url: err.url,
          hint: `An experience named "${input.name}" may already exist in the project (archived ones included).`,
        });
      }
      const lost = (err.kind === 'http' && err.status !== undefined && err.status >= 500)
        || (err.kind === 'network' && !NEVER_SENT_CODES.has(err.code ?? '') && !isPermanentNetworkCode(err.code));
      if (lost) {
        mayHaveWritten = true;
        const found = await lookupOrFail(err);
        if (found) return found;
      }
      if (!err.retriable || retries >= maxRetries) throw err;
      if (err.code === 'ECONNREFUSED' && refused++ >= MAX_REFUSED_RETRIES) throw err;
      retries++;
      await wait(backoff(retries, out.retryAfterMs), spec.operation, signal);
    }
  }

  const client: ResimClient = {
    baseUrl,

    /** ListProjects (resim-api.md): GET `/projects`, all pages. */
    listProjects(signal) {
      return listAll<Project>('ListProjects', 'projects', 'projects', {}, signal);
    },

    /** GetProject (resim-api.md): GET `/projects/{projectID}`, 200 `Project`; 404 unknown ID. */
    async getProject(projectID, signal) {
      return (await call({ operation: 'GetProject', method: 'GET', path: `projects/${seg(projectID)}` }, signal)) as Project;
    },

    /**
     * A project by ID (GetProject, when the text is a UUID), else by name among ListProjects:
     * exact name, then a unique case-insensitive match. No match: `ApiError` with status 404
     * (operation `ResolveProject`); several case-insensitive matches: status 409.
     */
    async resolveProject(nameOrID, signal) {
      const wanted = nameOrID.trim();
      const listUrl = buildUrl('projects');
      if (UUID_RE.test(wanted)) {
        try {
          return await client.getProject(wanted.toLowerCase(), signal);
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 404) throw e;
        }
      }
      const projects = wanted ? await client.listProjects(signal) : [];
      const exact = projects.filter((p) => p.name === wanted || p.projectID === wanted);
      if (exact.length >= 1) return exact[0];
      const lower = wanted.toLowerCase();
      const ci = projects.filter((p) => p.name.toLowerCase() === lower);
      if (ci.length === 1) return ci[0];
      if (ci.length > 1) {
        throw new ApiError({
          operation: 'ResolveProject', kind: 'http', status: 409, method: 'GET', url: listUrl,
          detail: `"${wanted}" matches several projects when case is ignored: ${ci.map((p) => `"${p.name}" (${p.projectID})`).join(', ')}`,
          hint: 'Give the exact name or the project ID (--project, RESIM_PROJECT).',
        });
      }
      throw new ApiError({
        operation: 'ResolveProject', kind: 'http', status: 404, method: 'GET', url: listUrl,
        detail: wanted
          ? `no project named "${wanted}" or with that ID among the ${projects.length} project(s) these credentials can see`
          : 'no project given',
        hint: 'Check --project (RESIM_PROJECT) and the credentials.',
      });
    },

    /** ListExperiences (resim-api.md): GET `/projects/{projectID}/experiences?archived=…&includeCustomFields=true`, all pages. */
    listExperiences(projectID, archived, signal) {
      return listAll<Experience>('ListExperiences', experiencesPath(projectID), 'experiences',
        { archived, includeCustomFields: true }, signal);
    },

    findExperiencesByName,
    createExperience,

    /**
     * UpdateExperience (resim-api.md): PATCH `/projects/{projectID}/experiences/{experienceID}` with
     * `{experience, updateMask}`, 200 `Experience`. Idempotent, so retried.
     */
    async updateExperience(projectID: string, experienceID: string, fields: UpdateExperienceFields, updateMask: ExperienceField[], signal?: AbortSignal) {
      return (await call({
        operation: 'UpdateExperience', method: 'PATCH', path: `${experiencesPath(projectID)}/${seg(experienceID)}`,
        body: { experience: fields, updateMask },
      }, signal)) as Experience;
    },

    /** ArchiveExperience (resim-api.md): DELETE `/projects/{projectID}/experiences/{experienceID}`, 204. */
    async archiveExperience(projectID, experienceID, signal) {
      await call({ operation: 'ArchiveExperience', method: 'DELETE', path: `${experiencesPath(projectID)}/${seg(experienceID)}` }, signal);
    },

    /** RestoreExperience (resim-api.md): POST `/projects/{projectID}/experiences/{experienceID}/restore`, 204. */
    async restoreExperience(projectID, experienceID, signal) {
      await call({ operation: 'RestoreExperience', method: 'POST', path: `${experiencesPath(projectID)}/${seg(experienceID)}/restore` }, signal);
    },

    /** ListExperienceTags (resim-api.md): GET `/projects/{projectID}/experienceTags`, all pages. */
    listExperienceTags(projectID, signal): Promise<ExperienceTag[]> {
      return listAll<ExperienceTag>('ListExperienceTags', `projects/${seg(projectID)}/experienceTags`, 'experienceTags', {}, signal);
    },

    /** ListExperiencesWithExperienceTag (resim-api.md): GET `/projects/{projectID}/experienceTags/{tagID}/experiences?archived=…`, IDs of all pages. */
    listExperienceIDsWithTag(projectID, tagID, archived, signal) {
      return memberIDs('ListExperiencesWithExperienceTag', `projects/${seg(projectID)}/experienceTags/${seg(tagID)}/experiences`, archived, signal);
    },

    /** AddTagsToExperiences (resim-api.md): POST `/projects/{projectID}/experienceTags/addExperiences` `{experienceTagIDs, experiences}`, 201. */
    async addTagsToExperiences(projectID, tagIDs, experienceIDs, signal) {
      await call({
        operation: 'AddTagsToExperiences', method: 'POST', path: `projects/${seg(projectID)}/experienceTags/addExperiences`,
        body: { experienceTagIDs: tagIDs, experiences: experienceIDs },
      }, signal);
    },

    /** RemoveExperienceTagFromExperience (resim-api.md): DELETE `/projects/{projectID}/experienceTags/{tagID}/experiences/{experienceID}`, 204. */
    async removeTagFromExperience(projectID, tagID, experienceID, signal) {
      await call({
        operation: 'RemoveExperienceTagFromExperience', method: 'DELETE',
        path: `projects/${seg(projectID)}/experienceTags/${seg(tagID)}/experiences/${seg(experienceID)}`,
      }, signal);
    },

    /** ListSystems (resim-api.md): GET `/projects/{projectID}/systems`, all pages. */
    listSystems(projectID, signal): Promise<System[]> {
      return listAll<System>('ListSystems', `projects/${seg(projectID)}/systems`, 'systems', {}, signal);
    },

    /** ListExperiencesForSystem (resim-api.md): GET `/projects/{projectID}/systems/{systemID}/experiences?archived=…`, IDs of all pages. */
    listExperienceIDsForSystem(projectID, systemID, archived, signal) {
      return memberIDs('ListExperiencesForSystem', `projects/${seg(projectID)}/systems/${seg(systemID)}/experiences`, archived, signal);
    },

    /** AddSystemsToExperiences (resim-api.md): POST `/projects/{projectID}/systems/addExperiences` `{systemIDs, experiences}`, 201. */
    async addSystemsToExperiences(projectID, systemIDs, experienceIDs, signal) {
      await call({
        operation: 'AddSystemsToExperiences', method: 'POST', path: `projects/${seg(projectID)}/systems/addExperiences`,
        body: { systemIDs, experiences: experienceIDs },
      }, signal);
    },

    async removeSystemsFromExperiences(projectID, systemIDs, experienceIDs, signal) {
      await call({
        operation: 'RemoveSystemsFromExperiences', method: 'POST', path: `projects/${seg(projectID)}/systems/removeExperiences`,
        body: { systemIDs, experiences: experienceIDs },
      }, signal);
    },

    /** ListTestSuites (resim-api.md): GET `/projects/{projectID}/suites?archived=false`, all pages. */
    listTestSuites(projectID, signal): Promise<TestSuite[]> {
      return listAll<TestSuite>('ListTestSuites', `projects/${seg(projectID)}/suites`, 'testSuites', { archived: false }, signal);
    },

    /**
     * ReviseTestSuite (resim-api.md): PATCH `/projects/{projectID}/suites/{testSuiteID}` `{experiences}`,
     * 200 `TestSuite` (the new revision). Retried: the same membership twice is the same result.
     */
    async reviseTestSuite(projectID, testSuiteID, experienceIDs, signal) {
      return (await call({
        operation: 'ReviseTestSuite', method: 'PATCH', path: `projects/${seg(projectID)}/suites/${seg(testSuiteID)}`,
        body: { experiences: experienceIDs },
      }, signal)) as TestSuite;
    },

    close() {
      agent.destroy();
    },
  };
  return client;
}
