/**
 * `resim-sync`: the sync engine, headless, for CI (README "Command line"). One file per command
 * in server/src/cli/, built on the engine's service as the language server is.
 *
 *   resim-sync preview  --project P --experience-config F [--no-archive] [--format text|json|markdown] [--detailed-exitcode] [--out plan.json]
 *   resim-sync apply    --project P --experience-config F [--no-archive] [--yes] [--allow-mass-archive] [--update-config] [--plan plan.json]
 *   resim-sync clone    --project P --experience-config F
 *   resim-sync validate --experience-config F [--project P] [--fix] [--format text|json|sarif|github]
 *   resim-sync sandbox  [--port N] [--data FILE] [--seed demo|empty] [--latency-ms N] [--fail-rate R] [--token-file F]
 *   resim-sync login [--no-browser] | logout | whoami   (cli/login.ts)
 *   resim-sync gitlab-ci plan|apply|drift --experience-config F [--project P]   (the GitLab CI template's step: ci/gitlab.ts)
 *
 * Flags fall back to the environment as the resim CLI's do (`RESIM_URL`, `RESIM_PROJECT`,
 * `RESIM_EXPERIENCES_CONFIG`, `RESIM_TOKEN`, `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`,
 * `RESIM_AUTH_URL`), then to the resim CLI's token cache `~/.resim/cache.json`.
 * Exit codes: 0 done / no changes; 1 error; 2 changes present (preview --detailed-exitcode);
 * 3 refused by a safety guard (stale plan, mass archive, no confirmation).
 */
import { Command } from 'commander';
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { loadConfig } from './config';
import { ApiError, DEFAULT_API_URL } from './resim';
import { resolveApiUrl } from './resim/connection';
import { LoginError } from './resim/login';
import { apiProblem } from './resim/problems';
import { VERSION } from './version';
import { PlanRefusedError } from './sync/apply';
import { redactStream, registerSecret } from './security/redact';
import { escapeVisible } from './security/text';
import { UserError } from './util/userError';
import { registerApply } from './cli/apply';
import { registerClone } from './cli/clone';
import { CliError, env, EXIT, makeAuth, makeClient, progressDone, type GlobalOpts } from './cli/common';
import { failureJson, wantsJson } from './cli/output';
import { EXIT_CANCELLED, loginErrorText, registerLoginCommands } from './cli/login';
import { registerPreview } from './cli/preview';
import { registerSandbox } from './cli/sandbox';
import { registerValidate } from './cli/validate';
import { registerGitlabCi } from './ci/gitlab';

export { EXIT };

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
  registerPreview(program);
  registerApply(program);
  registerClone(program);
  registerValidate(program);
  const g = () => program.opts<GlobalOpts>();
  registerLoginCommands(program, {
    globals: g,
    env,
    auth: () => makeAuth(g()),
    client: (auth) => makeClient(g(), auth),
    apiUrl: () => g().url || env.RESIM_URL || DEFAULT_API_URL,
  });
  registerSandbox(program);
  registerGitlabCi(program);

  return program;
}

/** Runs the CLI; resolves to the exit code. With `--json` (or `--format json`) every failure is also JSON on stdout (`failureJson`). */
export async function main(argv: string[]): Promise<number> {
  const program = build();
  const json = wantsJson(argv);
  const jsonFailure = (code: string, message: string) => {
    if (json) process.stdout.write(failureJson(code, message) + '\n');
  };
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    progressDone();
    if (err instanceof UserError) {
      if (err.message) {
        process.stderr.write(`Error: ${escapeVisible(err.message, { keepLines: true })}\n`);
        jsonFailure(err instanceof CliError ? err.code : 'bad-input', err.message);
      }
      return err.exitCode;
    }
    if (err instanceof LoginError) {
      process.stderr.write(err.code === 'cancelled' ? 'Sign-in cancelled.\n' : `Error: ${escapeVisible(loginErrorText(err))}\n`);
      jsonFailure(
        err.code === 'cancelled' ? 'cancelled' : 'not-signed-in',
        err.code === 'cancelled' ? 'Sign-in cancelled.' : escapeVisible(loginErrorText(err)),
      );
      return err.code === 'cancelled' ? EXIT_CANCELLED : EXIT.error;
    }
    if (err instanceof PlanRefusedError) {
      process.stderr.write(`${escapeVisible(err.message, { keepLines: true })}\nNothing was changed.\n`);
      jsonFailure(err.code, err.message);
      return err.code === 'config-errors' ? EXIT.error : EXIT.refused;
    }
    if (err instanceof ApiError) {
      const problem = apiProblem(err, resolveApiUrl(program.opts<GlobalOpts>().url, env));
      const head = problem.code === 'not-resim-api' ? `${problem.message} Check --url (RESIM_URL).` : err.message;
      process.stderr.write(`Error: ${escapeVisible(head, { keepLines: true })}\nNothing was changed by this step.\n`);
      jsonFailure(problem.code, head);
      return EXIT.error;
    }
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      jsonFailure('usage', (err as Error).message.replace(/^error: /, '')); // commander printed the message
      return EXIT.error;
    }
    process.stderr.write(`Unexpected error: ${(err as Error)?.stack ?? String(err)}\nPlease report this.\n`);
    jsonFailure('internal-error', `Unexpected error: ${(err as Error)?.message ?? String(err)}`);
    return EXIT.error;
  }
}

if (!isMainThread && (workerData as { task?: string } | null)?.task === 'load-config') {
  // The worker of loadConfigOnWorker: same bundle, other entry.
  const l = loadConfig((workerData as { text: string }).text, { fast: true });
  parentPort!.postMessage({ config: l.config, diagnostics: l.diagnostics, ok: l.ok, projectComment: l.projectComment });
} else if (require.main === module) {
  // Everything this process prints passes through the one redaction function (docs/security.md).
  for (const v of ['RESIM_TOKEN', 'RESIM_CLIENT_SECRET', 'RESIM_SANDBOX_TOKEN', 'GITLAB_TOKEN']) registerSecret(process.env[v]);
  redactStream(process.stdout);
  redactStream(process.stderr);
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
