/**
 * The one error type of the ReSim API client. Every `ResimApi` method (types.ts) rejects with an
 * `ApiError`; so does a credential provider of auth.ts when it cannot produce a token.
 *
 * Security: an `ApiError` never carries a bearer token or a client secret: URLs are stripped of
 * user info and page tokens, and any text that came from a server is passed through `redact`
 * with the secrets of the call before it enters a message.
 */
import { STATUS_CODES } from 'http';
import { redact } from '../security/redact';

/**
 * What went wrong:
 * - `http`: the API answered with an error status (or an unreadable success body);
 * - `network`: no answer (refused, reset, DNS, timeout);
 * - `aborted`: the caller's `AbortSignal` fired (the error's `name` is then `"AbortError"`);
 * - `auth`: no token could be obtained (token endpoint, resim CLI cache).
 */
export type ApiErrorKind = 'http' | 'network' | 'aborted' | 'auth';

export interface ApiErrorInit {
  operation: string;
  kind: ApiErrorKind;
  /** HTTP status; undefined for network errors and aborts. */
  status?: number;
  /** The server's own message (already redacted), if any. */
  apiMessage?: string;
  method?: string;
  /** The URL called; sanitised again here (no user info, no page token). */
  url?: string;
  retriable?: boolean;
  /** Node's error code for network errors (`ECONNREFUSED`, …). */
  code?: string;
  /** Text that replaces the default `<status> <reason>: <apiMessage>` part of the message. */
  detail?: string;
  /** Advice appended to the message (e.g. which setting to check). */
  hint?: string;
}

/**
 * A failed API call. `message` reads like
 * `ListExperiences failed: 404 Not Found: project not found (GET https://api.resim.ai/v1/projects/…/experiences)`.
 */
export class ApiError extends Error {
  /** The ReSim operation (docs/api.md "Endpoints"), e.g. `ListExperiences`, or `GetToken`. */
  readonly operation: string;
  readonly kind: ApiErrorKind;
  /** HTTP status; `undefined` for a network error or an abort. */
  readonly status: number | undefined;
  /** The API's own message from the error body, if it sent one. */
  readonly apiMessage: string | undefined;
  readonly method: string | undefined;
  /** The URL called, without user info or page token (never a secret). */
  readonly url: string | undefined;
  /** Whether the client considers the failure transient (429, 5xx, network). */
  readonly retriable: boolean;
  /** Node's error code for network errors (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, …). */
  readonly code: string | undefined;
  /** `init.detail` (redacted), when the failure was described in words rather than a status. */
  readonly detail: string | undefined;

  constructor(init: ApiErrorInit) {
    const url = init.url === undefined ? undefined : sanitizeUrl(init.url);
    super(redact(formatMessage(init, url)));
    this.name = init.kind === 'aborted' ? 'AbortError' : 'ApiError';
    this.operation = init.operation;
    this.kind = init.kind;
    this.status = init.status;
    this.apiMessage = init.apiMessage;
    this.method = init.method;
    this.url = url;
    this.retriable = init.retriable ?? false;
    this.code = init.code;
    this.detail = init.detail === undefined ? undefined : redact(init.detail);
  }
}

function formatMessage(init: ApiErrorInit, url: string | undefined): string {
  let detail: string;
  if (init.detail !== undefined) {
    detail = init.detail;
  } else if (init.kind === 'aborted') {
    detail = 'aborted';
  } else if (init.status !== undefined) {
    detail = `${init.status} ${STATUS_CODES[init.status] ?? 'Unknown Status'}`;
    if (init.apiMessage) detail += `: ${init.apiMessage}`;
  } else {
    detail = init.apiMessage ?? 'unknown error';
  }
  const where = url !== undefined ? ` (${init.method ? `${init.method} ` : ''}${stripQuery(url)})` : '';
  const hint = init.hint ? ` ${init.hint}` : '';
  const head = init.kind === 'aborted' && init.detail === undefined ? `${init.operation} aborted` : `${init.operation} failed: ${detail}`;
  return `${head}${where}${hint}`;
}

/** True for the `ApiError` of an aborted call (or any error named `AbortError`). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** A URL without user info (`user:pass@`) and without `pageToken`; unparsable input is returned cut at `?` and redacted. */
export function sanitizeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.searchParams.delete('pageToken');
    return u.toString();
  } catch {
    return redact(stripQuery(raw));
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

/** The one redaction function (security/redact.ts): secrets of the call in `secrets`, plus every registered one. */
export { redact };

/**
 * The message of an error body: `{message}`, `{error: {message}}`, `{error, error_description}`
 * (OAuth) or plain text; cut to 300 characters. Undefined for an empty body.
 */
export function extractApiMessage(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  let msg: string | undefined;
  try {
    const json: unknown = JSON.parse(text);
    msg = messageOf(json);
  } catch {
    // not JSON: use the text itself (HTML error pages get cut below)
  }
  if (msg === undefined) msg = text;
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 300 ? `${msg.slice(0, 297)}...` : msg;
}

function messageOf(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o.message === 'string') return o.message;
  if (typeof o.error_description === 'string') return o.error_description;
  if (o.error && typeof o.error === 'object') return messageOf(o.error);
  if (typeof o.error === 'string') return o.error;
  if (typeof o.detail === 'string') return o.detail;
  return JSON.stringify(json);
}
