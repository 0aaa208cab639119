/**
 * `resim-sync gitlab-ci <plan|apply|drift>`: the script of the GitLab CI template
 * (ci/gitlab/resim-sync.gitlab-ci.yml; docs/ci.md). Runs the CI command (ci/run.ts), prints the
 * Markdown to stdout, writes the plan JSON and the Markdown as job artifacts, and on a merge
 * request creates one note, or updates the one it wrote before (ci/comment.ts), through the
 * GitLab API v4.
 *
 * GitLab's predefined variables: `CI_API_V4_URL`, `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID` (set in
 * merge-request pipelines). The note needs `GITLAB_TOKEN` (a project access token with `api`
 * scope, a masked CI/CD variable), sent as `PRIVATE-TOKEN` to CI_API_V4_URL only, over https
 * or to loopback. ReSim credentials come from the environment (`RESIM_TOKEN`, or
 * `RESIM_CLIENT_ID` + `RESIM_CLIENT_SECRET`), never from the command line.
 * Exit codes: 0 done or no changes, 1 error or failed apply, 2 drift, 3 refused by a guard.
 */
import { Argument, type Command } from 'commander';
import fetch from 'node-fetch';
import { configOpt, CliError, env, projectOpt, type GlobalOpts } from '../cli/common';
import { formatProblems } from '../cli/output';
import { writeFileSafely } from '../util/files';
import { VERSION } from '../version';
import { assertSafeApiUrl, isOwnComment } from './comment';
import { CI_COMMANDS, runCi, type CiCommand } from './run';

/** At most this many pages of 100 notes are read when looking for the bot's own note. */
const MAX_NOTE_PAGES = 50;

/** Creates the merge request's plan note, or updates the one this script wrote before. */
export async function upsertMergeRequestNote(
  apiUrl: string,
  projectId: string,
  mergeRequestIid: string,
  token: string,
  body: string,
): Promise<'created' | 'updated'> {
  const base = assertSafeApiUrl(apiUrl, 'CI_API_V4_URL').href.replace(/\/$/, '');
  const notes = `${base}/projects/${encodeURIComponent(projectId)}/merge_requests/${encodeURIComponent(mergeRequestIid)}/notes`;
  const headers = { 'PRIVATE-TOKEN': token, 'content-type': 'application/json', 'user-agent': `resim-sync/${VERSION}` };
  const call = async (url: string, init: { method: string; body?: string }) => {
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (!res.ok)
      throw new CliError(`GitLab answered ${res.status} to ${init.method} ${url.replace(/\?.*$/, '')}: check GITLAB_TOKEN (api scope).`);
    return res;
  };
  let own: { id: number } | undefined;
  for (let page = 1; page <= MAX_NOTE_PAGES && !own; page++) {
    const res = await call(`${notes}?per_page=100&page=${page}&sort=asc`, { method: 'GET' });
    const list = (await res.json()) as { id: number; body?: string }[];
    own = list.find((n) => typeof n.body === 'string' && isOwnComment(n.body, body));
    if (!res.headers.get('x-next-page')) break;
  }
  if (own) {
    await call(`${notes}/${own.id}`, { method: 'PUT', body: JSON.stringify({ body }) });
    return 'updated';
  }
  await call(notes, { method: 'POST', body: JSON.stringify({ body }) });
  return 'created';
}

/** Adds the `gitlab-ci` command to the program. */
export function registerGitlabCi(program: Command): void {
  program
    .command('gitlab-ci')
    .description("the GitLab CI template's step: plan (merge request note), apply (default branch) or drift (schedule)")
    .addArgument(new Argument('<command>', 'what to do').choices(CI_COMMANDS))
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--no-archive', 'keep experiences that the config does not list (env RESIM_SYNC_ARCHIVE_UNLISTED=false)')
    .option('--allow-mass-archive', 'apply: allow a mass archive (env RESIM_SYNC_ALLOW_MASS_ARCHIVE=true)')
    .option('--out <file>', 'where to save the plan JSON', 'resim-sync-plan.json')
    .option('--markdown-out <file>', 'where to save the Markdown', 'resim-sync-plan.md')
    .option('--no-note', 'do not post the plan as a merge request note')
    .action(
      async (
        command: CiCommand,
        o: {
          project?: string;
          config?: string;
          archive: boolean;
          allowMassArchive?: boolean;
          out: string;
          markdownOut: string;
          note: boolean;
        },
      ) => {
        const configFile = o.config || env.RESIM_EXPERIENCES_CONFIG;
        if (!configFile) throw new CliError('No config file: pass --experience-config <path> (or set RESIM_EXPERIENCES_CONFIG).');
        const outcome = await runCi({
          command,
          configFile,
          project: o.project,
          apiUrl: program.opts<GlobalOpts>().url,
          archiveUnlisted: o.archive && env.RESIM_SYNC_ARCHIVE_UNLISTED !== 'false',
          allowMassArchive: Boolean(o.allowMassArchive) || env.RESIM_SYNC_ALLOW_MASS_ARCHIVE === 'true',
          fullPlanAt: `the job artifact ${'`'}${o.out}${'`'}`,
          env,
        });
        if (outcome.problems.length) process.stderr.write(formatProblems(configFile, outcome.problems) + '\n');
        if (outcome.plan) writeFileSafely(o.out, JSON.stringify(outcome.plan, null, 2) + '\n');
        writeFileSafely(o.markdownOut, outcome.markdown);
        process.stdout.write(outcome.markdown);
        const iid = env.CI_MERGE_REQUEST_IID;
        if (command === 'plan' && o.note && iid) {
          const token = env.GITLAB_TOKEN;
          if (!token) process.stderr.write('No GITLAB_TOKEN: the plan is in the job log and artifacts only (no merge request note).\n');
          else {
            if (!env.CI_API_V4_URL || !env.CI_PROJECT_ID)
              throw new CliError('CI_API_V4_URL and CI_PROJECT_ID are not set: is this a GitLab CI job?');
            const how = await upsertMergeRequestNote(env.CI_API_V4_URL, env.CI_PROJECT_ID, iid, token, outcome.markdown);
            process.stderr.write(`Plan note ${how} on merge request !${iid}.\n`);
          }
        }
        process.stderr.write(outcome.summary + '\n');
        if (outcome.exitCode) throw new CliError('', outcome.exitCode);
      },
    );
}
