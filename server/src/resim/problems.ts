/**
 * Stable codes for what stops a call to the ReSim API, with one-sentence messages that name no
 * command-line flag; each client words the fix for its own users (VS Code: buttons; the CLI: its
 * flags). `not-signed-in` and the missing project carry what fixes them in any LSP client
 * (`SIGN_IN_ADVICE`, `PROJECT_ADVICE`: the command, the environment variables, the setting),
 * since the language server's messages are all that Neovim, Emacs or Vim users see.
 *
 * Codes:
 * - `not-signed-in`: no credentials for the API;
 * - `credentials-refused`: the API (401) or the auth server refused them;
 * - `forbidden`: 403, the credentials may not read this;
 * - `project-not-found`: no project by that name or ID;
 * - `api-unreachable`: no answer from the API URL (refused, DNS, timeout);
 * - `not-resim-api`: something answers at the API URL, but not as the ReSim API (404 to
 *   `GET /projects`, which the API always serves; a success that is not JSON; an HTML page; a
 *   redirect, which is refused and named by its target host);
 * - `api-error`: any other failure (5xx after retries, 409, …).
 */
import { ApiError } from './errors';

export type ProblemCode =
  'not-signed-in' | 'credentials-refused' | 'forbidden' | 'project-not-found' | 'api-unreachable' | 'not-resim-api' | 'api-error';

export interface Problem {
  code: ProblemCode;
  /** One sentence, client-neutral, no secret. */
  message: string;
}

function origin(apiUrl: string): string {
  try {
    const u = new URL(apiUrl);
    return `${u.origin}${u.pathname}`;
  } catch {
    return apiUrl;
  }
}

/** The problem of a failed API call to `apiUrl` (any error; an `ApiError` gives the detail). */
export function apiProblem(err: unknown, apiUrl: string): Problem {
  const at = origin(apiUrl);
  if (!(err instanceof ApiError))
    return { code: 'api-error', message: `The ReSim API at ${at} failed: ${err instanceof Error ? err.message : String(err)}.` };
  const said = err.apiMessage ? ` (${err.apiMessage.replace(/\.$/, '')})` : '';
  if (err.kind === 'network')
    return { code: 'api-unreachable', message: `Cannot reach the ReSim API at ${at}${err.code ? ` (${err.code})` : ''}.` };
  if (err.kind === 'auth')
    return { code: 'credentials-refused', message: `No token for the ReSim API at ${at}: the sign-in is no longer valid or was refused.` };
  const notJson = err.status !== undefined && err.status < 300 && /not JSON/.test(err.message);
  const html = !!err.apiMessage && /^\s*<(!doctype|html|head|body|\?xml)/i.test(err.apiMessage);
  if (err.status !== undefined && err.status >= 300 && err.status < 400) {
    // A redirect is never followed (docs/security.md): say where it pointed, by host only.
    return {
      code: 'not-resim-api',
      message: `The server at ${at} is not a ReSim API as configured: ${err.detail ?? `it answered ${err.status}`}.`,
    };
  }
  if (notJson || html || ((err.status === 404 || err.status === 405) && err.operation === 'ListProjects')) {
    return {
      code: 'not-resim-api',
      message: `The server at ${at} is not a ReSim API (it answered ${err.status ?? 'something else'} to ${err.method ?? 'GET'} ${err.operation}).`,
    };
  }
  if (err.status === 401) return { code: 'credentials-refused', message: `The ReSim API at ${at} refused the credentials${said}.` };
  if (err.status === 403) return { code: 'forbidden', message: `The credentials may not read this at ${at}${said}.` };
  if (err.status === 404 && (err.operation === 'ResolveProject' || err.operation === 'GetProject')) {
    return {
      code: 'project-not-found',
      message: `No such project at ${at}${err.message.includes('no project named') ? `: ${/no project named "[^"]*"/.exec(err.message)?.[0]}` : said}.`,
    };
  }
  return { code: 'api-error', message: `The ReSim API at ${at} answered ${err.status ?? 'an error'} to ${err.operation}${said}.` };
}

/**
 * What signs the language server in, in any client (docs/editors.md, "Connection"): the command,
 * the environment variables (read as the CLI reads them, resim/connection.ts) and, for the API
 * itself, the setting.
 */
export const SIGN_IN_ADVICE =
  'Sign in with `resim-sync login`, or start the editor with RESIM_TOKEN, or RESIM_CLIENT_ID and RESIM_CLIENT_SECRET, in its environment; the API is the setting resim.apiUrl or RESIM_URL.';

/** What names the project of a file, in any client (docs/editors.md, "Connection"). */
export const PROJECT_ADVICE =
  'Add "# resim-project: <name or ID>" as the first line of the file, set resim.project in the editor\'s settings, or start the editor with RESIM_PROJECT in its environment.';

/** The problem when there are no credentials for `apiUrl`: the message ends with `SIGN_IN_ADVICE`. */
export function notSignedIn(apiUrl: string): Problem {
  return { code: 'not-signed-in', message: `Not signed in to the ReSim API at ${origin(apiUrl)}. ${SIGN_IN_ADVICE}` };
}

/**
 * `text` without the sentences that give command-line advice (naming a `--flag` or a `RESIM_*`
 * variable), as `ApiError` messages carry for the CLI: what the language server sends a client
 * is client-neutral.
 */
export function withoutCliAdvice(text: string): string {
  // A sentence ends at . ! ? or ) followed by a space and a capital (not inside a host name or URL).
  const sentences = text.split(/(?<=[.!?)])\s+(?=[A-Z])/);
  const kept = sentences.filter((s) => !/--[a-z][a-z-]*|\bRESIM_[A-Z_]+/.test(s));
  return kept.join(' ').trim() || text;
}
