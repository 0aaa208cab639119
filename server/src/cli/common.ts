/**
 * What the commands of `resim-sync` share: flags and environment, reading the config, the API
 * client, and reading and planning the project through the engine's service
 * (server/src/sync/service.ts, as the language server does). Errors are `CliError`s: one line
 * and an exit code, never a stack trace.
 */
import { Option } from 'commander';
import * as fs from 'fs';
import * as readline from 'readline';
import { Worker } from 'worker_threads';
import { projectCommentOf } from '../../../protocol';
import { decodeConfigBytes, loadConfig, withDiagnostics, type ConfigDiagnostic } from '../config';
import { EMPTY_CONFIG } from '../config/load';
import type { LoadedConfig } from '../config/types';
import { createResimClient, DEFAULT_API_URL, type AuthProvider, type ResimClient } from '../resim';
import { NO_CREDENTIALS_HINT, resolveApiUrl, resolveCredentials, resolveProjectRef } from '../resim/connection';
import type { Plan, ProjectState } from '../sync/model';
import { computePlan } from '../sync/plan';
import { collectProblems } from '../sync/problems';
import { readProject } from '../sync/service';
import { credentialUrlProblem } from '../security/loopback';
import { escapeVisible } from '../security/text';
import { sanitizeUrl } from '../resim/errors';
import { MAX_CONFIG_BYTES, readFileBounded } from '../util/files';
import { UserError } from '../util/userError';
import { formatProblems, problemsJson } from './output';
import { paint } from './style';

/** Exit codes (README "Command line"): 0 done / no changes, 1 error, 2 changes (`--detailed-exitcode`), 3 refused by a guard. */
export const EXIT = { ok: 0, error: 1, changes: 2, refused: 3 } as const;

/**
 * An error the CLI reports as one clear message and an exit code (no stack trace); `code` names
 * it in the `--json` output (`{"errors": [{code, message}]}`), default `bad-input`. An empty
 * message means the problems were already printed.
 */
export class CliError extends UserError {
  constructor(
    message: string,
    exitCode: number = EXIT.error,
    readonly code: string = 'bad-input',
  ) {
    super(message, exitCode);
  }
}

export interface GlobalOpts {
  url?: string;
  authUrl?: string;
  clientId?: string;
  clientSecret?: string;
  timeout?: string;
}

export const env = process.env;
const stderrTty = Boolean(process.stderr.isTTY);
/** Colours of stdout: on a terminal unless NO_COLOR is set (https://no-color.org). */
export const style = paint(Boolean(process.stdout.isTTY) && !env.NO_COLOR);

/** The config file's text and its byte-level problems (`decodeConfigBytes`: encoding, invalid UTF-8). */
export function readConfigFile(given: string | undefined): { file: string; text: string; bytes: ConfigDiagnostic[] } {
  const file = given || env.RESIM_EXPERIENCES_CONFIG;
  if (!file) throw new CliError('No config file: pass --experience-config <path> (or set RESIM_EXPERIENCES_CONFIG).');
  const { text, diagnostics } = decodeConfigBytes(readConfigBytes(file));
  return { file, text, bytes: diagnostics };
}

/** The bytes of a config file: a regular file of at most 64 MB. */
export function readConfigBytes(file: string): Buffer {
  return readFileBounded(file, { maxBytes: MAX_CONFIG_BYTES, expects: '--experience-config takes a YAML file' });
}

export function progress(message: string): void {
  if (stderrTty) process.stderr.write(`\r\x1b[K${escapeVisible(message)}`);
}
export function progressDone(): void {
  if (stderrTty) process.stderr.write('\r\x1b[K');
}

