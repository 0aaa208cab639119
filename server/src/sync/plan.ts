/**
 * The plan: the one place that decides what a sync changes (docs/sync-rules.md).
 * Pure: no I/O, no clock. Every view (CLI text and JSON, diagnostics, hover, code lens,
 * webview) renders the `Plan` this returns.
 *
 * Rules (the design doc `seeds/experience-syncing-README.md` and the resim CLI's
 * `experiences.go`, `tags.go`, `systems.go`, `test_suites.go`, plus docs/sync-rules.md's additions):
 * - Matching, per config entry in file order: by name (archived experiences included); else by
 *   `experienceID` among the not-yet-matched; else new. IDs compare as UUIDs (`parseUUID`: any
 *   case, `urn:uuid:`, braces and 32-hex spellings are one ID), as the resim CLI decodes them.
 * - Unmatched, unarchived experiences are archived unless `archiveUnlisted` is false; a matched
 *   archived experience is restored (unless the entry says `archived: true`).
 * - An `archived: true` entry is archived (or left archived) and nothing else: its fields, tags
 *   and systems are ignored, as the reference does. A new one is created, then archived.
 * - Tags named on an entry must exist and are added; tags in `managedExperienceTags` are removed
 *   from the config's experiences that do not list them; unmanaged tags are never removed.
 * - Systems must exist and are added, never removed.
 * - Managed test suites must exist and are revised to exactly their listed experiences, only
 *   when membership differs. A member is an unarchived entry of the config or, with archiving
 *   off, an unarchived live experience the config does not list (the reference keeps those).
 * - Field-level diff: only changed fields go into the update mask; omitted optional fields are
 *   left alone; an explicit empty list clears.
 * docs/sync-rules.md has every rule, and each deliberate difference from the resim CLI.
 *
 * Static problems (duplicates, schema) are the config loader's (suite members not in the file are
 * only a warning there: whether they may stay depends on the archiving mode, so this reports them); this
 * function stays robust to them (it never throws) but reports only the live codes.
 */
import { closestName } from '../util/closest';
import { uuidKey } from '../util/uuid';
import { fingerprintState } from './fingerprint';
import { isNoOp, type FieldChange } from '../../../protocol';
import type { ConfigExperience, SyncConfig } from '../config/model';
import type {
  CreateExperienceInput,
  CustomField,
  EnvironmentVariable,
  Experience,
  ExperienceField,
  UpdateExperienceFields,
} from '../resim/model';
import type {
  MemberSet,
  Plan,
  PlanError,
  PlanNotice,
  PlannedExperience,
  PlannedSystem,
  PlannedTag,
  PlannedTestSuite,
  ProjectState,
} from './model';

export interface PlanOptions {
  /** Archive unarchived experiences the config does not list (the resim CLI's default: true). */
  archiveUnlisted: boolean;
}

/** Mass-archive guard threshold (docs/sync-rules.md): max(10, 25% of active experiences, rounded up). */
export function massArchiveThreshold(activeCount: number): number {
  return Math.max(10, Math.ceil(activeCount * 0.25));
}

/**
 * Whether a plan's archives trip the mass-archive guard: at least `massArchiveThreshold`, or
 * every active experience of the project (one or more), so a small project is covered too.
 */
export function massArchiveTrips(archiveCount: number, activeCount: number): boolean {
  return archiveCount >= massArchiveThreshold(activeCount) || (archiveCount > 0 && archiveCount >= activeCount);
}

/** Prefix of the placeholder IDs that `Plan.suiteMembers` uses for experiences created by the plan. */
export const NEW_ID_PREFIX = 'new:';

const isStr = (v: unknown): v is string => typeof v === 'string';
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isStr) : []);

/**
 * Whether two lists hold equal items in the same order (`same` compares one pair of items).
 * Order is significant for locations, environment variables and custom-field values (docs/api.md).
 */
function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]));
}

const sameString = (a: string, b: string) => a === b;

/** An environment variable as compared: name and value only (the API may add nothing else). */
const sameEnv = (a: EnvironmentVariable, b: EnvironmentVariable) => a?.name === b?.name && a?.value === b?.value;

