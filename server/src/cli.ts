/**
 * `resim-sync`: the sync engine, headless, for CI (DESIGN.md, "Command line").
 *
 *   resim-sync preview  --project P --experience-config F [--no-archive] [--json] [--detailed-exitcode] [--out plan.json]
 *   resim-sync apply    --project P --experience-config F [--no-archive] [--yes] [--allow-mass-archive] [--update-config] [--plan plan.json]
 *   resim-sync clone    --project P --experience-config F
 *   resim-sync validate --experience-config F [--project P] [--fix]
 *   resim-sync sandbox  [--port N] [--data FILE] [--seed demo|empty] [--latency-ms N] [--fail-rate R] [--token T]
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
import * as path from 'path';
import * as readline from 'readline';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { fixConfig, loadConfig, setExperienceIDs } from './config';
import type { LoadedConfig } from './config/types';
import { ApiError, createResimClient, DEFAULT_API_URL, resolveAuth } from './resim';
import type { AuthProvider, ResimClient } from './resim';
import { applyPlan, ApplyResult, PlanRefusedError } from './sync/apply';
import { cloneConfig } from './sync/clone';
import { ingest } from './sync/ingest';
import type { Plan, ProjectState } from './sync/model';
import { computePlan, planHasChanges } from './sync/plan';
import { planToJson, renderPlanText } from './sync/render';
import { assertApplicable } from './sync/service';
import { fingerprintConfig } from './sync/fingerprint';
import { collectProblems, formatProblems, problemsJson } from './cli/output';
import { runSandboxCommand } from '../../sandbox/cli';
import { EXIT_CANCELLED, loginErrorText, registerLoginCommands } from './cli/login';
import { LoginError } from './resim/login';
import { apiProblem } from './resim/problems';

/** Exit codes of DESIGN.md. */
export const EXIT = { ok: 0, error: 1, changes: 2, refused: 3 } as const;

/** An error the CLI reports as one clear message and an exit code (no stack trace). */
class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.error) {
    super(message);
  }
}

/** Largest config file read (bytes). A 50,000-experience config is about 12 MB. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

interface GlobalOpts {
  url?: string;
  authUrl?: string;
  clientId?: string;
  clientSecret?: string;
}

const env = process.env;
const stderrTty = Boolean(process.stderr.isTTY);
const color = Boolean(process.stdout.isTTY) && !env.NO_COLOR;

function readConfigFile(given: string | undefined): { file: string; text: string } {
  const file = given || env.RESIM_EXPERIENCES_CONFIG;
  if (!file) throw new CliError('No config file: pass --experience-config <path> (or set RESIM_EXPERIENCES_CONFIG).');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new CliError(`Config file not found: ${file}. Check the path given to --experience-config.`);
  }
  if (stat.isDirectory()) throw new CliError(`${file} is a directory; --experience-config takes a YAML file.`);
  if (stat.size > MAX_CONFIG_BYTES)
    throw new CliError(`${file} is ${(stat.size / 1048576).toFixed(0)} MB; the largest config read is ${MAX_CONFIG_BYTES / 1048576} MB. Is this the right file?`);
  const buf = fs.readFileSync(file);
  if (buf.includes(0)) throw new CliError(`${file} is not a text file (it holds NUL bytes). --experience-config takes a YAML file.`);
  return { file, text: buf.toString('utf8') };
}

/** Writes a file by rename, so a crash never leaves half a file. */
function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function progress(message: string): void {
  if (stderrTty) process.stderr.write(`\r\x1b[K${message}`);
}
function progressDone(): void {
  if (stderrTty) process.stderr.write('\r\x1b[K');
}

function makeAuth(g: GlobalOpts): AuthProvider {
  const auth = resolveAuth({ clientId: g.clientId, clientSecret: g.clientSecret, authUrl: g.authUrl, env });
  if (!auth)
    throw new CliError(
      'No ReSim credentials. Run `resim-sync login` (or the resim CLI\'s login; both cache a token in ~/.resim/cache.json), or set RESIM_TOKEN to a bearer token, or RESIM_CLIENT_ID and RESIM_CLIENT_SECRET (or --client-id/--client-secret).',
    );
  return auth;
}

function makeClient(g: GlobalOpts, auth: AuthProvider = makeAuth(g)): ResimClient {
  return createResimClient({ apiUrl: g.url || env.RESIM_URL || DEFAULT_API_URL, auth });
}

function loadOrFail(file: string, text: string, json: boolean): LoadedConfig {
  return failIfInvalid(file, loadConfig(text, { fast: true }), json);
}

function failIfInvalid(file: string, loaded: LoadedConfig, json: boolean): LoadedConfig {
  if (!loaded.ok) {
    const problems = collectProblems(loaded).filter((p) => p.severity === 'error');
    if (json) process.stdout.write(problemsJson(problems) + '\n');
    else process.stderr.write(`${formatProblems(file, problems, color)}\n\n${problems.length} error${problems.length === 1 ? '' : 's'} in ${file}; nothing was sent to ReSim. \`resim-sync validate --fix\` repairs tabs and snake_case keys.\n`);
    throw new CliError('', EXIT.error);
  }
  return loaded;
}

