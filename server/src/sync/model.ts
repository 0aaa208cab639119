/**
 * The data model shared by every piece: the sync config (what the user writes), the project
 * state (what ReSim holds), and the plan (what a sync would change).
 *
 * Shapes follow `shared/resim-api.md` (the ReSim API models and the experience sync config
 * that the resim CLI reads) and `shared/DESIGN.md` (the plan JSON). Everything here is plain
 * data: no functions, no classes, safe to `JSON.stringify`.
 */

// ---------------------------------------------------------------------------------------------
// API models (resim-api.md, "Models")
// ---------------------------------------------------------------------------------------------

/** `{name, value}` pair of an experience's environment; order is significant. */
export interface EnvironmentVariable {
  name: string;
  value: string;
}

/** ReSim custom field. Names are case-insensitive; an update replaces the whole list. */
export interface CustomField {
  name: string;
  type: 'text' | 'number' | 'timestamp' | 'json';
  values: string[];
}

/** A ReSim project (`GET /projects`). */
export interface Project {
  projectID: string;
  name: string;
  description?: string;
  archived?: boolean;
  orgID?: string;
  creationTimestamp?: string;
}

/** A ReSim experience as the API returns it (`ListExperiences` with `includeCustomFields=true`). */
export interface Experience {
  experienceID: string;
  projectID?: string;
  name: string;
  description: string;
  locations: string[];
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  archived: boolean;
  creationTimestamp?: string;
  updateTimestamp?: string;
  userID?: string;
  orgID?: string;
}

/** `CreateExperienceInput` (POST /projects/{projectID}/experiences). */
export interface CreateExperienceInput {
  name: string;
  description: string;
  locations?: string[];
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  experienceTagIDs?: string[];
  systemIDs?: string[];
}

/** Field names that `UpdateExperience`'s `updateMask` accepts (resim-api.md). */
export type ExperienceField =
  | 'name'
  | 'description'
  | 'locations'
  | 'profile'
  | 'environmentVariables'
  | 'cacheExempt'
  | 'containerTimeoutSeconds'
  | 'customFields';

/** `UpdateExperienceFields`: all optional; only those named in the mask change. */
export type UpdateExperienceFields = Partial<Pick<Experience, ExperienceField>>;

export interface ExperienceTag {
  experienceTagID: string;
  name: string;
  description?: string;
  projectID?: string;
}

export interface System {
  systemID: string;
  name: string;
  description?: string;
  archived?: boolean;
  projectID?: string;
}

export interface TestSuite {
  testSuiteID: string;
  name: string;
  description?: string;
  systemID?: string;
  /** Experience IDs of the current revision. */
  experiences: string[];
  testSuiteRevision?: number;
  archived?: boolean;
  projectID?: string;
}

// ---------------------------------------------------------------------------------------------
// The sync config (resim-api.md, "The experience sync config"), normalised to camelCase
// ---------------------------------------------------------------------------------------------

/**
 * One entry of `experiences:`. `name`, `description` and `locations` are required by the schema;
 * a loaded config may still hold entries that failed validation, so the engine never trusts
 * more than the types below say. Optional fields that are absent (`undefined`) are left alone
 * by sync (DESIGN.md, "Omitted optional fields are left alone"); an explicit `[]` clears.
 */
export interface ConfigExperience {
  name: string;
  description: string;
  locations: string[];
  experienceID?: string;
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  tags?: string[];
  systems?: string[];
  archived?: boolean;
}

export interface ConfigTestSuite {
  name: string;
  /** Experience names (as in `experiences[].name`). */
  experiences: string[];
}

/** The whole config. Missing top-level lists are empty lists. */
export interface SyncConfig {
  experiences: ConfigExperience[];
  managedTestSuites: ConfigTestSuite[];
  managedExperienceTags: string[];
}

/**
 * A path into the config, as the engine reports problems: e.g. `['experiences', 3, 'tags', 1]`.
 * Keys are the canonical camelCase names; the config loader maps a path to a source range,
 * whichever spelling the file used.
 */
export type ConfigPath = ReadonlyArray<string | number>;

// ---------------------------------------------------------------------------------------------
// Project state (what ingest reads)
// ---------------------------------------------------------------------------------------------

/** A tag or system with the IDs of the experiences (archived ones too) that carry it. */
export interface MemberSet {
  id: string;
  name: string;
  experienceIDs: string[];
}