/** Custom fields keyed by lower-cased name (names are case-insensitive, docs/api.md), sorted by that key. */
function customFieldsByName(fields: readonly CustomField[]): { key: string; field: CustomField }[] {
  return fields
    .map((field) => ({ key: String(field?.name ?? '').toLowerCase(), field }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

const sameCustomFields = (a: readonly CustomField[], b: readonly CustomField[]) =>
  sameList(
    customFieldsByName(a),
    customFieldsByName(b),
    (x, y) => x.key === y.key && x.field?.type === y.field?.type && sameList(x.field?.values ?? [], y.field?.values ?? [], sameString),
  );

/**
 * Whether an entry's value of one updatable field equals the live one: `want` is the config's
 * value (the entry sets the field; an omitted optional field is left alone and never compared),
 * `have` the live one, an absent live value reading as the API's zero ('' / [] / false / 0).
 */
type SameValue<F extends ExperienceField> = (want: NonNullable<ConfigExperience[F]>, have: Experience[F] | undefined) => boolean;

/**
 * The experience fields sync updates, in update-mask order (docs/sync-rules.md, "Fields"), each
 * with its comparison: the one table that `fieldDiff`, `createInput` and `createChanges` read.
 * The name is compared too: equal for an entry matched by name, different for a rename.
 * Tag and system membership are not `UpdateExperience` fields: `planExperiences` diffs them.
 */
export const EXPERIENCE_FIELDS: { readonly [F in ExperienceField]: SameValue<F> } = {
  name: (want, have) => want === have,
  description: (want, have) => want === (have ?? ''),
  locations: (want, have) => sameList(want, have ?? [], sameString),
  profile: (want, have) => want === (have ?? ''),
  environmentVariables: (want, have) => sameList(want, have ?? [], sameEnv),
  cacheExempt: (want, have) => want === (have ?? false),
  containerTimeoutSeconds: (want, have) => want === (have ?? 0),
  customFields: (want, have) => sameCustomFields(want, have ?? []),
};

/** Config values as the API holds them, for comparing: absent optional values read as their zero. */
export function normalizeFieldValue(field: ExperienceField, value: unknown): unknown {
  switch (field) {
    case 'profile':
    case 'description':
    case 'name':
      return value ?? '';
    case 'locations':
      return value ?? [];
    case 'environmentVariables':
      return ((value as { name: string; value: string }[] | undefined) ?? []).map((e) => ({ name: e?.name, value: e?.value }));
    case 'cacheExempt':
      return value ?? false;
    case 'containerTimeoutSeconds':
      return value ?? 0;
    case 'customFields':
      return [...((value as { name: string; type: string; values: string[] }[] | undefined) ?? [])]
        .map((f) => ({ name: String(f?.name ?? '').toLowerCase(), type: f?.type, values: f?.values ?? [] }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    default:
      return value;
  }
}

/**
 * Whether a recorded or config value of `field` equals the live one (either may be absent, read
 * as the API's zero): the table's comparison, for the history record and undo (sync/history.ts,
 * sync/undo.ts), so that undo's conflict rule and the plan compare values alike.
 */
export function sameFieldValue(field: ExperienceField, want: unknown, have: unknown): boolean {
  const same = EXPERIENCE_FIELDS[field] as (w: unknown, h: unknown) => boolean;
  return same(normalizeFieldValue(field, want), have);
}

/** The fields in update-mask order; those a create sets besides the name. */
export const FIELD_ORDER = Object.keys(EXPERIENCE_FIELDS) as ExperienceField[];
const CREATE_FIELDS = FIELD_ORDER.filter((f) => f !== 'name');

/**
 * Compares one field of an entry with the live experience: when the entry sets it and it differs,
 * records the change and puts the config's value in `update` and the field in `mask`.
 */
function diffField<F extends ExperienceField>(
  field: F,
  cfg: ConfigExperience,
  live: Experience,
  changes: FieldChange[],
  update: UpdateExperienceFields,
  mask: ExperienceField[],
): void {
  const want = cfg[field];
  if (want === undefined) return;
  const have = live[field];
  if (EXPERIENCE_FIELDS[field](want, have)) return;
  changes.push({ field, before: have ?? null, after: want });
  update[field] = want;
  mask.push(field);
}

/**
 * Appends the config's changes to `live` to `changes` (omitted optional fields are left alone);
 * returns the UpdateExperience body, or undefined when no API field changes.
 */
function fieldDiff(cfg: ConfigExperience, live: Experience, changes: FieldChange[]): Plan['updateInputs'][string] | undefined {
  const update: UpdateExperienceFields = {};
  const updateMask: ExperienceField[] = [];
  for (const field of FIELD_ORDER) diffField(field, cfg, live, changes, update, updateMask);
  return updateMask.length ? { experience: update, updateMask } : undefined;
}

/** Copies an optional field the entry sets into a create's input. */
function copyField<F extends ExperienceField>(field: F, cfg: ConfigExperience, input: UpdateExperienceFields): void {
  const v = cfg[field];
  if (v !== undefined) input[field] = v;
}

function createInput(cfg: ConfigExperience, tagIDs: string[], systemIDs: string[]): CreateExperienceInput {
  const input: CreateExperienceInput = { name: cfg.name, description: cfg.description ?? '', locations: cfg.locations ?? [] };
  for (const f of CREATE_FIELDS) copyField(f, cfg, input);
  if (tagIDs.length) input.experienceTagIDs = tagIDs;
  if (systemIDs.length) input.systemIDs = systemIDs;
  return input;
}

function createChanges(cfg: ConfigExperience): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of CREATE_FIELDS) {
    const v = cfg[f];
    if (v !== undefined) changes.push({ field: f, before: null, after: v });
  }
  const tags = strList(cfg.tags);
  if (tags.length) changes.push({ field: 'tags', before: null, after: tags });
  const systems = strList(cfg.systems);
  if (systems.length) changes.push({ field: 'systems', before: null, after: systems });
  return changes;
}

const quote = (s: string) => JSON.stringify(s);
const NONE: readonly string[] = [];
/** The IDs of an entry without tags or systems (shared: callers only read it). */
const NO_IDS: string[] = [];
/** Sorted names of tag or system IDs. */
const namesOf = (ids: readonly string[], names: Map<string, string>): string[] => ids.map((i) => names.get(i) ?? i).sort();

function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closestName(name, candidates);
  // Stryker disable next-line StringLiteral: message text
  return c ? ` Did you mean ${quote(c)}?` : '';
}

interface Match {
  index: number;
  cfg: ConfigExperience;
  live: Experience | null;
  matchedBy: 'name' | 'id' | null;
  /** Matching failed with an error: the name is taken by this entry, but nothing is planned for it. */
  failed?: boolean;
}

/** Lookups derived from a state. States are not mutated once read, so they are built once per state. */
interface StateIndex {
  byName: Map<string, Experience>;
  byID: Map<string, Experience>;
  tagByName: Map<string, MemberSet>;
  systemByName: Map<string, MemberSet>;
  suiteByName: Map<string, ProjectState['testSuites'][number]>;
  /** Experience ID → the IDs of its tags / systems (memberships inverted once, so that the work per
   * experience is proportional to its own tags, not to the project's). */
  /** Keyed by the experience object (identity hashing, no string compares on the hot path). */
  membershipOf: Map<Experience, { tags: string[]; systems: string[] }>;
  tagName: Map<string, string>;
  systemName: Map<string, string>;
  activeCount: number;
}

const stateIndexes = new WeakMap<ProjectState, StateIndex>();

function indexState(state: ProjectState): StateIndex {
  const cached = stateIndexes.get(state);
  if (cached) return cached;
  const byName = new Map<string, Experience>();
  const byID = new Map<string, Experience>();
  let activeCount = 0;
  for (const e of state.experiences) {
    byName.set(e.name, e);
    byID.set(uuidKey(e.experienceID), e);
    if (!e.archived) activeCount++;
  }
  const membershipOf = new Map<Experience, { tags: string[]; systems: string[] }>();
  const invert = (sets: MemberSet[], kind: 'tags' | 'systems') => {
    for (const s of sets) {
      for (const id of s.experienceIDs) {
        const e = byID.get(id);
        if (!e) continue; // a member the listings did not return: nothing to plan for it
        let m = membershipOf.get(e);
        if (!m) membershipOf.set(e, (m = { tags: [], systems: [] }));
        m[kind].push(s.id);
      }
    }
  };
  invert(state.tags, 'tags');
  invert(state.systems, 'systems');
  const index: StateIndex = {
    byName,
    byID,
    tagByName: new Map(state.tags.map((t) => [t.name, t])),
    systemByName: new Map(state.systems.map((s) => [s.name, s])),
    suiteByName: new Map(state.testSuites.map((s) => [s.name, s])),
    membershipOf,
    tagName: new Map(state.tags.map((t) => [t.id, t.name])),
    systemName: new Map(state.systems.map((s) => [s.id, s.name])),
    activeCount,
  };
  stateIndexes.set(state, index);
  return index;
}

/** What every step of `computePlan` reads and adds to: the inputs, and the problems found so far. */
interface PlanContext {
  config: SyncConfig;
  state: ProjectState;
  index: StateIndex;
  errors: PlanError[];
  notices: PlanNotice[];
  warnings: string[];
}

/** The config's entries matched to live experiences (step 1). */
interface Matching {
  matches: Match[];
  /** Config name → its match (the first entry of a name wins). */
  matchByName: Map<string, Match>;
  /** Live experience → the entry that matched it. Keyed by object: no string hashing. */
  matchOfLive: Map<Experience, Match>;
}

/**
 * Step 1, matching (docs/sync-rules.md, "Matching"): an entry matches the live experience of its
 * name, else the one of its `experienceID`; a name taken by another ID, an unknown ID and a live
 * experience matched twice are errors.
 */
function matchExperiences(ctx: PlanContext): Matching {
  const { config, state, errors } = ctx;
  const { byName, byID } = ctx.index;
  const matchOfLive = new Map<Experience, Match>();
  const matches: Match[] = [];
  const matchByName = new Map<string, Match>(); // config name -> its match (first entry wins)
  const record = (m: Match) => {
    matches.push(m);
    matchByName.set(m.cfg.name, m);
    if (m.live) matchOfLive.set(m.live, m);
  };
  const experiencesCfg = Array.isArray(config.experiences) ? config.experiences : [];
  experiencesCfg.forEach((cfg, index) => {
    if (!cfg || !isStr(cfg.name) || cfg.name === '' || matchByName.has(cfg.name)) return; // static problems
    const wantID = isStr(cfg.experienceID) && cfg.experienceID !== '' ? uuidKey(cfg.experienceID) : undefined;
    const named = byName.get(cfg.name);
    if (named) {
      if (wantID && wantID !== uuidKey(named.experienceID)) {
        const owner = byID.get(wantID);
        errors.push({
          code: 'name-taken',
          // Stryker disable StringLiteral: message text
          message:
            `Experience ${quote(cfg.name)} has experienceID ${wantID}` +
            (owner ? ` (now named ${quote(owner.name)})` : '') +
            `, but the name ${quote(cfg.name)} belongs to another experience (${named.experienceID}${named.archived ? ', archived' : ''}). ` +
            `Names are unique in a project, archived experiences included: choose another name, or remove the experienceID to update ${named.experienceID}.`,
          // Stryker restore StringLiteral
          path: ['experiences', index, 'name'],
        });
        matchByName.set(cfg.name, { index, cfg, live: null, matchedBy: null, failed: true });
        return;
      }
      const prior = matchOfLive.get(named)?.index;
      if (prior !== undefined) {
        errors.push({
          code: 'ambiguous-match',
          // Stryker disable next-line StringLiteral: message text
          message: `Experience ${quote(cfg.name)} matches ${named.experienceID} by name, but that experience is already matched by entry ${quote(experiencesCfg[prior].name)} (by experienceID). One live experience cannot be two entries: rename one of them.`,
          path: ['experiences', index, 'name'],
          related: [{ path: ['experiences', prior, 'experienceID'], message: 'already matched here' }],
        });
        matchByName.set(cfg.name, { index, cfg, live: null, matchedBy: null, failed: true });
        return;
      }
      record({ index, cfg, live: named, matchedBy: 'name' });
      return;
    }
    if (wantID) {
      const live = byID.get(wantID);
      if (!live) {
        errors.push({
          code: 'unknown-experience-id',
          // Stryker disable next-line StringLiteral: message text
          message: `No experience with ID ${wantID} in project ${quote(state.project.name)}. Remove the experienceID to create ${quote(cfg.name)} as a new experience, or correct the ID.`,
          path: ['experiences', index, 'experienceID'],
        });
        matchByName.set(cfg.name, { index, cfg, live: null, matchedBy: null, failed: true });
        return;
      }
      const prior = matchOfLive.get(live)?.index;
      if (prior !== undefined) {
        errors.push({
          code: 'ambiguous-match',
          // Stryker disable next-line StringLiteral: message text
          message: `experienceID ${wantID} (${quote(live.name)}) is already matched by entry ${quote(experiencesCfg[prior].name)}. One live experience cannot be two entries.`,
          path: ['experiences', index, 'experienceID'],
          related: [{ path: ['experiences', prior, 'name'], message: 'already matched here' }],
        });
        matchByName.set(cfg.name, { index, cfg, live: null, matchedBy: null, failed: true });
        return;
      }
      record({ index, cfg, live, matchedBy: 'id' });
      return;
    }
    record({ index, cfg, live: null, matchedBy: null });
  });

  return { matches, matchByName, matchOfLive };
}

/**
 * Step 2, references: the IDs of the tags or systems an entry names; a name the project lacks
 * is an error at its node (sync creates neither tags nor systems).
 */
function referencedIDs(ctx: PlanContext, m: Match, kind: 'tags' | 'systems'): string[] {
  const { state, errors } = ctx;
  const { tagByName, systemByName } = ctx.index;
  const names = m.cfg[kind];
  if (!Array.isArray(names) || names.length === 0) return NO_IDS;
  const ids: string[] = [];
  const known = kind === 'tags' ? tagByName : systemByName;
  for (let j = 0; j < names.length; j++) {
    const n = names[j];
    if (typeof n !== 'string') continue;
    const ref = known.get(n);
    if (ref) {
      if (!ids.includes(ref.id)) ids.push(ref.id);
      continue;
    }
    const what = kind === 'tags' ? 'Tag' : 'System';
    errors.push({
      code: kind === 'tags' ? 'unknown-tag' : 'unknown-system',
      // Stryker disable next-line StringLiteral: message text
      message: `${what} ${quote(n)} does not exist in project ${quote(state.project.name)}.${didYouMean(n, known.keys())} Sync does not create ${kind}: create it in ReSim first.`,
      path: ['experiences', m.index, kind, j],
    });
  }
  return ids;
}

/** Step 2, the managed tags' IDs; a managed tag the project lacks is an error. */
function managedTagIDsOf(ctx: PlanContext): Set<string> {
  const { config, state, errors } = ctx;
  const { tagByName } = ctx.index;
  const managedTagIDs = new Set<string>();
  strList(config.managedExperienceTags).forEach((t, k) => {
    const tag = tagByName.get(t);
    if (tag) managedTagIDs.add(tag.id);
    else
      errors.push({
        code: 'unknown-managed-tag',
        // Stryker disable next-line StringLiteral: message text
        message: `Managed tag ${quote(t)} does not exist in project ${quote(state.project.name)}.${didYouMean(t, tagByName.keys())}`,
        path: ['managedExperienceTags', k],
      });
  });
  return managedTagIDs;
}

/** Step 3's result: the experiences' actions, the API inputs, and the membership changes by tag/system ID. */
interface ExperiencePlan {
  planned: PlannedExperience[];
  createInputs: Plan['createInputs'];
  updateInputs: Plan['updateInputs'];
  /** Tag or system ID → IDs of the experiences it is added to / removed from. */
  tagAdds: Map<string, string[]>;
  tagRemoves: Map<string, string[]>;
  systemAdds: Map<string, string[]>;
}

/**
 * Step 3, each matched entry's action (create, update, restore, archive, unchanged), field diffs
 * and tag/system changes (docs/sync-rules.md, "Tags" and "Systems": listed tags are added, managed
 * tags not listed are removed, systems are only added).
 */
function planExperiences(ctx: PlanContext, { matches }: Matching, managedTagIDs: Set<string>): ExperiencePlan {
  const { notices } = ctx;
  const { membershipOf, tagName, systemName } = ctx.index;
  const planned: PlannedExperience[] = [];
  const createInputs: Plan['createInputs'] = {};
  const updateInputs: Plan['updateInputs'] = {};
  const tagAdds = new Map<string, string[]>(); // tagID -> experience IDs
  const tagRemoves = new Map<string, string[]>();
  const systemAdds = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };

  for (const m of matches) {
    // An `archived: true` entry: archived (or left archived), its fields, tags and systems ignored.
    const archivedEntry = m.cfg.archived === true;
    if (!m.live) {
      if (archivedEntry) {
        // The reference creates it (fields only), then archives it.
        createInputs[m.cfg.name] = createInput(m.cfg, NO_IDS, NO_IDS);
        const changes = createChanges(m.cfg).filter((c) => c.field !== 'tags' && c.field !== 'systems');
        planned.push({
          name: m.cfg.name,
          action: 'create',
          experienceID: null,
          matchedBy: null,
          changes,
          configIndex: m.index,
          thenArchive: true,
        });
        continue;
      }
      createInputs[m.cfg.name] = createInput(m.cfg, referencedIDs(ctx, m, 'tags'), referencedIDs(ctx, m, 'systems'));
      planned.push({
        name: m.cfg.name,
        action: 'create',
        experienceID: null,
        matchedBy: null,
        changes: createChanges(m.cfg),
        configIndex: m.index,
      });
      continue;
    }
    const live = m.live;
    if (archivedEntry) {
      // Not even a rename: the reference skips the update of an archived entry.
      planned.push({
        name: m.cfg.name,
        action: live.archived ? 'unchanged' : 'archive',
        experienceID: live.experienceID,
        matchedBy: m.matchedBy,
        changes: [],
        configIndex: m.index,
      });
      continue;
    }
    const tagIDs = referencedIDs(ctx, m, 'tags');
    const systemIDs = referencedIDs(ctx, m, 'systems');
    const changes: FieldChange[] = [];
    const update = fieldDiff(m.cfg, live, changes);
    if (update) updateInputs[live.experienceID] = update;

    // Tags: add listed ones, remove managed ones not listed. Names are only built for a change.
    const id = live.experienceID;
    const membership = membershipOf.get(live);
    const currentTags = membership?.tags ?? NONE;
    let tagsChange = false;
    for (const t of tagIDs) {
      if (!currentTags.includes(t)) {
        push(tagAdds, t, id);
        tagsChange = true;
      }
    }
    for (const t of currentTags) {
      if (managedTagIDs.has(t) && !tagIDs.includes(t)) {
        push(tagRemoves, t, id);
        tagsChange = true;
      }
    }
    if (tagsChange) {
      const after = currentTags.filter((t) => !managedTagIDs.has(t) || tagIDs.includes(t));
      for (const t of tagIDs) if (!after.includes(t)) after.push(t);
      changes.push({ field: 'tags', before: namesOf(currentTags, tagName), after: namesOf(after, tagName) });
    }
    const currentSystems = membership?.systems ?? NONE;
    const newSystems = systemIDs.filter((t) => !currentSystems.includes(t));
    if (newSystems.length) {
      for (const t of newSystems) push(systemAdds, t, id);
      changes.push({
        field: 'systems',
        before: namesOf(currentSystems, systemName),
        after: namesOf([...currentSystems, ...newSystems], systemName),
      });
    }

    let action: PlannedExperience['action'];
    if (live.archived) {
      action = 'restore';
      notices.push({
        code: 'will-restore',
        // Stryker disable next-line StringLiteral: message text
        message: `Experience ${quote(live.name)} (${live.experienceID}) is archived; sync will restore it.`,
        path: ['experiences', m.index, 'name'],
        severity: 'information',
      });
    } else action = changes.length ? 'update' : 'unchanged';
    const entry: PlannedExperience = {
      name: m.cfg.name,
      action,
      experienceID: live.experienceID,
      matchedBy: m.matchedBy,
      changes,
      configIndex: m.index,
    };
    if (live.name !== m.cfg.name) entry.previousName = live.name;
    planned.push(entry);
  }

  return { planned, createInputs, updateInputs, tagAdds, tagRemoves, systemAdds };
}

/** Step 4, unlisted experiences: archived when `archiveUnlisted` (a `will-archive` warning), else kept. */
function planUnlisted(ctx: PlanContext, { matchOfLive }: Matching, options: PlanOptions, planned: PlannedExperience[]): void {
  const { state, notices, warnings } = ctx;
  const unlisted = state.experiences.filter((e) => !e.archived && !matchOfLive.has(e)).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (options.archiveUnlisted) {
    for (const e of unlisted) planned.push({ name: e.name, action: 'archive', experienceID: e.experienceID, matchedBy: null, changes: [] });
    if (unlisted.length)
      notices.push({
        code: 'will-archive',
        // Stryker disable StringLiteral: message text
        message: `Sync will archive ${unlisted.length} experience${unlisted.length === 1 ? '' : 's'} of project ${quote(state.project.name)} that this file does not list: ${unlisted
          .slice(0, 5)
          .map((e) => quote(e.name))
          .join(', ')}${unlisted.length > 5 ? ', …' : ''}. Add them to the file, or turn archiving of unlisted experiences off.`,
        // Stryker restore StringLiteral
        path: ['experiences'],
        severity: 'warning',
      });
  } else if (unlisted.length) {
    // Stryker disable next-line StringLiteral: message text
    warnings.push(`${unlisted.length} experience${unlisted.length === 1 ? '' : 's'} not in the config kept (archiving is off).`);
  }
}

/** The name an experience ID will have after the sync (the config's name for a rename). */
function nameAfterSync(ctx: PlanContext, { matchOfLive }: Matching): (id: string) => string {
  const { byID } = ctx.index;
  return (id: string) => {
    const live = byID.get(id);
    if (!live) return id;
    return matchOfLive.get(live)?.cfg.name ?? live.name;
  };
}

/**
 * Step 5, managed test suites: each is revised to exactly the config's members when they differ
 * (new experiences are named `new:<name>` until created); unknown suites and archived members are errors.
 */
function planTestSuites(
  ctx: PlanContext,
  { matchByName, matchOfLive }: Matching,
  nameOfID: (id: string) => string,
  options: PlanOptions,
): { suites: PlannedTestSuite[]; suiteMembers: Plan['suiteMembers'] } {
  const { config, state, errors } = ctx;
  const { suiteByName, byName } = ctx.index;
  const suites: PlannedTestSuite[] = [];
  const suiteMembers: Plan['suiteMembers'] = {};
  const suitesCfg = Array.isArray(config.managedTestSuites) ? config.managedTestSuites : [];
  suitesCfg.forEach((s, k) => {
    if (!s || !isStr(s.name)) return;
    const live = suiteByName.get(s.name);
    if (!live) {
      errors.push({
        code: 'unknown-test-suite',
        // Stryker disable next-line StringLiteral: message text
        message: `Test suite ${quote(s.name)} does not exist in project ${quote(state.project.name)}.${didYouMean(s.name, suiteByName.keys())} Sync revises existing test suites; it does not create them.`,
        path: ['managedTestSuites', k, 'name'],
      });
      return;
    }
    const names = strList(s.experiences);
    const after: string[] = [];
    let ok = true;
    names.forEach((n, j) => {
      if (n === '') {
        ok = false; // an empty entry: the loader's "must not be empty" error is its one diagnostic
        return;
      }
      const m = matchByName.get(n);
      if (m?.cfg.archived === true) {
        errors.push({
          code: 'archived-experience-in-suite',
          // Stryker disable next-line StringLiteral: message text
          message: `Test suite ${quote(s.name)} lists ${quote(n)}, which the config marks archived: true. A test suite can only hold unarchived experiences.`,
          path: ['managedTestSuites', k, 'experiences', j],
        });
        ok = false;
        return;
      }
      if (m) {
        if (m.failed)
          ok = false; // an entry with errors: matching reports it
        else after.push(m.live ? m.live.experienceID : NEW_ID_PREFIX + n);
        return;
      }
      // Not in the config: with archiving off, an unarchived live experience stays and may be listed.
      const kept = byName.get(n);
      if (kept && !kept.archived && !matchOfLive.has(kept) && !options.archiveUnlisted) {
        after.push(kept.experienceID);
        return;
      }
      ok = false;
      errors.push({
        code: 'suite-experience-not-found',
        // Stryker disable StringLiteral: message text
        message:
          `Test suite ${quote(s.name)} lists ${quote(n)}, which is not under experiences in this file` +
          (kept && !kept.archived && !matchOfLive.has(kept)
            ? ` and which sync archives (archiving is on). Add ${quote(n)} under experiences, or turn archiving off (--no-archive / resim.archiveUnlisted) to keep it.`
            : ` nor an unarchived experience of project ${quote(state.project.name)}.${didYouMean(n, matchByName.keys())} Add it under experiences, or remove it from the suite.`),
        // Stryker restore StringLiteral
        path: ['managedTestSuites', k, 'experiences', j],
      });
    });
    if (!ok) return;
    const uniqueAfter = [...new Set(after)];
    const beforeSet = new Set(live.experiences);
    const changed = uniqueAfter.length !== beforeSet.size || uniqueAfter.some((id) => !beforeSet.has(id));
    if (changed) suiteMembers[live.testSuiteID] = uniqueAfter;
    // The config's names are the members after; an unchanged suite holds the same before.
    const afterNames = [...new Set(names)];
    suites.push({
      name: s.name,
      testSuiteID: live.testSuiteID,
      before: changed ? live.experiences.map(nameOfID) : afterNames,
      after: afterNames,
      changed,
    });
  });

  return { suites, suiteMembers };
}

/** Step 6, the tag and system changes by name, in the state's order. */
function planMemberships(
  ctx: PlanContext,
  e: ExperiencePlan,
  nameOfID: (id: string) => string,
): { tags: PlannedTag[]; systems: PlannedSystem[] } {
  const { state } = ctx;
  const { tagAdds, tagRemoves, systemAdds } = e;
  const tags: PlannedTag[] = state.tags
    .filter((t) => tagAdds.has(t.id) || tagRemoves.has(t.id))
    .map((t) => {
      const addIDs = tagAdds.get(t.id) ?? [];
      const removeIDs = tagRemoves.get(t.id) ?? [];
      return { name: t.name, tagID: t.id, add: addIDs.map(nameOfID), remove: removeIDs.map(nameOfID), addIDs, removeIDs };
    });
  const systems: PlannedSystem[] = state.systems
    .filter((s) => systemAdds.has(s.id))
    .map((s) => ({ name: s.name, systemID: s.id, add: systemAdds.get(s.id)!.map(nameOfID), addIDs: systemAdds.get(s.id)! }));

  return { tags, systems };
}

/**
 * Computes the plan that makes the project match the config (docs/sync-rules.md), in six steps:
 * matching, references, experiences, unlisted experiences, test suites, tags and systems.
 * @param config the normalised config (from `loadConfig`); entries that failed validation are
 *   skipped where they lack a name.
 * @param state the project's state (from `ingest`).
 * @returns the plan; `plan.errors` non-empty means it must not be applied.
 */
export function computePlan(config: SyncConfig, state: ProjectState, options: PlanOptions): Plan {
  const ctx: PlanContext = { config, state, index: indexState(state), errors: [], notices: [], warnings: [] };
  const { errors, notices, warnings } = ctx;
  const { activeCount } = ctx.index;
  const matching = matchExperiences(ctx);
  const managedTagIDs = managedTagIDsOf(ctx);
  const experiences = planExperiences(ctx, matching, managedTagIDs);
  const { planned, createInputs, updateInputs } = experiences;
  planUnlisted(ctx, matching, options, planned);
  const nameOfID = nameAfterSync(ctx, matching);
  const { suites, suiteMembers } = planTestSuites(ctx, matching, nameOfID, options);
  const { tags, systems } = planMemberships(ctx, experiences, nameOfID);

  const count = (a: PlannedExperience['action']) => planned.filter((p) => p.action === a).length;
  const archiveCount = count('archive');
  const threshold = massArchiveThreshold(activeCount);
  return {
    project: { ...state.project },
    stateFingerprint: fingerprintState(state),
    archiveUnlisted: options.archiveUnlisted,
    summary: {
      create: count('create'),
      update: count('update'),
      restore: count('restore'),
      archive: archiveCount,
      unchanged: count('unchanged'),
      tagAdditions: tags.reduce((n, t) => n + t.add.length, 0),
      tagRemovals: tags.reduce((n, t) => n + t.remove.length, 0),
      systemAdditions: systems.reduce((n, s) => n + s.add.length, 0),
      testSuiteRevisions: suites.filter((s) => s.changed).length,
    },
    experiences: planned,
    tags,
    systems,
    testSuites: suites,
    warnings,
    errors,
    notices,
    massArchive: { tripped: massArchiveTrips(archiveCount, activeCount), archiveCount, activeCount, threshold },
    createInputs,
    updateInputs,
    suiteMembers,
  };
}

/** True when applying the plan would make an API write (protocol `isNoOp`, the one rule). */
export function planHasChanges(plan: Plan): boolean {
  return !isNoOp(plan.summary);
}
