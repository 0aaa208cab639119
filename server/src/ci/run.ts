/**
 * The three CI commands (docs/ci.md), shared by the GitHub Action (ci/github.ts) and the GitLab
 * template (`resim-sync ci gitlab`, ci/gitlab.ts):
 *
 * - `plan` (a pull or merge request): the config's problems and the plan against the project;
 * - `apply` (a push to the default branch): plans again against the project as it is now, checks
 *   the guards of `assertApplicable` (sync/service.ts: config errors, mass archive without
 *   `allowMassArchive`), then applies exactly that plan (sync/apply.ts);
 * - `drift` (a schedule): whether the project differs from the config (the plan has changes).
 *
 * Never throws: every failure (a config error, an API error, a refusal) is an outcome with a
 * one-line message, a Markdown section for the comment or the summary, and an exit code (the
 * CLI's: 0 done or no changes, 1 error, 2 drift, 3 refused by a guard). Credentials come only
 * from `env` (`RESIM_TOKEN`, or `RESIM_CLIENT_ID` + `RESIM_CLIENT_SECRET`: resim/connection.ts)
 * and are never part of an outcome.
 */
import { formatSummary, type ApplyResult, type PlanJson } from '../../../protocol';
import { decodeConfigBytes, loadConfig, withDiagnostics } from '../config';
import { createResimClient, ApiError } from '../resim';
import { NO_CREDENTIALS_HINT, resolveApiUrl, resolveCredentials, resolveProjectRef } from '../resim/connection';
import { apiProblem } from '../resim/problems';
import { applyPlan, PlanRefusedError } from '../sync/apply';
import { fingerprintConfig } from '../sync/fingerprint';
import { mdCode } from '../security/markdown';
import { MAX_MESSAGE_CHARS, planMarker, renderPlanMarkdown } from '../sync/markdown';
import { computePlan, planHasChanges } from '../sync/plan';
import { collectProblems, type Problem } from '../sync/problems';
import { planToJson } from '../sync/render';
import { readProject, assertApplicable } from '../sync/service';
import { escapeVisible } from '../security/text';
import { MAX_CONFIG_BYTES, readFileBounded } from '../util/files';
import { UserError } from '../util/userError';

/** The CI commands. */
export const CI_COMMANDS = ['plan', 'apply', 'drift'] as const;
export type CiCommand = (typeof CI_COMMANDS)[number];

/** Exit codes, as the CLI's (README "Command line"); `drifted` is `--detailed-exitcode`'s 2. */
export const CI_EXIT = { ok: 0, error: 1, drifted: 2, refused: 3 } as const;

export interface CiOptions {
  command: CiCommand;
  /** The config file to read (a path on this machine). */
  configFile: string;
  /** The config as the reader knows it (a path in the repository); default `configFile`. */
  configLabel?: string;
  /** Project name or ID; else `RESIM_PROJECT`, else the file's `# resim-project:` line. */
  project?: string;
  /** API base URL; else `RESIM_URL`, else the default (resim/url.ts). */
  apiUrl?: string;
  /** Archive experiences the config does not list (default true, as the resim CLI). */
  archiveUnlisted?: boolean;
  /** `apply`: allow a plan that trips the mass-archive guard. */
  allowMassArchive?: boolean;
  /** Where the full plan JSON is, for the Markdown's "left out" line (Markdown, program text). */
  fullPlanAt?: string;
  /** Credentials and fallbacks (`RESIM_TOKEN`, `RESIM_CLIENT_ID`/`RESIM_CLIENT_SECRET`, `RESIM_AUTH_URL`, `RESIM_URL`, `RESIM_PROJECT`). */
  env: NodeJS.ProcessEnv;
  /** Limit of each network call, ms (default 60,000). */
  timeoutMs?: number;
}

