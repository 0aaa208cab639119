/**
 * `resim-sync sandbox [--port N] [--data FILE] [--seed demo|empty] [--latency-ms N]
 * [--fail-rate R] [--token-file FILE] [--token T] [--verbose]` (docs/architecture.md, "Command line"):
 * runs the sandbox in the foreground until SIGINT / SIGTERM (or `signal`), printing where it
 * listens and how to point resim-sync at it.
 *
 * The bearer token (API and admin endpoints) comes from `RESIM_SANDBOX_TOKEN`, `--token-file`
 * or `--token` (visible to every local user in `ps`: prefer the other two); without any, a
 * random one is generated and printed, the only case where the token is printed
 * (docs/security.md, "The local sandbox").
 */
import { randomBytes } from 'crypto';
import { startSandbox, type Sandbox } from './server';
import type { SeedKind } from './seed';
import { readFileBounded } from '../server/src/util/files';
import { UserError } from '../server/src/util/userError';

/** Longest `--token-file` read (bytes). */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Options as the command line gives them (strings are parsed and checked here). */
export interface SandboxCommandOptions {
  port?: number | string;
  /** Data file (`--data`): loaded if it exists, saved after every write. */
  data?: string;
  seed?: string;
  latencyMs?: number | string;
  failRate?: number | string;
  token?: string;
  /** `--token-file`: a file whose first line is the token. */
  tokenFile?: string;
  /** Environment to read `RESIM_SANDBOX_TOKEN` from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Accept the access tokens (JWTs) of this OAuth issuer (`--issuer`), as the real API accepts Auth0's. */
  issuer?: string;
  /** Log each request as one line to stderr. */
  verbose?: boolean;
  /** Where the banner goes (default process.stdout). */
  out?: { write(s: string): unknown };
  /** Where request lines go (default process.stderr). */
  err?: { write(s: string): unknown };
  /** Stops the sandbox when aborted (tests); SIGINT/SIGTERM always do. */
  signal?: AbortSignal;
  /** Called once the sandbox listens (tests). */
  onListening?: (sandbox: Sandbox) => void;
}

/** Bad command-line input; the message says which flag and what it accepts. */
export class SandboxUsageError extends UserError {}

function num(value: number | string | undefined, flag: string, check: (n: number) => boolean, accepts: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new SandboxUsageError(`${flag} must be ${accepts}, got ${JSON.stringify(value)}`);
  return n;
}

/** The token given (`--token`, `--token-file`, `RESIM_SANDBOX_TOKEN`, in that order) and where it came from; undefined when none is. */
function tokenOf(opts: SandboxCommandOptions): { value: string; source: string } | undefined {
  const check = (value: string, source: string) => {
    if (!/^\S+$/.test(value)) throw new SandboxUsageError(`${source} must give a non-empty token without spaces`);
    return { value, source };
  };
  if (opts.token !== undefined) return check(opts.token, '--token');
  if (opts.tokenFile !== undefined) {
    let text: string;
    try {
      // Bounded: a FIFO or /dev/zero is refused before a byte is read (no hang, no memory blow-up).
      text = readFileBounded(opts.tokenFile, {
        maxBytes: MAX_TOKEN_FILE_BYTES,
        expects: '--token-file takes a file whose first line is the token',
      }).toString('utf8');
    } catch (e) {
      throw new SandboxUsageError(`--token-file: ${(e as Error).message}`);
    }
    return check(text.split(/\r?\n/)[0].trim(), '--token-file');
  }
  const fromEnv = (opts.env ?? process.env).RESIM_SANDBOX_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return check(fromEnv.trim(), 'RESIM_SANDBOX_TOKEN');
  return undefined;
}

/**
 * Runs the sandbox until a signal; resolves with the exit code (0) after a clean shutdown.
 * Rejects with SandboxUsageError for bad flags, or an Error if the port is taken or the data
 * file is unusable.
 */
export async function runSandboxCommand(opts: SandboxCommandOptions = {}): Promise<number> {
  const port = num(
    opts.port,
    '--port',
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'a port number from 0 to 65535 (0 = any free port)',
  );
  const latencyMs = num(opts.latencyMs, '--latency-ms', (n) => n >= 0, 'a number of milliseconds >= 0');
  const failRate = num(opts.failRate, '--fail-rate', (n) => n >= 0 && n <= 1, 'a probability between 0 and 1 (e.g. 0.1)');
  const seed = opts.seed ?? 'demo';
  if (seed !== 'demo' && seed !== 'empty') throw new SandboxUsageError(`--seed must be "demo" or "empty", got ${JSON.stringify(seed)}`);
  const given = tokenOf(opts);
  const token = given?.value ?? randomBytes(24).toString('hex');
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  if (given !== undefined && given.source === '--token')
    err.write('Warning: --token is visible to every user of this machine (ps); use RESIM_SANDBOX_TOKEN or --token-file.\n');

  const sandbox = await startSandbox({
    port: port ?? 0,
    dataFile: opts.data,
    seed: seed as SeedKind,
    latencyMs,
    failRate,
    token,
    issuer: opts.issuer,
    log: opts.verbose ? (line) => err.write(`${line}\n`) : undefined,
  });
  const project = sandbox.store.projects[0]?.name ?? 'demo';
  const shown = given ? `<the token of ${given.source}>` : sandbox.adminToken;
  out.write(`ReSim sandbox listening on ${sandbox.url} (project "${project}")\n`);
  if (!given) out.write(`Bearer token (generated; set RESIM_SANDBOX_TOKEN or --token-file to choose one): ${sandbox.adminToken}\n`);
  out.write(
    `Try: RESIM_URL=${sandbox.url} RESIM_TOKEN=${shown} resim-sync preview --project ${project} --config <file.experiences.yaml>\n`,
  );
  if (opts.data) out.write(`State is saved to ${opts.data} after every write.\n`);
  if (latencyMs || failRate) out.write(`Fault injection: latency ${latencyMs ?? 0} ms, fail rate ${failRate ?? 0}.\n`);
  out.write('Press Ctrl+C to stop.\n');
  opts.onListening?.(sandbox);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      opts.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop);
  });
  await sandbox.close();
  out.write('ReSim sandbox stopped.\n');
  return 0;
}
