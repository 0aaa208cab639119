/**
 * `resim-sync`: the sync engine, headless, for CI (DESIGN.md, "Command line").
 *
 *   resim-sync preview  --project P --experience-config F [--no-archive] [--json] [--detailed-exitcode] [--out plan.json]
 *   resim-sync apply    --project P --experience-config F [--no-archive] [--yes] [--allow-mass-archive] [--update-config] [--plan plan.json]
 *   resim-sync clone    --project P --experience-config F
 *   resim-sync validate --experience-config F [--project P] [--fix]
 *   resim-sync sandbox  [--port N] [--data FILE] [--seed demo|empty] [--latency-ms N] [--fail-rate R] [--token-file F]
 *   resim-sync login [--no-browser] | logout | whoami   (cli/login.ts)
 *
 * Flags fall back to the environment as the resim CLI's do (`RESIM_URL`, `RESIM_PROJECT`,
 * `RESIM_EXPERIENCES_CONFIG`, `RESIM_TOKEN`, `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`,
 * `RESIM_AUTH_URL`), then to the resim CLI's token cache `~/.resim/cache.json`.
 * Exit codes: 0 done / no changes; 1 error; 2 changes present (preview --detailed-exitcode);
 * 3 refused by a safety guard (stale plan, mass archive, no confirmation).
 */
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as readline from 'readline';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { decodeConfigBytes, fixConfig, loadConfig, withDiagnostics, type ConfigDiagnostic } from './config';
import { EMPTY_CONFIG } from './config/load';
import { projectCommentOf } from './config/text';
import type { LoadedConfig } from './config/types';
import { ApiError, createResimClient, DEFAULT_API_URL } from './resim';
import { NO_CREDENTIALS_HINT, resolveApiUrl, resolveCredentials, resolveProjectRef } from './resim/connection';
import { VERSION } from './version';
import type { AuthProvider, ResimClient } from './resim';
import { applyPlan, ApplyResult, PlanRefusedError } from './sync/apply';
import { cloneConfig } from './sync/clone';
import { ingest } from './sync/ingest';
import type { Plan, ProjectState } from './sync/model';
import { computePlan, planHasChanges } from './sync/plan';
import { planToJson, renderPlanText } from './sync/render';
import { assertApplicable, assertSavedPlanMatches } from './sync/service';
import { fingerprintConfig } from './sync/fingerprint';
import { collectProblems, formatProblems, problemsJson } from './cli/output';
import { runSandboxCommand } from '../../sandbox/cli';
import { redactStream, registerSecret } from './security/redact';
import { escapeVisible, quote } from './security/text';
import { writeExperienceIDs } from './cli/updateConfig';
import { MAX_CONFIG_BYTES, readFileBounded, writeFileSafely } from './util/files';
import { UserError } from './util/userError';
import { EXIT_CANCELLED, loginErrorText, registerLoginCommands } from './cli/login';
import { LoginError } from './resim/login';
import { apiProblem } from './resim/problems';

/** Exit codes of DESIGN.md. */
export const EXIT = { ok: 0, error: 1, changes: 2, refused: 3 } as const;

/** An error the CLI reports as one clear message and an exit code (no stack trace). */
class CliError extends UserError {}

interface GlobalOpts {
  url?: string;
  authUrl?: string;
  clientId?: string;
  clientSecret?: string;
  timeout?: string;
}

const env = process.env;
const stderrTty = Boolean(process.stderr.isTTY);
const color = Boolean(process.stdout.isTTY) && !env.NO_COLOR;

/** The config file's text and its byte-level problems (`decodeConfigBytes`: encoding, invalid UTF-8). */
function readConfigFile(given: string | undefined): { file: string; text: string; bytes: ConfigDiagnostic[] } {
  const file = given || env.RESIM_EXPERIENCES_CONFIG;
  if (!file) throw new CliError('No config file: pass --experience-config <path> (or set RESIM_EXPERIENCES_CONFIG).');
  const { text, diagnostics } = decodeConfigBytes(readConfigBytes(file));
  return { file, text, bytes: diagnostics };
}