/** What a CI command found or did. */
export interface CiOutcome {
  command: CiCommand;
  /**
   * `no-changes`: the project matches the config; `changes`: a plan with changes (for `drift`:
   * the project drifted); `applied`: every call succeeded; `apply-failed`: some call failed;
   * `refused`: a guard refused the apply (nothing written); `invalid`: the config has errors
   * (nothing sent); `error`: no plan (credentials, API, file).
   */
  status: 'no-changes' | 'changes' | 'applied' | 'apply-failed' | 'refused' | 'invalid' | 'error';
  /** The plan has changes (before an apply: what it was to change). */
  hasChanges: boolean;
  exitCode: number;
  /** One line for people and the `summary` output, written with `escapeVisible` (never spans lines). */
  summary: string;
  /** The comment or summary body (marker line first when there is a project). */
  markdown: string;
  /** The plan JSON with its config fingerprint, when a plan was made. */
  plan?: PlanJson;
  /** The config's problems (and the plan's), for annotations; 1-based positions. */
  problems: Problem[];
  /** A stable code when `status` is `error` or `refused` (an API problem's, a refusal's, `not-signed-in`, `bad-input`). */
  code?: string;
  apply?: ApplyResult;
}

const TITLES: Record<CiCommand, string> = { plan: 'ReSim sync plan', apply: 'ReSim sync apply', drift: 'ReSim drift check' };

function problemList(problems: Problem[]): string[] {
  return problems.map(
    (p) => `- ${p.line ? `line ${p.line}, column ${p.column ?? 1}: ` : ''}${mdCode(p.message, MAX_MESSAGE_CHARS)} (${mdCode(p.code)})`,
  );
}

function failure(
  o: CiOptions,
  status: 'error' | 'refused' | 'invalid',
  code: string,
  message: string,
  extra: Partial<CiOutcome> = {},
): CiOutcome {
  const label = o.configLabel ?? o.configFile;
  const lines = [
    planMarker(extra.plan?.project.id ?? '', label),
    `## ${TITLES[o.command]}: ${status === 'refused' ? 'refused' : status === 'invalid' ? 'the config has errors' : 'failed'}`,
    '',
    `Config ${mdCode(label)}`,
    '',
    `> [!CAUTION]`,
    `> ${mdCode(message, MAX_MESSAGE_CHARS)}`,
    '',
    ...(extra.problems?.length ? [...problemList(extra.problems.filter((p) => p.severity === 'error')), ''] : []),
    status === 'refused' ? 'Nothing was changed.' : 'Nothing was sent to ReSim by this step.',
  ];
  return {
    command: o.command,
    status,
    hasChanges: extra.hasChanges ?? false,
    exitCode: status === 'refused' ? CI_EXIT.refused : CI_EXIT.error,
    summary: escapeVisible(message),
    markdown: lines.join('\n') + '\n',
    problems: extra.problems ?? [],
    code,
    ...extra,
  };
}