/**
 * Everything sync needs to know about one project. Produced by `ingest`, consumed by `plan`
 * and `clone`. `experiences` holds archived and unarchived experiences alike.
 */
export interface ProjectState {
  project: { id: string; name: string };
  experiences: Experience[];
  tags: MemberSet[];
  systems: MemberSet[];
  testSuites: TestSuite[];
  /** ISO time the state was read; not part of the fingerprint. */
  fetchedAt: string;
}

// ---------------------------------------------------------------------------------------------
// The plan (DESIGN.md, "--json on preview prints the plan")
// ---------------------------------------------------------------------------------------------

export type ExperienceAction = 'create' | 'update' | 'restore' | 'archive' | 'unchanged';

/** One field's change. `before` is `null` for a create. Values are JSON (strings, lists…). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface PlannedExperience {
  name: string;
  action: ExperienceAction;
  /** The live experience's ID; `null` for a create. */
  experienceID: string | null;
  matchedBy: 'name' | 'id' | null;
  /** Field diffs: for a restore or an update, the fields that change; for a create, every field set. */
  changes: FieldChange[];
  /** Index in `config.experiences`; absent for an archive. Not part of the CLI's JSON contract. */
  configIndex?: number;
  /** The live experience's name before a rename (matched by ID with a different name). */
  previousName?: string;
  /** A create of an `archived: true` entry: created, then archived (as the resim CLI does). */
  thenArchive?: true;
}

export interface PlannedTag {
  name: string;
  tagID: string;
  /** Names of existing experiences the tag is added to (creates carry their tags themselves). */
  add: string[];
  /** Names of experiences the tag is removed from (managed tags only). */
  remove: string[];
  /** IDs parallel to `add` / `remove`. */
  addIDs: string[];
  removeIDs: string[];
}

export interface PlannedSystem {
  name: string;
  systemID: string;
  add: string[];
  addIDs: string[];
}

export interface PlannedTestSuite {
  name: string;
  testSuiteID: string;
  /** Member names before (current revision) and after (the config's list). */
  before: string[];
  after: string[];
  /** False when membership already matches: no revision is made. */
  changed: boolean;
}

export interface PlanSummary {
  create: number;
  update: number;
  restore: number;
  archive: number;
  unchanged: number;
  tagAdditions: number;
  tagRemovals: number;
  systemAdditions: number;
  testSuiteRevisions: number;
}

/** A problem that prevents applying, attached to the offending config node. */
export interface PlanError {
  /** A stable diagnostic code of DESIGN.md ("unknown-tag", "name-taken", …). */
  code: string;
  message: string;
  path: ConfigPath;
  /** Other places involved (e.g. the first of two duplicates). */
  related?: { path: ConfigPath; message: string }[];
}

/** A note that does not block apply (e.g. `will-restore`, `unmanaged-tag`). */
export interface PlanNotice {
  code: string;
  message: string;
  path: ConfigPath;
  severity: 'warning' | 'information';
}

/**
 * The plan: computed only by `plan()` in `server/src/sync/plan.ts`, rendered by everyone else.
 * A plan with `errors` must not be applied.
 */
export interface Plan {
  project: { id: string; name: string };
  /** sha-256 (hex) of the state the plan was computed from (see `fingerprintState`). */
  stateFingerprint: string;
  /** Whether unlisted experiences are archived (`--no-archive` turns it off). */
  archiveUnlisted: boolean;
  summary: PlanSummary;
  experiences: PlannedExperience[];
  tags: PlannedTag[];
  systems: PlannedSystem[];
  testSuites: PlannedTestSuite[];
  warnings: string[];
  errors: PlanError[];
  notices: PlanNotice[];
  /** Mass-archive guard: archives ≥ max(10, 25% of active experiences), or every active one (`massArchiveTrips`). */
  massArchive: { tripped: boolean; archiveCount: number; activeCount: number; threshold: number };
  /** Creates as the API will receive them, keyed by experience name. */
  createInputs: Record<string, CreateExperienceInput>;
  /** Updates as the API will receive them, keyed by experience ID. */
  updateInputs: Record<string, { experience: UpdateExperienceFields; updateMask: ExperienceField[] }>;
  /** Test suites' new member IDs, keyed by test suite ID; new experiences are named `new:<name>`. */
  suiteMembers: Record<string, string[]>;
}
