/**
 * The custom requests and notifications between the VS Code client (client/src/) and the
 * language server (server/src/lsp/requests.ts), one namespace per message as vscode-eslint
 * declares its protocol: `method` plus the `Params` and `Result` types. Both sides import them
 * from here; other editors send the same methods (docs/editors.md, docs/api.md).
 */
import type { PlanJson } from './plan';
import { DIAGNOSTIC_SEVERITY, type DiagnosticCode } from './diagnostics';

/**
 * The prefix of the server's Error-level `window/logMessage` for a failure of its own (a handler
 * that threw, an uncaught exception). Anything else at Error level is not the server's bug.
 */
export const HANDLER_FAILURE_PREFIX = '[resim-language-server failure]';

/** An error that stops a plan (config error or live error); `line`/`column` are 1-based. */
export interface PreviewError {
  code: DiagnosticCode;
  /** With `state-unavailable`: the server's stable reason (`not-signed-in`, `credentials-refused`, `not-resim-api`, …). */
  reason?: string;
  message: string;
  line: number;
  column: number;
}

/**
 * The errors of a preview that Problems lists as errors (severity `error` in `DIAGNOSTIC_SEVERITY`):
 * the one count the plan view, the status bar and messages give. `state-unavailable` (a warning
 * there) says why there is no plan; it is not one of the file's errors.
 */
export function configErrors(errors: readonly PreviewError[] | undefined): PreviewError[] {
  return (errors ?? []).filter((e) => DIAGNOSTIC_SEVERITY[e.code] === 'error');
}

/**
 * `resim/preview` result: the plan JSON with both fingerprints and `stateFetchedAt`; `plan` is
 * null when no plan could be made (the state could not be read, the file has errors…).
 */
export interface PreviewResult {
  plan: PlanJson | null;
  errors?: PreviewError[];
}

/** The two fingerprints that bind an apply to the plan the user saw (a plan is a contract). */
export interface PlanBinding {
  stateFingerprint: string;
  configFingerprint: string;
}

/** One API call of an apply, as the result lists it. */
export interface ApplyCall {
  /** API operation name, e.g. "CreateExperience" (docs/api.md). */
  operation: string;
  /** What it was about, e.g. an experience or suite name. */
  target: string;
  ok: boolean;
  error?: string;
  /** Not sent: a call it depended on failed (e.g. a suite whose new member was not created). */
  skipped?: boolean;
}

/** What an apply did. `failures` counts the calls with `ok: false`. */
export interface ApplyResult {
  ok: boolean;
  calls: ApplyCall[];
  failures: number;
  /** Experience IDs by config name, for every experience the plan keeps (matched and created). */
  experienceIDs: Record<string, string>;
  /** True when the apply was cancelled before every call ran. */
  cancelled: boolean;
}

/** `error` of an apply call not made because the apply was cancelled before it was sent. */
export const CANCELLED_CALL = 'cancelled';

/**
 * How a cancelled apply ended, as the notification, the plan view and the CLI say it:
 * "80 made, 5920 not made (cancelled)", plus ", 2 failed" when calls that were made failed and
 * ", 1 not made (…)" for calls left out for another reason. Counts come from `result.calls`.
 */
export function cancelledApplyLine(result: Pick<ApplyResult, 'calls'>): string {
  let made = 0;
  let notMade = 0;
  let failed = 0;
  let other = 0;
  for (const c of result.calls) {
    if (c.ok) made++;
    else if (c.skipped && c.error === CANCELLED_CALL) notMade++;
    else if (c.skipped) other++;
    else failed++;
  }
  return (
    `${made} made, ${notMade} not made (cancelled)` +
    (failed ? `, ${failed} failed` : '') +
    (other ? `, ${other} not made (a call they depend on failed)` : '')
  );
}

/**
 * Why a plan is not applied (`data.code` of a refused `resim/apply`; exit 3 of the CLI except
 * `config-errors`, exit 1): `config-errors` the config has errors; `stale-plan` the project or the
 * config changed since the preview; `incomplete-plan` the plan to apply lacks its state or config
 * fingerprint; `plan-mismatch` a saved plan's actions are not what its project and config give
 * (edited by hand); `mass-archive` the guard tripped without permission.
 */
export type PlanRefusal = 'config-errors' | 'stale-plan' | 'incomplete-plan' | 'plan-mismatch' | 'mass-archive';

/** `data.code` of a failed `resim/apply`: a refusal, or no project state to apply against. */
export type ApplyErrorCode = PlanRefusal | 'state-unavailable';

/** A project the credentials can see. */
export interface ProjectRef {
  id: string;
  name: string;
}

/**
 * `resim/preview` `{uri, fresh?}` → `PreviewResult`: the same JSON as `resim-sync preview --json`,
 * with both fingerprints. `fresh`: read the project again first unless the server's copy was read
 * in the last 2 s (the Preview Sync command); without it the cached state is used.
 */
export namespace PreviewRequest {
  export const method = 'resim/preview';
  export interface Params {
    uri: string;
    fresh?: boolean;
  }
  export type Result = PreviewResult;
}

/**
 * `resim/apply` → `ApplyResult`. Re-reads the state, re-plans the document as it is now, and
 * refuses with a ResponseError whose `data.code` is an `ApplyErrorCode`. Reports `$/progress` on
 * `workDoneToken`; `$/cancelRequest` aborts the API calls not yet made.
 */
export namespace ApplyRequest {
  export const method = 'resim/apply';
  export interface Params extends PlanBinding {
    uri: string;
    allowMassArchive?: boolean;
    workDoneToken?: string | number;
  }
  export type Result = ApplyResult;
  export type ErrorData = { code: ApplyErrorCode };
}

/** `resim/clone` `{project}` → `{text}`: the config text of the project (starts with `# resim-project:`). */
export namespace CloneRequest {
  export const method = 'resim/clone';
  export interface Params {
    project: string;
    uri?: string;
  }
  export interface Result {
    text: string;
  }
}

/** `resim/refreshState` `{uri?}` → when the state was read, and why it could not be (of the document's project, or of every project in use). */
export namespace RefreshStateRequest {
  export const method = 'resim/refreshState';
  export interface Params {
    uri?: string;
  }
  export interface Result {
    fetchedAt: string | null;
    problem: string | null;
  }
}

/** `resim/listProjects` → the unarchived projects the credentials can see. */
export namespace ListProjectsRequest {
  export const method = 'resim/listProjects';
  export type Params = void;
  export type Result = ProjectRef[];
}

/**
 * `resim/setCredentials` (client → server notification): the signed-in session's access token
 * (renewed by the extension). Never persisted by either side. `token` null: the server falls
 * back to what its environment gives (as the CLI does).
 */
export namespace SetCredentialsNotification {
  export const method = 'resim/setCredentials';
  export interface Params {
    apiUrl: string | null;
    token: string | null;
    clientId?: string;
    clientSecret?: string;
  }
}