/** The credentials, in the order of resim/connection.ts; one line saying where they may come from when there are none. */
export function makeAuth(g: GlobalOpts): AuthProvider {
  const authUrl = g.authUrl || env.RESIM_AUTH_URL;
  if (authUrl) assertHttpUrl(authUrl, "--auth-url (RESIM_AUTH_URL) takes the OAuth server's base URL");
  const auth = resolveCredentials(
    { clientId: g.clientId, clientSecret: g.clientSecret, authUrl: g.authUrl, timeoutMs: timeoutMs(g) },
    { env },
  );
  if (!auth)
    throw new CliError(
      `No ReSim credentials. Run \`resim-sync login\`, or: ${NO_CREDENTIALS_HINT} Client credentials may also be given as --client-id/--client-secret.`,
      EXIT.error,
      'not-signed-in',
    );
  return auth;
}

export function makeClient(g: GlobalOpts, auth?: AuthProvider): ResimClient {
  const url = g.url || env.RESIM_URL;
  if (url) assertHttpUrl(url, '--url (RESIM_URL) takes the API base URL, e.g. ' + DEFAULT_API_URL, true);
  return createResimClient({ apiUrl: resolveApiUrl(g.url, env), auth: auth ?? makeAuth(g), timeoutMs: timeoutMs(g) });
}

/**
 * Refuses (one line, exit 1) a value that is not an http: or https: URL, or that would carry a
 * credential in clear (plain http off loopback: `credentialUrlProblem`, docs/security.md).
 */
function assertHttpUrl(value: string, expects: string, carriesToken = false): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new CliError(`${JSON.stringify(sanitizeUrl(value))} is not an http(s) URL: ${expects}.`);
  // The auth URL is checked where each endpoint is known (auth.ts insecureTokenUrl, login.ts).
  const insecure = carriesToken ? credentialUrlProblem(url) : undefined;
  if (insecure)
    throw new CliError(`${JSON.stringify(sanitizeUrl(value))} is refused: ${insecure}; no credential is sent there. ${expects}.`);
}

/** `--timeout` (seconds) in ms: the limit of every network call, the token fetch included. */
export function timeoutMs(g: GlobalOpts): number {
  const v = g.timeout ?? '60';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new CliError(`--timeout must be a number of seconds above 0 and at most 3600, got "${v}".`);
  return Math.round(n * 1000);
}

export function loadOrFail(file: string, text: string, json: boolean, bytes: ConfigDiagnostic[]): LoadedConfig {
  return failIfInvalid(file, withDiagnostics(loadConfig(text, { fast: true }), bytes), json);
}

export function failIfInvalid(file: string, loaded: LoadedConfig, json: boolean): LoadedConfig {
  if (!loaded.ok) {
    const problems = collectProblems(loaded).filter((p) => p.severity === 'error');
    if (json) process.stdout.write(problemsJson(problems) + '\n');
    else
      process.stderr.write(
        `${formatProblems(file, problems, style)}\n\n${problems.length} error${problems.length === 1 ? '' : 's'} in ${file}; nothing was sent to ReSim. \`resim-sync validate --fix\` repairs tabs and snake_case keys.\n`,
      );
    // An empty document would archive the whole project: refused like the mass-archive guard (exit 3).
    throw new CliError('', problems.every((p) => p.code === EMPTY_CONFIG) ? EXIT.refused : EXIT.error);
  }
  return loaded;
}

export function projectRef(opt: string | undefined, loaded: LoadedConfig | undefined): string {
  const ref = resolveProjectRef(opt, env, loaded?.projectComment);
  if (!ref)
    throw new CliError('No project: pass --project <name or ID> (or set RESIM_PROJECT, or start the file with `# resim-project: <name>`).');
  return ref;
}

/** Resolves the project and reads its state (progress on a terminal). */
export async function readState(g: GlobalOpts, ref: string, signal?: AbortSignal): Promise<{ api: ResimClient; state: ProjectState }> {
  const api = makeClient(g);
  progress(`Resolving project ${ref}…`);
  let name = ref;
  const state = await readProject(api, ref, {
    signal,
    onResolved: (project) => (name = project.name),
    onProgress: (done, total, what) => progress(`Reading project "${name}": ${done}/${total} (${what})`),
  });
  progressDone();
  return { api, state };
}