function projectRef(opt: string | undefined, loaded: LoadedConfig | undefined): string {
  const ref = opt || env.RESIM_PROJECT || loaded?.projectComment;
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
async function loadAndPlan(g: GlobalOpts, file: string, text: string, projectOpt: string | undefined, archiveUnlisted: boolean, json: boolean): Promise<{ loaded: LoadedConfig; api: ResimClient; plan: Plan }> {
  const early = projectOpt || env.RESIM_PROJECT || firstLineProject(text);
  if (text.length < PARALLEL_PARSE_BYTES || !early) {
    const loaded = loadOrFail(file, text, json);
    const { api, plan } = await livePlan(g, projectRef(projectOpt, loaded), loaded, archiveUnlisted);
    return { loaded, api, plan };
  }
  const reading = new AbortController();
  const stateP = readState(g, early, reading.signal);
  stateP.catch(() => undefined); // awaited below, unless the config fails first
  let loaded: LoadedConfig;
  try {
    loaded = failIfInvalid(file, await loadConfigOnWorker(text), json);
  } catch (err) {
    reading.abort();
    throw err;
  }
  const { api, state } = await stateP;
  return { loaded, api, plan: computePlan(loaded.config, state, { archiveUnlisted }) };
}

/** The `# resim-project:` value of the first line, without parsing the file. */
function firstLineProject(text: string): string | undefined {
  const m = /^#\s*resim-project:[ \t]*([^\r\n]*?)[ \t]*\r?(?:\n|$)/.exec(text);
  return m && m[1] ? m[1] : undefined;
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
    for (const c of failed) process.stderr.write(`  ✗ ${c.operation} ${c.target}: ${c.error}\n`);
    process.stderr.write(`\nRun the same sync again: it plans only what is still missing.\n`);
  } else {
    process.stdout.write(`\nApply complete: ${ok} call${ok === 1 ? '' : 's'} succeeded.\n`);
  }
}

