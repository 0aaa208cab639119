/**
 * The one redaction function of the project (docs/security.md, "Secrets in messages"). Every
 * message that leaves a process goes through `redact` first: the CLI's stdout and stderr
 * (`redactStream`), the language server's diagnostics, log messages and request errors
 * (server/src/lsp/transport.ts), the API client's errors (server/src/resim/errors.ts) and the
 * VS Code output channel (client/src/redact.ts).
 *
 * What it hides, each replaced by `[redacted]`:
 * - user info in URLs: `scheme://user:pass@host` → `scheme://[redacted]@host` (also in text that
 *   does not parse as a URL);
 * - bearer credentials: `Bearer <token>`;
 * - OAuth and password parameters in URLs, form bodies and JSON: `access_token`, `refresh_token`,
 *   `id_token`, `client_secret`, `password`, `token` (`name=value` and `"name": "value"`);
 * - the exact secrets in use: every string given to `registerSecret` (tokens, client secrets,
 *   sandbox tokens) and the `extra` secrets of the call. Secrets shorter than 6 characters are
 *   ignored (they would mangle ordinary text).
 *
 * Pure string work, no I/O.
 */

/** Shorter secrets are not hidden by value (they would mangle ordinary text); patterns still apply. */
export const MIN_SECRET_LENGTH = 6;

/** What a hidden secret is replaced with. */
export const REDACTED = '[redacted]';

const registered = new Set<string>();

/**
 * Adds a secret in use (a bearer token, a client secret, a sandbox token) to the secrets that
 * `redact` hides in this process from now on. Empty or short (< 6 characters) values are ignored.
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) registered.add(secret);
}

/** Parameter names whose values are credentials (OAuth 2, RFC 6749 §4-5; basic auth forms). */
const SECRET_PARAMS = 'access_token|refresh_token|id_token|client_secret|password|token';

/** `scheme://userinfo@`: the user info ends at the last `@` before the host. */
const USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]+@/gi;
/**
 * `Bearer <token>` anywhere in a text (RFC 6750 token68). The token must be 6 characters or more
 * and hold a character other than a letter, so that prose ("a bearer token from RESIM_TOKEN") stays.
 */
const AUTH_SCHEME_RE = /\b(Bearer)(\s+)(?=[A-Za-z]*[0-9\-._~+/=])[A-Za-z0-9\-._~+/]{6,}=*/gi;
/** `access_token=…` in a query, a fragment or a form body. */
const PARAM_RE = new RegExp(`(^|[^A-Za-z0-9_])(${SECRET_PARAMS})=([^&\\s"'#<>]+)`, 'gi');
/** `"access_token": "…"` in JSON, also inside JSON quoted once more (`\"access_token\":\"…\"`). */
const JSON_RE = new RegExp(`(\\\\?")(${SECRET_PARAMS}|clientSecret)\\1(\\s*:\\s*)\\1((?:[^"\\\\]|\\\\(?!"))*)\\1`, 'gi');

/**
 * `text` with every secret hidden (see the module comment). `extra` adds secrets for this call
 * only (e.g. the token of the request that failed).
 */
export function redact(text: string, extra: ReadonlyArray<string | undefined | null> = []): string {
  if (!text) return text;
  let out = text;
  if (out.includes('://') && out.includes('@')) out = out.replace(USERINFO_RE, `$1${REDACTED}@`);
  if (/bearer/i.test(out)) out = out.replace(AUTH_SCHEME_RE, `$1$2${REDACTED}`);
  if (out.includes('=')) out = out.replace(PARAM_RE, `$1$2=${REDACTED}`);
  if (out.includes('"')) out = out.replace(JSON_RE, `$1$2$1$3$1${REDACTED}$1`);
  for (const s of extra) if (s && s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(REDACTED);
  for (const s of registered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Every string inside `value` (objects and arrays, recursively) passed through `redact`; other
 * values as they are. Parts without a secret are returned as they are (no copy).
 */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, () => true) as T;
}

/**
 * `value` with `redact` applied to the strings under the keys `inKey` accepts (and everything
 * below such a key). Parts without a change are returned as they are (no copy).
 */
export function mapStrings(value: unknown, inKey: (key: string) => boolean, under = false): unknown {
  if (typeof value === 'string') return under ? redact(value) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = mapStrings(v, inKey, under);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const r = mapStrings(v, inKey, under || inKey(k));
      if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
    }
    return out ?? value;
  }
  return value;
}

/**
 * Makes every later `write` of `stream` (process.stdout, process.stderr) go through `redact`, so
 * that nothing the CLI prints, whoever prints it (commander, an unexpected stack trace), carries
 * a secret. Buffers are decoded as UTF-8 first.
 */
export function redactStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') return write(redact(chunk), ...rest);
    if (chunk instanceof Uint8Array)
      return write(redact(Buffer.from(chunk).toString('utf8')), ...rest.filter((r) => typeof r !== 'string'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
