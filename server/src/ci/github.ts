/**
 * The GitHub Action (action.yml at the repository root; docs/ci.md): runs `plan`, `apply` or
 * `drift` (ci/run.ts) on the runner, with @actions/core for inputs, outputs, annotations and the
 * step summary and @actions/github (Octokit) for the pull-request comment. Bundled by
 * `npm run build:action` into action/dist/index.js, which is committed: a `node20` action runs
 * without installing anything.
 *
 * - Inputs (`INPUT_*`, set by the runner from `with:`): `command` (default by event:
 *   `pull_request` → plan, `push` → apply, `schedule` → drift), `project`, `experience-config`,
 *   `api-url`, `archive-unlisted`, `allow-mass-archive`, `token` or `client-id` + `client-secret`
 *   (from secrets; masked with `setSecret`, passed to the engine in its environment, never on a
 *   command line), `github-token`, `comment`, `sarif-file`.
 * - Outputs: `status`, `has-changes`, `drifted`, `summary`, `plan-file` (the plan JSON with its
 *   config fingerprint), `sarif-file`.
 * - `plan` on a pull request creates one comment, and updates it in place on later runs (its
 *   marker line: ci/comment.ts); validation problems are annotations (and SARIF with `sarif-file`).
 * - The step fails (exit 1) on an error, a refusal by a guard, a failed apply, and drift.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import * as os from 'os';
import * as path from 'path';
import { problemsSarif, writeGithubAnnotations } from '../cli/annotations';
import { escapeVisible } from '../security/text';
import { writeFileSafely } from '../util/files';
import { VERSION } from '../version';
import { assertSafeApiUrl, isOwnComment } from './comment';
import { CI_COMMANDS, runCi, type CiCommand } from './run';

/** The command an event runs when the `command` input is empty. */
const COMMAND_OF_EVENT: Record<string, CiCommand> = {
  pull_request: 'plan',
  pull_request_target: 'plan',
  push: 'apply',
  schedule: 'drift',
  workflow_dispatch: 'plan',
};

function bool(name: string, dflt: boolean): boolean {
  const v = core.getInput(name).trim().toLowerCase();
  if (!v) return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`Input ${name} must be true or false, got ${JSON.stringify(v)}.`);
}

/** Creates the pull request's plan comment, or updates the one this action wrote before. */
async function upsertComment(body: string, ghToken: string, issueNumber: number): Promise<'created' | 'updated'> {
  assertSafeApiUrl(process.env.GITHUB_API_URL || 'https://api.github.com', 'GITHUB_API_URL');
  const octokit = github.getOctokit(ghToken);
  const { owner, repo } = github.context.repo;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  const own = comments.find((c) => typeof c.body === 'string' && isOwnComment(c.body, body));
  if (own) {
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: own.id, body });
    return 'updated';
  }
  await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return 'created';
}

export async function run(): Promise<void> {
  const token = core.getInput('token');
  const clientId = core.getInput('client-id');
  const clientSecret = core.getInput('client-secret');
  const ghToken = core.getInput('github-token');
  for (const secret of [token, clientSecret, ghToken]) if (secret) core.setSecret(secret);
  const event = github.context.eventName;
  const command = (core.getInput('command') || COMMAND_OF_EVENT[event] || 'plan') as CiCommand;
  if (!CI_COMMANDS.includes(command))
    throw new Error(`Input command must be one of ${CI_COMMANDS.join(', ')}, got ${JSON.stringify(command)}.`);
  const configLabel = core.getInput('experience-config', { required: true });
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const planFile = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'resim-sync-plan.json');
  // The engine reads credentials from its environment only: the inputs win over a workflow's `env:`.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('INPUT_')) delete env[k];
  if (token) env.RESIM_TOKEN = token;
  if (clientId) env.RESIM_CLIENT_ID = clientId;
  if (clientSecret) env.RESIM_CLIENT_SECRET = clientSecret;

  const outcome = await runCi({
    command,
    configFile: path.resolve(workspace, configLabel),
    configLabel,
    project: core.getInput('project') || undefined,
    apiUrl: core.getInput('api-url') || undefined,
    archiveUnlisted: bool('archive-unlisted', true),
    allowMassArchive: bool('allow-mass-archive', false),
    fullPlanAt: 'the `plan-file` output of this step (the plan JSON)',
    env,
  });

  writeGithubAnnotations(configLabel, outcome.problems);
  const sarifFile = core.getInput('sarif-file');
  if (sarifFile) {
    writeFileSafely(path.resolve(workspace, sarifFile), JSON.stringify(problemsSarif(configLabel, outcome.problems), null, 2) + '\n');
    core.setOutput('sarif-file', sarifFile);
  }
  if (outcome.plan) {
    writeFileSafely(planFile, JSON.stringify(outcome.plan, null, 2) + '\n');
    core.setOutput('plan-file', planFile);
  }
  const sha = github.context.payload.pull_request?.head?.sha ?? github.context.sha;
  const footer = `\n<sub>resim-sync ${VERSION}${typeof sha === 'string' && /^[0-9a-f]{7,64}$/.test(sha) ? ` · commit ${sha.slice(0, 12)}` : ''}</sub>\n`;
  const body = outcome.markdown + footer;
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(body).write();
  core.setOutput('status', outcome.status);
  core.setOutput('has-changes', String(outcome.hasChanges));
  core.setOutput('drifted', String(command === 'drift' && outcome.hasChanges));
  core.setOutput('summary', outcome.summary);

  const pr = github.context.payload.pull_request;
  if (command === 'plan' && pr && typeof pr.number === 'number' && bool('comment', true)) {
    if (!ghToken) core.warning('No github-token: the plan is in the step summary only (no pull-request comment).');
    else
      try {
        core.info(`Plan comment ${await upsertComment(body, ghToken, pr.number)} on pull request #${pr.number}.`);
      } catch (err) {
        // A fork's read-only token, a missing `pull-requests: write`: the plan is still in the summary.
        core.warning(
          `No pull-request comment (${escapeVisible(err instanceof Error ? err.message : String(err))}); the plan is in the step summary. Does the job have \`pull-requests: write\`?`,
        );
      }
  }
  core.info(outcome.summary);
  if (outcome.exitCode !== 0) core.setFailed(outcome.summary);
}

run().catch((err: unknown) => core.setFailed(err instanceof Error ? err.message : String(err)));
