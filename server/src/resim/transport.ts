/**
 * The API client's transport: one HTTP attempt (`node-fetch`, keep-alive agent, bearer token of
 * the `AuthProvider`, no redirect followed) inside the client's concurrency limit. An attempt
 * never throws: a failure is an `Outcome` that the retry policy (retry.ts) judges.
 */
import { setMaxListeners } from 'events';
import * as http from 'http';
import * as https from 'https';
import fetch from 'node-fetch';
import PQueue from 'p-queue';
import { redirectRefused, type AuthProvider } from './auth';
import { ApiError, extractApiMessage, redact, sanitizeUrl } from './errors';
import { parseRetryAfter } from './retry';
import type { RequestEvent } from './types';
import { API_URL_HINT } from './url';

/** Network error codes of a request that never reached the server (nothing can have been written). */
export const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Failures that another attempt will not fix: unknown host, TLS certificate problems. */
export function isPermanentNetworkCode(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/.test(code));
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface CallSpec {
  operation: string;
  method: Method;
  /** Relative to the base URL, without a leading `/`. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Queue priority (higher first); listings pass the number of pages already read. */
  priority?: number;
}

export type Outcome = { ok: true; status: number; data: unknown } | { ok: false; error: ApiError; retryAfterMs?: number };

export function abortError(operation: string, method?: string, url?: string): ApiError {
  return new ApiError({ operation, kind: 'aborted', method, url });
}

/** Rejects with `onAbort()` as soon as `signal` fires; otherwise settles as `p`. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return p;
  p.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const listener = () => reject(onAbort());
    signal.addEventListener('abort', listener, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', listener);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', listener);
        reject(e);
      },
    );
  });
}

/**
 * Default limit of read requests in flight. An ingest's many short listings (each tag's and
 * system's members, in pages of 100) run side by side with the experiences' page chain.
 */
export const READ_CONCURRENCY = 16;
/**
 * Default limit of write requests in flight: twice the resim CLI's 16 apply workers (its
 * `apply.go`), so that an apply of many creates or updates, each one round trip, is bounded by
 * latency / 32 rather than latency / 16. A 429 is retried with backoff as always.
 */
export const WRITE_CONCURRENCY = 32;

export interface TransportOptions {
  /** Normalised API base URL (url.ts). */
  baseUrl: string;
  auth: AuthProvider;
  /** Most read requests (GET) in flight at once. */
  concurrency: number;
  /** Most write requests in flight at once, on top of the reads. */
  writeConcurrency: number;
  /** Timeout of one attempt (headers and body), in ms; 0 disables. */
  timeoutMs: number;
  userAgent: string;
  /** Called after every attempt (success or not). Never receives the token. */
  onRequest?: (e: RequestEvent) => void;
}

export interface Transport {
  /** The absolute URL of a path relative to the base URL, with the query's defined values. */
  buildUrl(path: string, query?: Query): string;
  /** One HTTP attempt (1-based `attempt`, for observers). */
  attemptOnce(spec: CallSpec, attempt: number, signal?: AbortSignal): Promise<Outcome>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

/** A transport for one base URL and one set of credentials. */
export function createTransport(opts: TransportOptions): Transport {
  const { baseUrl, auth, timeoutMs, userAgent } = opts;
  // One queue for every HTTP attempt of this client. A listing's later pages run before new
  // work (priority = pages already read), so the longest page chain, the critical path of
  // ingest, is not stalled behind dozens of short listings queued after it.
  const queue = new PQueue({ concurrency: opts.concurrency });
  // Writes have their own limit: an apply's creates and updates run many at once, each one round trip.
  const writeQueue = new PQueue({ concurrency: opts.writeConcurrency });
  const agent = baseUrl.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
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
          operation,
          kind: 'auth',
          method,
          url,
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
            operation,
            kind: 'http',
            status,
            apiMessage,
            method,
            url,
            retriable,
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
        const what =
          code === 'ENOTFOUND'
            ? `host ${apiHost} not found`
            : code === 'ECONNREFUSED'
              ? `connection to ${apiHost} refused`
              : `cannot reach ${apiHost}`;
        const reason = redact(code ?? err.message ?? String(e), [token]);
        const retriable = !isPermanentNetworkCode(code);
        return {
          ok: false,
          error: new ApiError({
            operation,
            kind: 'network',
            method,
            url,
            code,
            retriable,
            detail: `${what} (${reason})`,
            hint: API_URL_HINT,
          }),
        };
      }
    };

    return raceAbort((method === 'GET' ? queue : writeQueue).add(run, { priority: spec.priority ?? 0 }), signal, () =>
      abortError(operation, method, url),
    );
  }

  return { buildUrl, attemptOnce, close: () => agent.destroy() };
}
