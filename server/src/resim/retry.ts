/**
 * The retry policy of every API call (docs/api.md, "Retries that never duplicate"): 429, 5xx and
 * transient network errors are retried up to `maxRetries` times, waiting `Retry-After` (capped at
 * 30 s) or an exponential backoff with jitter; `ECONNREFUSED` is retried once only, DNS and TLS
 * failures never; 400/401/403/404/409 are final, except that a 401 with client credentials
 * fetches a new token and retries once. One loop: CreateExperience adds its lost-create rule
 * through `onFailure` (client.ts).
 */
import type { AuthProvider } from './auth';
import { ApiError } from './errors';
import { abortError, type CallSpec, type Outcome } from './transport';

/** Longest wait a `Retry-After` header can impose. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** Longest exponential backoff between two attempts. */
export const MAX_BACKOFF_MS = 10_000;
/** `ECONNREFUSED` usually means a wrong URL: retried at most this often. */
export const MAX_REFUSED_RETRIES = 1;

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

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError('Sleep'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError('Sleep'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base of the exponential backoff, in ms (attempt n waits about base·2^(n-1), with jitter). */
  retryBaseMs: number;
  /** Waits between attempts; must reject when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  auth: AuthProvider;
}

/**
 * Judges one failed attempt before the policy's own rules: `{value}` ends the call with that
 * value; `undefined` leaves the failure to the policy; a throw ends the call with that error.
 */
export type FailureHook = (error: ApiError) => Promise<{ value: unknown } | undefined>;

export interface Retrier {
  /** Runs `spec` with retries; resolves with the parsed JSON body (`undefined` for an empty one). */
  run(
    spec: CallSpec,
    attemptOnce: (spec: CallSpec, attempt: number, signal?: AbortSignal) => Promise<Outcome>,
    signal?: AbortSignal,
    onFailure?: FailureHook,
  ): Promise<unknown>;
}

export function createRetrier(opts: RetryOptions): Retrier {
  const { maxRetries, retryBaseMs, sleep, auth } = opts;

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

  async function run(
    spec: CallSpec,
    attemptOnce: (spec: CallSpec, attempt: number, signal?: AbortSignal) => Promise<Outcome>,
    signal?: AbortSignal,
    onFailure?: FailureHook,
  ): Promise<unknown> {
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
      const decided = onFailure ? await onFailure(err) : undefined;
      if (decided) return decided.value;
      if (!err.retriable || retries >= maxRetries) throw err;
      if (err.code === 'ECONNREFUSED' && refused++ >= MAX_REFUSED_RETRIES) throw err;
      retries++;
      await wait(backoff(retries, out.retryAfterMs), spec.operation, signal);
    }
  }

  return { run };
}