/** The bytes of a config file: a regular file of at most 64 MB. */
function readConfigBytes(file: string): Buffer {
  return readFileBounded(file, { maxBytes: MAX_CONFIG_BYTES, expects: '--experience-config takes a YAML file' });
}

function progress(message: string): void {
  if (stderrTty) process.stderr.write(`\r\x1b[K${escapeVisible(message)}`);
}
function progressDone(): void {
  if (stderrTty) process.stderr.write('\r\x1b[K');
}

/** The credentials, in the order of resim/connection.ts; one line saying where they may come from when there are none. */
function makeAuth(g: GlobalOpts): AuthProvider {
  const authUrl = g.authUrl || env.RESIM_AUTH_URL;
  if (authUrl) assertHttpUrl(authUrl, '--auth-url (RESIM_AUTH_URL) takes the OAuth server\'s base URL');
  const auth = resolveCredentials({ clientId: g.clientId, clientSecret: g.clientSecret, authUrl: g.authUrl, timeoutMs: timeoutMs(g) }, { env });
  if (!auth)
    throw new CliError(`No ReSim credentials. Run \`resim-sync login\`, or: ${NO_CREDENTIALS_HINT} Client credentials may also be given as --client-id/--client-secret.`);
  return auth;
}

function makeClient(g: GlobalOpts, auth?: AuthProvider): ResimClient {
  const url = g.url || env.RESIM_URL;
  if (url) assertHttpUrl(url, '--url (RESIM_URL) takes the API base URL, e.g. ' + DEFAULT_API_URL);
  return createResimClient({ apiUrl: resolveApiUrl(g.url, env), auth: auth ?? makeAuth(g), timeoutMs: timeoutMs(g) });
}

/** Refuses (one line, exit 1) a value that is not an http: or https: URL. */
function assertHttpUrl(value: string, expects: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new CliError(`${JSON.stringify(value)} is not an http(s) URL: ${expects}.`);
}

/** `--timeout` (seconds) in ms: the limit of every network call, the token fetch included. */
function timeoutMs(g: GlobalOpts): number {
  const v = g.timeout ?? '60';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new CliError(`--timeout must be a number of seconds above 0 and at most 3600, got "${v}".`);
  return Math.round(n * 1000);
}

function loadOrFail(file: string, text: string, json: boolean, bytes: ConfigDiagnostic[]): LoadedConfig {
  return failIfInvalid(file, withDiagnostics(loadConfig(text, { fast: true }), bytes), json);
}

function failIfInvalid(file: string, loaded: LoadedConfig, json: boolean): LoadedConfig {
  if (!loaded.ok) {
    const problems = collectProblems(loaded).filter((p) => p.severity === 'error');
    if (json) process.stdout.write(problemsJson(problems) + '\n');
    else process.stderr.write(`${formatProblems(file, problems, color)}\n\n${problems.length} error${problems.length === 1 ? '' : 's'} in ${file}; nothing was sent to ReSim. \`resim-sync validate --fix\` repairs tabs and snake_case keys.\n`);
    // An empty document would archive the whole project: refused like the mass-archive guard (exit 3).
    throw new CliError('', problems.every((p) => p.code === EMPTY_CONFIG) ? EXIT.refused : EXIT.error);
  }
  return loaded;
}

function projectRef(opt: string | undefined, loaded: LoadedConfig | undefined): string {
  const ref = resolveProjectRef(opt, env, loaded?.projectComment);
  if (!ref) throw new CliError('No project: pass --project <name or ID> (or set RESIM_PROJECT, or start the file with `# resim-project: <name>`).');
  return ref;
}

/** Resolves the project and reads its state (progress on a terminal). */
async function readState(g: GlobalOpts, ref: string, signal?: AbortSignal): Promise<{ api: ResimClient; state: ProjectState }> {
  const api = makeClient(g);
  progress(`Resolving project ${ref}…`);
  const project = await api.resolveProject(ref, signal);
  const state = await ingest(api, { id: project.projectID, name: project.name }, {
    signal,
    onProgress: (done, total, what) => progress(`Reading project "${project.name}": ${done}/${total} (${what})`),
  });
  progressDone();
  return { api, state };
}

