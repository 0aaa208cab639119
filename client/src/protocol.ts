/**
 * The custom requests and notifications between the extension client and the language server
 * (`server/src/server.ts`). Shapes follow DESIGN.md ("--json on preview prints the plan"); the
 * client reads them leniently because a server of another version may add fields.
 */
import type { FieldChange, PlanSummary } from '../../server/src/sync/model';

/** One experience of the plan JSON. */
export interface PlanJsonExperience {
  name: string;
  action: 'create' | 'update' | 'restore' | 'archive' | 'unchanged';
  experienceID: string | null;
  matchedBy: 'name' | 'id' | null;
  changes: FieldChange[];
  previousName?: string;
}

/** The mass-archive guard: archives ≥ max(10, 25% of active experiences), or every active experience. */
export interface MassArchive {
  tripped: boolean;
  archiveCount: number;
  activeCount: number;
  threshold: number;
}

/** The plan as `resim/preview` returns it: the CLI's `--json` plan plus the state's age. */
export interface PlanJson {
  project: { id: string; name: string };
  stateFingerprint: string;
  /** sha-256 of the document's config (and archiveUnlisted) the plan was computed from; `resim/apply` needs it back. */
  configFingerprint?: string;
  /** ISO time the project state was read. */
  stateFetchedAt?: string;
  summary: PlanSummary;
  experiences: PlanJsonExperience[];
  tags: { name: string; add: string[]; remove: string[] }[];
  systems: { name: string; add: string[] }[];
  testSuites: { name: string; before: string[]; after: string[]; changed: boolean }[];
  warnings: string[];
  massArchive?: MassArchive;
}

/** An error that stops a plan (config error or live error); `line`/`column` are 1-based. */
export interface PreviewError {
  code: string;
  /** With `state-unavailable`: the server's stable reason (`not-signed-in`, `credentials-refused`, `not-resim-api`, …). */
  reason?: string;
  message: string;
  line?: number;
  column?: number;
}

/** `resim/preview` {uri} → this. `plan` is absent when the state could not be read. */
export interface PreviewResult {
  plan?: PlanJson | null;
  errors?: PreviewError[];
}

/** One API call made by `resim/apply`. */
export interface ApplyCall {
  operation: string;
  target: string;
  ok: boolean;
  error?: string;
  /** Not made: the apply was cancelled first, or a call it depends on failed. */
  skipped?: boolean;
}

/** `resim/apply` result. `failures` counts the calls with `ok: false`. */
export interface ApplyResultJson {
  ok: boolean;
  calls: ApplyCall[];
  failures: number;
  /** True when the apply was cancelled before every call ran. */
  cancelled?: boolean;
}

/** `data.code` of a `resim/apply` ResponseError. */
export type ApplyErrorCode = 'stale-plan' | 'incomplete-plan' | 'mass-archive' | 'config-errors';

export const Requests = {
  preview: 'resim/preview',
  apply: 'resim/apply',
  clone: 'resim/clone',
  refreshState: 'resim/refreshState',
  listProjects: 'resim/listProjects',
} as const;

export const Notifications = {
  /** {apiUrl, token|null, clientId?, clientSecret?}: never persisted by either side. */
  setCredentials: 'resim/setCredentials',
} as const;

/** `fresh`: read the project again first unless the server's copy was read in the last 2 s. */
export interface PreviewParams { uri: string; fresh?: boolean }
/** The two fingerprints that bind an apply to the plan the user saw (a plan is a contract). */
export interface PlanBinding {
  stateFingerprint: string;
  configFingerprint: string;
}

export interface ApplyParams extends PlanBinding {
  uri: string;
  allowMassArchive?: boolean;
  workDoneToken?: string;
}
export interface CloneParams { project: string }
export interface CloneResult { text: string }
export interface RefreshStateParams { uri?: string }
export interface ProjectItem { id: string; name: string }

/**
 * Credentials for the server: the signed-in session's access token (renewed by the extension).
 * `token` null: the server falls back to what its environment gives (as the CLI does).
 */
export interface SetCredentialsParams {
  apiUrl: string | null;
  token: string | null;
  clientId?: string;
  clientSecret?: string;
}

/** True when the summary announces no write call at all ("No changes"). */
export function isNoOp(summary: PlanSummary): boolean {
  return (
    summary.create + summary.update + summary.restore + summary.archive +
    summary.tagAdditions + summary.tagRemovals + summary.systemAdditions + summary.testSuiteRevisions
  ) === 0;
}

/** The number of pending changes a summary announces (experiences, tags, systems, suites). */
export function changeCount(summary: PlanSummary): number {
  return summary.create + summary.update + summary.restore + summary.archive +
    summary.tagAdditions + summary.tagRemovals + summary.systemAdditions + summary.testSuiteRevisions;
}