/** Runs one CI command; resolves to its outcome (never rejects). */
export async function runCi(o: CiOptions): Promise<CiOutcome> {
  const label = o.configLabel ?? o.configFile;
  let problems: Problem[] = [];
  try {
    const { text, diagnostics } = decodeConfigBytes(
      readFileBounded(o.configFile, { maxBytes: MAX_CONFIG_BYTES, expects: 'the experience config must be a YAML file' }),
    );
    const loaded = withDiagnostics(loadConfig(text, { fast: true }), diagnostics);
    problems = collectProblems(loaded);
    if (!loaded.ok) {
      const n = problems.filter((p) => p.severity === 'error').length;
      return failure(o, 'invalid', 'config-errors', `${label} has ${n} error${n === 1 ? '' : 's'}.`, { problems });
    }
    const ref = resolveProjectRef(o.project, o.env, loaded.projectComment);
    if (!ref)
      return failure(
        o,
        'error',
        'bad-input',
        'No project: set the `project` input (or RESIM_PROJECT, or a `# resim-project:` first line).',
        {
          problems,
        },
      );
    const auth = resolveCredentials({ timeoutMs: o.timeoutMs ?? 60_000 }, { env: o.env });
    if (!auth) return failure(o, 'error', 'not-signed-in', `No ReSim credentials. ${NO_CREDENTIALS_HINT}`, { problems });
    const apiUrl = resolveApiUrl(o.apiUrl, o.env);
    const api = createResimClient({ apiUrl, auth, timeoutMs: o.timeoutMs ?? 60_000 });
    let state;
    try {
      state = await readProject(api, ref);
    } catch (err) {
      const p = apiProblem(err, apiUrl);
      return failure(o, 'error', p.code, err instanceof ApiError && p.code !== 'not-resim-api' ? err.message : p.message, { problems });
    }
    const archiveUnlisted = o.archiveUnlisted ?? true;
    const plan = computePlan(loaded.config, state, { archiveUnlisted });
    problems = collectProblems(loaded, plan.errors, plan.notices);
    const json = planToJson(plan, { configFingerprint: fingerprintConfig(loaded.config, archiveUnlisted) });
    if (plan.errors.length) {
      const n = plan.errors.length;
      return failure(
        o,
        'invalid',
        'config-errors',
        `${label} has ${n} error${n === 1 ? '' : 's'} against project "${plan.project.name}".`,
        {
          problems,
          plan: json,
        },
      );
    }
    const hasChanges = planHasChanges(plan);
    const md = (notes?: string[]) =>
      renderPlanMarkdown(json, { configFile: label, title: TITLES[o.command], fullPlanAt: o.fullPlanAt, notes });
    if (o.command !== 'apply' || !hasChanges) {
      const drifted = o.command === 'drift' && hasChanges;
      const summary = !hasChanges
        ? `No changes: project "${plan.project.name}" matches ${label}.`
        : drifted
          ? `Drift: project "${plan.project.name}" differs from ${label}: ${formatSummary(json.summary)}.`
          : `Plan for project "${plan.project.name}": ${formatSummary(json.summary)}.`;
      return {
        command: o.command,
        status: hasChanges ? 'changes' : 'no-changes',
        hasChanges,
        exitCode: drifted ? CI_EXIT.drifted : CI_EXIT.ok,
        summary: escapeVisible(summary),
        markdown: md(
          drifted
            ? [
                '> [!WARNING]',
                '> **Drift.** The project differs from the config on the default branch: the plan below would bring it back.',
              ]
            : undefined,
        ),
        plan: json,
        problems,
      };
    }
    try {
      assertApplicable(plan, { allowMassArchive: o.allowMassArchive }, loaded.config);
    } catch (err) {
      if (err instanceof PlanRefusedError)
        return {
          ...failure(o, 'refused', err.code, err.message, { problems, plan: json, hasChanges }),
          markdown: md(['> [!CAUTION]', `> **Refused; nothing was changed.** ${mdCode(err.message, MAX_MESSAGE_CHARS)}`]),
        };
      throw err;
    }
    const result = await applyPlan(api, plan);
    const failed = result.calls.filter((c) => !c.ok);
    const okCount = result.calls.length - failed.length;
    const notes = failed.length
      ? [
          '> [!CAUTION]',
          `> **Apply finished with ${failed.length} failed call${failed.length === 1 ? '' : 's'}** (${okCount} succeeded). Run the apply again: it plans only what is still missing.`,
          '',
          ...failed.map(
            (c) => `- ${mdCode(c.operation)} ${mdCode(c.target)}: ${mdCode(String(c.error ?? (c.skipped ? 'skipped' : 'failed')))}`,
          ),
        ]
      : [`**Applied:** ${okCount} call${okCount === 1 ? '' : 's'} succeeded.`];
    return {
      command: 'apply',
      status: failed.length ? 'apply-failed' : 'applied',
      hasChanges,
      exitCode: failed.length ? CI_EXIT.error : CI_EXIT.ok,
      summary: escapeVisible(
        failed.length
          ? `Apply to project "${plan.project.name}" finished with ${failed.length} failed call(s) (${okCount} succeeded).`
          : `Applied to project "${plan.project.name}": ${okCount} call(s) succeeded.`,
      ),
      markdown: md(notes),
      plan: json,
      problems,
      apply: result,
    };
  } catch (err) {
    if (err instanceof UserError) return failure(o, 'error', 'bad-input', err.message, { problems });
    const message = err instanceof Error ? err.message : String(err);
    return failure(o, 'error', 'internal-error', `Unexpected error: ${message}`, { problems });
  }
}
