/**
 * `resim-sync sandbox`: start the local ReSim-compatible API (sandbox/, docs/api.md) on 127.0.0.1.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { runSandboxCommand } from '../../../sandbox/cli';
import { CliError } from './common';

/** Adds the `sandbox` command to the program. */
export function registerSandbox(program: Command): void {
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
    .option('--issuer <url>', "also accept access tokens (JWTs) of this OAuth issuer, as the API accepts Auth0's")
    .option('--verbose', 'log every request to stderr')
    .action(
      async (o: {
        port: string;
        data?: string;
        seed: 'demo' | 'empty';
        latencyMs: string;
        failRate: string;
        token?: string;
        tokenFile?: string;
        issuer?: string;
        verbose?: boolean;
      }) => {
        const num = (v: string, name: string, min: number, max: number) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n < min || n > max)
            throw new CliError(`--${name} must be a number from ${min} to ${max}, got "${v}".`);
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
      },
    );
}
