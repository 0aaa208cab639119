/**
 * The engine's own data: the project state (what ingest reads) and the plan (what a sync would
 * change). The API models are in server/src/resim/model.ts, the config model in
 * server/src/config/model.ts, the plan's JSON form in protocol/plan.ts. Plain data: no functions,
 * no classes, safe to `JSON.stringify`.
 */
import type { DiagnosticCode, ExperienceAction, FieldChange, PlanSummary, UndoOf } from '../../../protocol';
import type { ConfigPath } from '../config/model';
import type { CreateExperienceInput, Experience, ExperienceField, TestSuite, UpdateExperienceFields } from '../resim/model';

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
// The plan (its JSON form: docs/plan-format.md, protocol/plan.ts)
// ---------------------------------------------------------------------------------------------

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
  /** Only in an undo plan (docs/undo.md): names and IDs of experiences the system is removed from. */
  remove?: string[];
  removeIDs?: string[];
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

/** A problem that prevents applying, attached to the offending config node. */
export interface PlanError {
  /** A stable diagnostic code (docs/diagnostics.md). */
  code: DiagnosticCode;
  message: string;
  path: ConfigPath;
  /** Other places involved (e.g. the first of two duplicates). */
  related?: { path: ConfigPath; message: string }[];
}

/** A note that does not block apply (e.g. `will-restore`, `unmanaged-tag`). */
export interface PlanNotice {
  code: DiagnosticCode;
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
  /** An undo plan's record and conflicts (server/src/sync/undo.ts); absent on a sync plan. */
  undo?: UndoOf;
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