export async function livePlan(
  g: GlobalOpts,
  ref: string,
  loaded: LoadedConfig,
  archiveUnlisted: boolean,
): Promise<{ api: ResimClient; plan: Plan }> {
  const { api, state } = await readState(g, ref);
  return { api, plan: computePlan(loaded.config, state, { archiveUnlisted }) };
}

/** Files at least this big are parsed on a worker thread while the project's state is read. */
const PARALLEL_PARSE_BYTES = 1024 * 1024;

/**
 * Loads the config (exit 1 on errors) and plans it against the project. A large file is parsed
 * on a worker thread while the state is read (a 12 MB file takes over a second to parse); if
 * it has errors, the reading is cancelled. A small file is checked before anything is sent.
 */
export async function loadAndPlan(
  g: GlobalOpts,
  file: string,
  text: string,
  projectOpt: string | undefined,
  archiveUnlisted: boolean,
  json: boolean,
  bytes: ConfigDiagnostic[],
): Promise<{ loaded: LoadedConfig; api: ResimClient; plan: Plan }> {
  const early = resolveProjectRef(projectOpt, env, projectCommentOf(text));
  if (text.length < PARALLEL_PARSE_BYTES || !early) {
    const loaded = loadOrFail(file, text, json, bytes);
    const { api, plan } = await livePlan(g, projectRef(projectOpt, loaded), loaded, archiveUnlisted);
    return { loaded, api, plan };
  }
  const reading = new AbortController();
  const stateP = readState(g, early, reading.signal);
  stateP.catch(() => undefined); // awaited below, unless the config fails first
  let loaded: LoadedConfig;
  try {
    loaded = failIfInvalid(file, withDiagnostics(await loadConfigOnWorker(text), bytes), json);
  } catch (err) {
    reading.abort();
    throw err;
  }
  const { api, state } = await stateP;
  return { loaded, api, plan: computePlan(loaded.config, state, { archiveUnlisted }) };
}

/** `loadConfig(text, {fast: true})` on a worker thread; ranges are computed on the main thread when first asked for. */
export function loadConfigOnWorker(text: string): Promise<LoadedConfig> {
  return new Promise((resolve) => {
    const worker = new Worker(__filename, { workerData: { task: 'load-config', text } });
    const onMain = () => resolve(loadConfig(text, { fast: true }));
    worker.once('message', (d: Pick<LoadedConfig, 'config' | 'diagnostics' | 'ok' | 'projectComment'>) => {
      let located: LoadedConfig | undefined;
      const locate = () => (located ??= loadConfig(text, { fast: true }));
      resolve({ text, ...d, rangeOf: (path, part) => locate().rangeOf(path, part), pathAt: (pos) => locate().pathAt(pos) });
      void worker.terminate();
    });
    worker.once('error', onMain); // a worker that cannot start: parse here instead
    worker.once('exit', onMain); // one that ends without an answer (a second resolve is a no-op)
  });
}

export function failOnPlanErrors(file: string, loaded: LoadedConfig, plan: Plan, json: boolean): void {
  if (!plan.errors.length) return;
  const problems = collectProblems(loaded, plan.errors).filter((p) => p.severity === 'error');
  if (json) process.stdout.write(problemsJson(problems) + '\n');
  else
    process.stderr.write(
      `${formatProblems(file, problems, style)}\n\n${problems.length} error${problems.length === 1 ? '' : 's'} against project "${plan.project.name}"; nothing was changed.\n`,
    );
  throw new CliError('', EXIT.error);
}

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return answer.trim() === 'yes';
}

/** `--experience-config` (alias `--config`). */
export const configOpt = () =>
  new Option('--experience-config, --config <path>', 'the experience sync config (env RESIM_EXPERIENCES_CONFIG)');
/** `--project`. */
export const projectOpt = () =>
  new Option('--project <name or ID>', "the ReSim project (env RESIM_PROJECT; else the file's `# resim-project:` line)");

/** Whether anything (a file, a folder, a link) is at `file`. */
export function fileExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
