/**
 * Where a connection to ReSim comes from: the API URL, the project and the credentials. One
 * rule for the `resim-sync` CLI and the language server (README "The command line",
 * docs/editors.md "Connection"), following the resim CLI's flags and environment variables:
 *
 * 1. what the caller was given: the CLI's flags (`--url`, `--project`, `--client-id`…), or the
 *    editor's settings (`resim.apiUrl`, `resim.project`, the file's `# resim-project:` line)
 *    and the credentials it sent (`resim/setCredentials`); given values always win;
 * 2. `RESIM_URL`, `RESIM_PROJECT`, `RESIM_TOKEN`;
 * 3. client credentials: `RESIM_CLIENT_ID` + `RESIM_CLIENT_SECRET` (token from `RESIM_AUTH_URL`,
 *    default https://resim.us.auth0.com/);
 * 4. the resim CLI's token cache `~/.resim/cache.json` (after `resim auth login`).
 * The API URL defaults to https://api.resim.ai/v1/; there is no default project.
 *
 * Nothing here logs or returns a secret: credentials come back as an `AuthProvider`.
 */
import { resolveAuth, type AuthProvider } from './auth';
import { DEFAULT_API_URL } from './url';

/** What a caller was given explicitly (flags, editor settings); empty strings count as not given. */
export interface ConnectionGiven {
  /** API base URL (`--url`, `resim.apiUrl`). */
  url?: string;
  /** Project name or ID (`--project`, `resim.project` or the file's first-line comment). */
  project?: string;
  /** A bearer token (`resim/setCredentials`). */
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** OAuth server of the client credentials (`--auth-url`). */
  authUrl?: string;
  /** Limit of the token fetch, ms (`--timeout`); default that of `resolveAuth`. */
  timeoutMs?: number;
}

/** Where the fallbacks are read: the environment and the home directory of the CLI's cache. */
export interface ConnectionSources {
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Home directory holding `.resim/cache.json`; default `os.homedir()`. */
  homeDir?: string;
}

/** A resolved connection; `auth` is undefined when no source of credentials exists. */
export interface ResolvedConnection {
  /** The API base URL as given (not yet normalised; `createResimClient` normalises and checks it). */
  apiUrl: string;
  /** The project reference, when any source names one. */
  project?: string;
  auth?: AuthProvider;
}

/** One sentence for "no credentials": where this resolution looks, in its order. */
export const NO_CREDENTIALS_HINT =
  'Set RESIM_TOKEN to a bearer token, or RESIM_CLIENT_ID and RESIM_CLIENT_SECRET (client credentials), or sign in with the resim CLI (`resim auth login`), which caches a token in ~/.resim/cache.json.';

function given(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** The API URL: given, else `RESIM_URL`, else https://api.resim.ai/v1/. */
export function resolveApiUrl(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given(url) ?? given(env.RESIM_URL) ?? DEFAULT_API_URL;
}

/** The project: given, else `RESIM_PROJECT`, else `fallback` (the CLI: the file's first-line comment). */
export function resolveProjectRef(
  project: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fallback?: string,
): string | undefined {
  return given(project) ?? given(env.RESIM_PROJECT) ?? given(fallback);
}

/**
 * The credentials: a given token, `RESIM_TOKEN`, client credentials (given or from the
 * environment), the resim CLI's cache. Undefined when there are none. Throws only what
 * `resolveAuth` throws (nothing today).
 */
export function resolveCredentials(g: ConnectionGiven = {}, sources: ConnectionSources = {}): AuthProvider | undefined {
  return resolveAuth({
    token: g.token,
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    authUrl: g.authUrl,
    timeoutMs: g.timeoutMs,
    env: sources.env ?? process.env,
    homeDir: sources.homeDir,
  });
}

/** URL, project and credentials in one call (the CLI's path). */
export function resolveConnection(g: ConnectionGiven = {}, sources: ConnectionSources = {}, projectFallback?: string): ResolvedConnection {
  const env = sources.env ?? process.env;
  return {
    apiUrl: resolveApiUrl(g.url, env),
    project: resolveProjectRef(g.project, env, projectFallback),
    auth: resolveCredentials(g, { ...sources, env }),
  };
}