async function livePlan(g: GlobalOpts, ref: string, loaded: LoadedConfig, archiveUnlisted: boolean): Promise<{ api: ResimClient; plan: Plan }> {
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
async function loadAndPlan(g: GlobalOpts, file: string, text: string, projectOpt: string | undefined, archiveUnlisted: boolean, json: boolean, bytes: ConfigDiagnostic[]): Promise<{ loaded: LoadedConfig; api: ResimClient; plan: Plan }> {
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
function loadConfigOnWorker(text: string): Promise<LoadedConfig> {
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
  });
}

function failOnPlanErrors(file: string, loaded: LoadedConfig, plan: Plan, json: boolean): void {
  if (!plan.errors.length) return;
  const problems = collectProblems(loaded, plan.errors).filter((p) => p.severity === 'error');
  if (json) process.stdout.write(problemsJson(problems) + '\n');
  else process.stderr.write(`${formatProblems(file, problems, color)}\n\n${problems.length} error${problems.length === 1 ? '' : 's'} against project "${plan.project.name}"; nothing was changed.\n`);
  throw new CliError('', EXIT.error);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return answer.trim() === 'yes';
}

function printApplyResult(result: ApplyResult): void {
  const failed = result.calls.filter((c) => !c.ok);
  const ok = result.calls.length - failed.length;
  if (failed.length) {
    process.stderr.write(`\nApply finished with ${failed.length} failed call${failed.length === 1 ? '' : 's'} (${ok} succeeded):\n`);
    for (const c of failed) process.stderr.write(`  ✗ ${c.operation} ${escapeVisible(c.target)}: ${escapeVisible(String(c.error))}\n`);
    process.stderr.write(`\nRun the same sync again: it plans only what is still missing.\n`);
  } else {
    process.stdout.write(`\nApply complete: ${ok} call${ok === 1 ? '' : 's'} succeeded.\n`);
  }
}