function build(): Command {
  const program = new Command('resim-sync')
    .description('Preview and apply ReSim experience sync configs (the engine of the ReSim Experience Sync VS Code extension).')
    // No commander defaults from the environment: `--help` prints defaults, and a secret must never be printed.
    .option('--url <url>', 'ReSim API base URL (env RESIM_URL)')
    .option('--auth-url <url>', 'OAuth server for login and client credentials (env RESIM_AUTH_URL)')
    .option('--client-id <id>', 'OAuth client ID for client credentials (env RESIM_CLIENT_ID), or the client login signs in with')
    .option('--client-secret <secret>', 'OAuth client secret (env RESIM_CLIENT_SECRET)')
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
      const { file, text } = readConfigFile(o.config);
      const { loaded, plan } = await loadAndPlan(g(), file, text, o.project, o.archive, Boolean(o.json));
      failOnPlanErrors(file, loaded, plan, Boolean(o.json));
      const json = planToJson(plan, { configFingerprint: o.out || o.json ? fingerprintConfig(loaded.config) : undefined });
      if (o.out) writeFileAtomic(o.out, JSON.stringify(json, null, 2) + '\n');
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
    .option('--plan <file>', 'a plan saved by `preview --out`: refuse if the project or the config changed since')
    .action(async (o: { project?: string; config?: string; archive: boolean; yes?: boolean; allowMassArchive?: boolean; updateConfig?: boolean; plan?: string }) => {
      const { file, text } = readConfigFile(o.config);
      let saved: { stateFingerprint?: string; configFingerprint?: string; project?: { id?: string } } | undefined;
      if (o.plan) {
        try {
          saved = JSON.parse(fs.readFileSync(o.plan, 'utf8'));
        } catch (err) {
          throw new CliError(`Cannot read the saved plan ${o.plan}: ${(err as Error).message}. Save one with \`resim-sync preview --out ${o.plan}\`.`);
        }
        if (!saved?.stateFingerprint) throw new CliError(`${o.plan} is not a plan saved by \`resim-sync preview --out\` (no stateFingerprint).`);
      }
      const globals = g();
      const first = await loadAndPlan(globals, file, text, o.project, o.archive, false);
      const loaded = first.loaded;
      const ref = projectRef(o.project, loaded);
      let { api, plan } = first;
      failOnPlanErrors(file, loaded, plan, false);
      if (saved?.project?.id && saved.project.id !== plan.project.id)
        throw new CliError(`The saved plan is for another project (${saved.project.id}), not "${plan.project.name}" (${plan.project.id}).`, EXIT.refused);
      const guards = { expectedStateFingerprint: saved?.stateFingerprint, expectedConfigFingerprint: saved?.configFingerprint, allowMassArchive: o.allowMassArchive };
      assertApplicable(plan, guards, loaded.config);
      process.stdout.write(renderPlanText(plan, { color }));
      if (!planHasChanges(plan)) return;
      if (!o.yes) {
        if (!process.stdin.isTTY) throw new CliError('Not applied: no terminal to confirm on. Pass --yes to apply without asking (review the plan with `resim-sync preview` first).', EXIT.refused);
        if (!(await confirm(`\nApply these changes to project "${plan.project.name}"? Only 'yes' will be accepted: `))) throw new CliError('Not applied: not confirmed.', EXIT.refused);
        // The state may have moved while the user read the plan: re-read, and refuse if it did.
        const fresh = await livePlan(globals, ref, loaded, o.archive);
        assertApplicable(fresh.plan, { ...guards, expectedStateFingerprint: plan.stateFingerprint }, loaded.config);
        ({ api, plan } = fresh);
      }
      const result = await applyPlan(api, plan, { onProgress: (done, total, what) => progress(`Applying ${done}/${total}: ${what}`) });
      progressDone();
      printApplyResult(result);
      if (o.updateConfig) {
        const ids = new Map<number, string>();
        loaded.config.experiences.forEach((e, i) => {
          const id = result.experienceIDs[e.name];
          if (id && !e.experienceID) ids.set(i, id);
        });
        if (ids.size) {
          writeFileAtomic(file, setExperienceIDs(text, ids));
          process.stdout.write(`Wrote ${ids.size} experience ID${ids.size === 1 ? '' : 's'} into ${file}.\n`);
        }
      }
      if (!result.ok) throw new CliError('', EXIT.error);
    });

  program
    .command('clone')
    .description("write the project's experiences, tags and test suites into a config file")
    .addOption(projectOpt())
    .addOption(configOpt())
    .action(async (o: { project?: string; config?: string }) => {
      const file = o.config || env.RESIM_EXPERIENCES_CONFIG;
      if (!file) throw new CliError('No output file: pass --experience-config <path> for the cloned config.');
      const { state } = await readState(g(), projectRef(o.project, undefined));
      writeFileAtomic(file, cloneConfig(state));
      const n = state.experiences.filter((e) => !e.archived).length;
      process.stdout.write(`Cloned project "${state.project.name}" into ${file}: ${n} experience${n === 1 ? '' : 's'}, ${state.tags.length} tags, ${state.testSuites.length} test suites.\n`);
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
      let { file, text } = readConfigFile(o.config);
      if (o.fix) {
        const fixed = fixConfig(text, ['tabs', 'snake-case']);
        if (fixed.text !== text) {
          writeFileAtomic(file, fixed.text);
          text = fixed.text;
          process.stderr.write(`Fixed ${file}: ${fixed.applied.join('; ')}.\n`);
        } else process.stderr.write(`Nothing to fix automatically in ${file}.\n`);
      }
      const loaded = loadConfig(text, { fast: true });
      let plan: Plan | undefined;
      const ref = o.project || env.RESIM_PROJECT;
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
    .option('--token <t>', 'accept only this bearer token (default: any)')
    .option('--issuer <url>', 'also accept access tokens (JWTs) of this OAuth issuer, as the API accepts Auth0\'s')
    .option('--verbose', 'log every request to stderr')
    .action(async (o: { port: string; data?: string; seed: 'demo' | 'empty'; latencyMs: string; failRate: string; token?: string; issuer?: string; verbose?: boolean }) => {
      const num = (v: string, name: string, min: number, max: number) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${name} must be a number from ${min} to ${max}, got "${v}".`);
        return n;
      };
      await runSandboxCommand({
        port: num(o.port, 'port', 0, 65535),
        data: o.data,
        seed: o.seed,
        latencyMs: num(o.latencyMs, 'latency-ms', 0, 600000),
        failRate: num(o.failRate, 'fail-rate', 0, 1),
        token: o.token,
        issuer: o.issuer,
        verbose: o.verbose,
      });
    });
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = build();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    progressDone();
    if (err instanceof CliError) {
      if (err.message) process.stderr.write(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof LoginError) {
      process.stderr.write(err.code === 'cancelled' ? 'Sign-in cancelled.\n' : `Error: ${loginErrorText(err)}\n`);
      return err.code === 'cancelled' ? EXIT_CANCELLED : EXIT.error;
    }
    if (err instanceof PlanRefusedError) {
      process.stderr.write(`${err.message}\nNothing was changed.\n`);
      return err.code === 'config-errors' ? EXIT.error : EXIT.refused;
    }
    if (err instanceof ApiError) {
      const problem = apiProblem(err, program.opts<GlobalOpts>().url || env.RESIM_URL || DEFAULT_API_URL);
      const head = problem.code === 'not-resim-api' ? `${problem.message} Check --url (RESIM_URL).` : err.message;
      process.stderr.write(`Error: ${head}\nNothing was changed by this step.\n`);
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
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