function build(): Command {
  const program = new Command('resim-sync')
    .description('Preview and apply ReSim experience sync configs (the engine of the ReSim Experience Sync VS Code extension).')
    .version(VERSION, '-V, --version', 'print the version')
    // No commander defaults from the environment: `--help` prints defaults, and a secret must never be printed.
    .option('--url <url>', 'ReSim API base URL (env RESIM_URL)')
    .option('--auth-url <url>', 'OAuth server for login and client credentials (env RESIM_AUTH_URL)')
    .option('--client-id <id>', 'OAuth client ID for client credentials (env RESIM_CLIENT_ID), or the client login signs in with')
    .option('--client-secret <secret>', 'OAuth client secret (env RESIM_CLIENT_SECRET)')
    .option('--timeout <seconds>', 'limit of each network call, the token fetch included (default 60)')
    .showHelpAfterError()
    .exitOverride();
  const g = () => program.opts<GlobalOpts>();
  const configOpt = () => new Option('--experience-config, --config <path>', 'the experience sync config (env RESIM_EXPERIENCES_CONFIG)');
  const projectOpt = () => new Option('--project <name or ID>', 'the ReSim project (env RESIM_PROJECT; else the file\'s `# resim-project:` line)');

  program
    .command('preview')
    .description('show what a sync would change; writes nothing')
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--no-archive', 'keep experiences that the config does not list')
    .option('--json', 'print the plan as JSON')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
    .option('--out <file>', 'save the plan (JSON) for `apply --plan`')
    .action(async (o: { project?: string; config?: string; archive: boolean; json?: boolean; detailedExitcode?: boolean; out?: string }) => {
      const { file, text, bytes } = readConfigFile(o.config);
      const { loaded, plan } = await loadAndPlan(g(), file, text, o.project, o.archive, Boolean(o.json), bytes);
      failOnPlanErrors(file, loaded, plan, Boolean(o.json));
      const json = planToJson(plan, { configFingerprint: o.out || o.json ? fingerprintConfig(loaded.config, plan.archiveUnlisted) : undefined });
      if (o.out) writeFileSafely(o.out, JSON.stringify(json, null, 2) + '\n');
      process.stdout.write(o.json ? JSON.stringify(json, null, 2) + '\n' : renderPlanText(plan, { color }));
      if (!o.json) {
        // Warnings of the file itself (the plan above already shows restores and archives).
        const problems = collectProblems(loaded).filter((p) => p.severity !== 'error');
        if (problems.length) process.stderr.write(formatProblems(file, problems, color) + '\n');
      }
      if (o.detailedExitcode && planHasChanges(plan)) throw new CliError('', EXIT.changes);
    });

  program
    .command('apply')
    .description('apply the sync: create, update, restore, tag, revise suites, archive')
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--no-archive', 'keep experiences that the config does not list')
    .option('--yes', 'apply without asking')
    .option('--allow-mass-archive', 'allow a plan that archives at least max(10, 25%) of the active experiences')
    .option('--update-config', 'write matched and created experience IDs into the config (keeps comments)')
    .option('--plan <file>', 'a plan saved by `preview --out`: apply exactly it, or refuse if the project or the config changed since')
    .action(async (o: { project?: string; config?: string; archive: boolean; yes?: boolean; allowMassArchive?: boolean; updateConfig?: boolean; plan?: string }) => {
      const { file, text, bytes } = readConfigFile(o.config);
      let saved: { stateFingerprint?: string; configFingerprint?: string; project?: { id?: string } } | undefined;
      if (o.plan) {
        const bytes = readFileBounded(o.plan, { maxBytes: MAX_CONFIG_BYTES, expects: '--plan takes a plan saved by `resim-sync preview --out`' });
        try {
          saved = JSON.parse(bytes.toString('utf8'));
        } catch (err) {
          throw new CliError(`${o.plan} is not a saved plan (not JSON: ${(err as Error).message}). Save one with \`resim-sync preview --out ${o.plan}\`.`);
        }
        if (!saved || typeof saved !== 'object' || Array.isArray(saved)) throw new CliError(`${o.plan} is not a plan saved by \`resim-sync preview --out\`.`);
      }
      const globals = g();
      const first = await loadAndPlan(globals, file, text, o.project, o.archive, false, bytes);
      const loaded = first.loaded;
      const ref = projectRef(o.project, loaded);
      let { api, plan } = first;
      failOnPlanErrors(file, loaded, plan, false);
      if (saved?.project?.id && saved.project.id !== plan.project.id)
        throw new CliError(`The saved plan is for another project (${saved.project.id}), not "${plan.project.name}" (${plan.project.id}).`, EXIT.refused);
      const guards = { expectedStateFingerprint: saved?.stateFingerprint, expectedConfigFingerprint: saved?.configFingerprint, requireFingerprints: Boolean(saved), allowMassArchive: o.allowMassArchive };
      assertApplicable(plan, guards, loaded.config);
      if (saved) assertSavedPlanMatches(saved, planToJson(plan, { configFingerprint: fingerprintConfig(loaded.config, plan.archiveUnlisted) }));
      process.stdout.write(renderPlanText(plan, { color }));
      if (!planHasChanges(plan)) return;
      if (!o.yes) {
        if (!process.stdin.isTTY) throw new CliError('Not applied: no terminal to confirm on. Pass --yes to apply without asking (review the plan with `resim-sync preview` first).', EXIT.refused);
        if (!(await confirm(`\nApply these changes to project ${quote(plan.project.name)}? Only 'yes' will be accepted: `))) throw new CliError('Not applied: not confirmed.', EXIT.refused);
        // The state may have moved while the user read the plan: re-read, and refuse if it did.
        const fresh = await livePlan(globals, ref, loaded, o.archive);
        assertApplicable(fresh.plan, { ...guards, expectedStateFingerprint: plan.stateFingerprint }, loaded.config);
        ({ api, plan } = fresh);
      }
      const result = await applyPlan(api, plan, { onProgress: (done, total, what) => progress(`Applying ${done}/${total}: ${what}`) });
      progressDone();
      printApplyResult(result);
      if (o.updateConfig) {
        const ids: { name: string; id: string; index: number }[] = [];
        loaded.config.experiences.forEach((e, index) => {
          const id = result.experienceIDs[e.name];
          if (id && !e.experienceID) ids.push({ name: e.name, id, index });
        });
        if (ids.length) {
          const how = writeExperienceIDs(file, text, ids, readConfigBytes);
          process.stdout.write(`Wrote ${ids.length} experience ID${ids.length === 1 ? '' : 's'} into ${file}${how === 'merged' ? ' (merged into the edits made while the sync ran)' : ''}.\n`);
        }
      }
      if (!result.ok) throw new CliError('', EXIT.error);
    });

  program
    .command('clone')
    .description("write the project's experiences, tags and test suites into a config file")
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--force', 'overwrite the file if it exists')
    .action(async (o: { project?: string; config?: string; force?: boolean }) => {
      const file = o.config || env.RESIM_EXPERIENCES_CONFIG;
      if (!file) throw new CliError('No output file: pass --experience-config <path> for the cloned config.');
      const refuseExisting = () => {
        if (!o.force && fileExists(file)) throw new CliError(`${file} already exists; clone did not overwrite it. Pass --force to replace it, or choose a new file.`, EXIT.refused);
      };
      refuseExisting();
      const { state } = await readState(g(), projectRef(o.project, undefined));
      refuseExisting(); // it may have appeared while the project was read
      writeFileSafely(file, cloneConfig(state));
      const n = state.experiences.filter((e) => !e.archived).length;
      process.stdout.write(`Cloned project ${quote(state.project.name)} into ${file}: ${n} experience${n === 1 ? '' : 's'}, ${state.tags.length} tags, ${state.testSuites.length} test suites.\n`);
    });

  program
    .command('validate')
    .description('check a config (statically; against the project too with --project)')
    .addOption(configOpt())
    .addOption(projectOpt())
    .option('--fix', 'apply the safe fixes (tabs → spaces, snake_case → camelCase), keeping comments')
    .option('--no-archive', 'with --project: do not count unlisted experiences as archived')
    .option('--json', 'print errors as JSON')
    .action(async (o: { config?: string; project?: string; fix?: boolean; archive: boolean; json?: boolean }) => {
      const read = readConfigFile(o.config);
      const { file, bytes } = read;
      let text = read.text;
      // Never write a text decoded from bytes that were not UTF-8 (that would bake in the guess).
      if (o.fix && !bytes.length) {
        const fixed = fixConfig(text, ['tabs', 'snake-case']);
        if (fixed.text !== text) {
          if (readConfigBytes(file).toString('utf8') !== text) throw new CliError(`${file} changed while it was being fixed; it was not written. Run validate --fix again.`);
          writeFileSafely(file, fixed.text);
          text = fixed.text;
          process.stderr.write(`Fixed ${file}: ${fixed.applied.join('; ')}.\n`);
        } else process.stderr.write(`Nothing to fix automatically in ${file}.\n`);
      }
      const loaded = withDiagnostics(loadConfig(text, { fast: true }), bytes);
      let plan: Plan | undefined;
      const ref = resolveProjectRef(o.project, env);
      if (ref && loaded.ok) plan = (await livePlan(g(), ref, loaded, o.archive)).plan;
      const problems = collectProblems(loaded, plan?.errors, plan?.notices);
      const errors = problems.filter((p) => p.severity === 'error').length;
      if (o.json) process.stdout.write(problemsJson(problems) + '\n');
      else if (problems.length) process.stdout.write(formatProblems(file, problems, color) + '\n');
      if (!o.json) {
        const n = loaded.config.experiences.length;
        process.stdout.write(
          errors
            ? `\n${errors} error${errors === 1 ? '' : 's'} in ${file}.${problems.some((p) => p.code === 'tab-indent' || p.code === 'snake-case-key') ? ' Run with --fix to repair tabs and snake_case keys.' : ''}\n`
            : `${file} is valid: ${n} experience${n === 1 ? '' : 's'}${plan ? `, checked against project "${plan.project.name}"` : ''}.\n`,
        );
      }
      if (errors) throw new CliError('', EXIT.error);
    });

  registerLoginCommands(program, {
    globals: g, env, auth: () => makeAuth(g()), client: (auth) => makeClient(g(), auth),
    apiUrl: () => g().url || env.RESIM_URL || DEFAULT_API_URL,
  });

  program
    .command('sandbox')
    .description('start a local ReSim-compatible API server on 127.0.0.1 (demo data, fault injection)')
    .option('--port <n>', 'port (0 = any free port)', '8765')
    .option('--data <file>', 'persist the state to this JSON file')
    .addOption(new Option('--seed <kind>', 'initial data').choices(['demo', 'empty']).default('demo'))
    .option('--latency-ms <n>', 'delay every answer', '0')
    .option('--fail-rate <r>', 'fail this fraction of API requests (500, 503, 429, dropped connections)', '0')
    .option('--token-file <file>', 'accept only the bearer token in this file (else env RESIM_SANDBOX_TOKEN, else a random one, printed)')
    .option('--token <t>', 'accept only this bearer token (visible in ps: prefer --token-file or RESIM_SANDBOX_TOKEN)')
    .option('--issuer <url>', 'also accept access tokens (JWTs) of this OAuth issuer, as the API accepts Auth0\'s')
    .option('--verbose', 'log every request to stderr')
    .action(async (o: { port: string; data?: string; seed: 'demo' | 'empty'; latencyMs: string; failRate: string; token?: string; tokenFile?: string; issuer?: string; verbose?: boolean }) => {
      const num = (v: string, name: string, min: number, max: number) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${name} must be a number from ${min} to ${max}, got "${v}".`);
        return n;
      };
      // Its usage errors are UserErrors: one line, exit 1.
      await runSandboxCommand({
        port: num(o.port, 'port', 0, 65535),
        data: o.data,
        seed: o.seed,
        latencyMs: num(o.latencyMs, 'latency-ms', 0, 600000),
        failRate: num(o.failRate, 'fail-rate', 0, 1),
        token: o.token,
        tokenFile: o.tokenFile,
        issuer: o.issuer,
        verbose: o.verbose,
      });
    });
  return program;
}

/** Whether anything (a file, a folder, a link) is at `file`. */
function fileExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = build();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    progressDone();
    if (err instanceof UserError) {
      if (err.message) process.stderr.write(`Error: ${escapeVisible(err.message, { keepLines: true })}\n`);
      return err.exitCode;
    }
    if (err instanceof LoginError) {
      process.stderr.write(err.code === 'cancelled' ? 'Sign-in cancelled.\n' : `Error: ${loginErrorText(err)}\n`);
      return err.code === 'cancelled' ? EXIT_CANCELLED : EXIT.error;
    }
    if (err instanceof PlanRefusedError) {
      process.stderr.write(`${escapeVisible(err.message, { keepLines: true })}\nNothing was changed.\n`);
      return err.code === 'config-errors' ? EXIT.error : EXIT.refused;
    }
    if (err instanceof ApiError) {
      const problem = apiProblem(err, resolveApiUrl(program.opts<GlobalOpts>().url, env));
      const head = problem.code === 'not-resim-api' ? `${problem.message} Check --url (RESIM_URL).` : err.message;
      process.stderr.write(`Error: ${escapeVisible(head, { keepLines: true })}\nNothing was changed by this step.\n`);
      return EXIT.error;
    }
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.error; // commander printed the message
    process.stderr.write(`Unexpected error: ${(err as Error)?.stack ?? String(err)}\nPlease report this.\n`);
    return EXIT.error;
  }
}

if (!isMainThread && (workerData as { task?: string } | null)?.task === 'load-config') {
  // The worker of loadConfigOnWorker: same bundle, other entry.
  const l = loadConfig((workerData as { text: string }).text, { fast: true });
  parentPort!.postMessage({ config: l.config, diagnostics: l.diagnostics, ok: l.ok, projectComment: l.projectComment });
} else if (require.main === module) {
  // Everything this process prints passes through the one redaction function (docs/security.md).
  for (const v of ['RESIM_TOKEN', 'RESIM_CLIENT_SECRET', 'RESIM_SANDBOX_TOKEN']) registerSecret(env[v]);
  redactStream(process.stdout);
  redactStream(process.stderr);
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
