/**
 * The ReSim API endpoints that experience sync uses (docs/api.md, "Endpoints"),
 * emulated over `SandboxDb`: same paths, query parameters, bodies, status codes and response
 * shapes. Handlers are synchronous and run one at a time, so every request is atomic.
 *
 * Rules reproduced from the real API:
 * - list endpoints page with `pageSize` (clamped to 100; ListExperiences' `pageSizeUnbounded` is not) and opaque `nextPageToken`s;
 * - `archived` absent means unarchived only, like the API's default;
 * - `customFields` only with `includeCustomFields=true`;
 * - experience names are unique within a project, archived ones included (409);
 * - unknown project / experience / tag / system / suite IDs are 404, malformed IDs or bodies 400;
 * - archive, restore, tag and system removals are idempotent, adding a tag or system an
 *   experience already has is a no-op.
 */
import type { Experience, ExperienceTag, System, TestSuite } from '../server/src/resim/model';
import { ApiError, badRequest, conflict, notFound } from './errors';
import { decodePageToken, encodePageToken, lowerBound, parsePageSize, queryKey, scanPage } from './paging';
import { EXPERIENCE_DEFAULTS } from './seed';
import type { ProjectIndex, SandboxDb, StoredExperience, StoredTestSuite } from './store';
import {
  optBool,
  optCustomFields,
  optEnvironment,
  optInt32,
  optString,
  optStringList,
  optUUIDList,
  pathUUID,
  queryBool,
  queryOrderBy,
  queryString,
  requireObject,
  requireString,
  requireUUIDList,
  isUUID,
} from './validate';

/** One API request, after URL parsing and JSON decoding. */
export interface ApiRequest {
  method: string;
  /** Path segments after `/v1/`, e.g. `['projects', '<id>', 'experiences']`. */
  segments: string[];
  query: URLSearchParams;
  /** The decoded JSON body; undefined when the body was empty. */
  body: unknown;
}

/** The answer: `body` undefined means no body (204, or 201 of the add endpoints). */
export interface ApiResponse {
  status: number;
  body?: unknown;
  /** True when the request changed the store (the server then saves the data file). */
  wrote: boolean;
}

/** Context shared by the handlers of one request. */
interface Ctx {
  db: SandboxDb;
  req: ApiRequest;
  params: Record<string, string>;
  /** RFC 3339 time of this request. */
  now: string;
  newID: () => string;
}

type Handler = (ctx: Ctx) => ApiResponse;

/** A route of the table: `pattern` segments, `:name` for a path parameter. */
export interface Route {
  operation: string;
  method: string;
  pattern: string[];
  handler: Handler;
}

// ---------------------------------------------------------------------------------------------
// Output shapes
// ---------------------------------------------------------------------------------------------

/** An experience as the API returns it: without tag/system IDs, custom fields only when asked. */
export function experienceOut(e: StoredExperience, includeCustomFields: boolean): Experience {
  const out: Experience = {
    experienceID: e.experienceID,
    projectID: e.projectID,
    name: e.name,
    description: e.description,
    locations: e.locations.slice(),
    profile: e.profile,
    environmentVariables: e.environmentVariables.map((v) => ({ ...v })),
    cacheExempt: e.cacheExempt,
    containerTimeoutSeconds: e.containerTimeoutSeconds,
    archived: e.archived,
    creationTimestamp: e.creationTimestamp,
    updateTimestamp: e.updateTimestamp,
    userID: e.userID,
    orgID: e.orgID,
  };
  if (includeCustomFields) out.customFields = e.customFields.map((f) => ({ ...f, values: f.values.slice() }));
  return out;
}

/** A test suite as the API returns it (the current revision's members, no history). */
export function testSuiteOut(s: StoredTestSuite): TestSuite {
  const { revisions: _history, ...rest } = s;
  return { ...rest, experiences: s.experiences.slice() };
}

const ok = (body: unknown, status = 200, wrote = false): ApiResponse => ({ status, body, wrote });
const noBody = (status: number, wrote: boolean): ApiResponse => ({ status, wrote });

// ---------------------------------------------------------------------------------------------
// Lookups (400 for a malformed ID, 404 for an unknown one)
// ---------------------------------------------------------------------------------------------

function projectOf(ctx: Ctx): ProjectIndex {
  const id = pathUUID(ctx.params.projectID, 'projectID');
  const px = ctx.db.project(id);
  if (!px) throw notFound(`project ${id} not found`);
  return px;
}

function experienceOf(px: ProjectIndex, raw: string, what = 'experienceID'): StoredExperience {
  const id = pathUUID(raw, what);
  const e = px.experienceByID.get(id);
  if (!e) throw notFound(`experience ${id} not found in project ${px.project.projectID}`);
  return e;
}

function tagOf(px: ProjectIndex, raw: string): ExperienceTag {
  const id = pathUUID(raw, 'experienceTagID');
  const t = px.tagByID.get(id);
  if (!t) throw notFound(`experience tag ${id} not found in project ${px.project.projectID}`);
  return t;
}

function systemOf(px: ProjectIndex, raw: string, what = 'systemID'): System {
  const id = pathUUID(raw, what);
  const s = px.systemByID.get(id);
  if (!s) throw notFound(`system ${id} not found in project ${px.project.projectID}`);
  return s;
}

function suiteOf(px: ProjectIndex, raw: string): StoredTestSuite {
  const id = pathUUID(raw, 'testSuiteID');
  const s = px.suiteByID.get(id);
  if (!s) throw notFound(`test suite ${id} not found in project ${px.project.projectID}`);
  return s;
}

/** All of `ids` must name experiences of the project (404 for the first that does not). */
function experiencesByIDs(px: ProjectIndex, ids: string[], where: string): StoredExperience[] {
  return ids.map((id) => {
    const e = px.experienceByID.get(id);
    if (!e) throw notFound(`${where}: experience ${id} not found in project ${px.project.projectID}`);
    return e;
  });
}

function checkTagIDs(px: ProjectIndex, ids: string[], where: string): void {
  for (const id of ids)
    if (!px.tagByID.has(id)) throw notFound(`${where}: experience tag ${id} not found in project ${px.project.projectID}`);
}

function checkSystemIDs(px: ProjectIndex, ids: string[], where: string): void {
  for (const id of ids) if (!px.systemByID.has(id)) throw notFound(`${where}: system ${id} not found in project ${px.project.projectID}`);
}

// ---------------------------------------------------------------------------------------------
// Listing helpers
// ---------------------------------------------------------------------------------------------

/** Offset paging over a small, already filtered and sorted list. */
function pageOfList<T>(ctx: Ctx, keyParts: unknown[], items: readonly T[]): { page: T[]; nextPageToken: string } {
  const pageSize = parsePageSize(ctx.req.query);
  const key = queryKey(keyParts);
  const cursor = decodePageToken(ctx.req.query, key);
  if (cursor !== undefined && typeof cursor !== 'number') throw badRequest('pageToken is not a token this API issued');
  const start = cursor ?? 0;
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize < items.length ? encodePageToken(start + pageSize, key) : '';
  return { page, nextPageToken: next };
}

function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return items.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * One page of a project's experiences that pass `match`, in creation order or by name.
 * Cursors are positions in creation order (experiences are never deleted) or the next name,
 * so a full listing costs O(experiences) however many pages it takes.
 */
function pageOfExperiences(
  ctx: Ctx,
  px: ProjectIndex,
  keyParts: unknown[],
  match: (e: StoredExperience) => boolean,
  only?: StoredExperience[],
  unboundedPageSize = false,
): { page: StoredExperience[]; nextPageToken: string } {
  const order = queryOrderBy(ctx.req.query);
  const pageSize = parsePageSize(ctx.req.query, unboundedPageSize);
  const key = queryKey([...keyParts, order]);
  const cursor = decodePageToken(ctx.req.query, key);
  if (order === 'name') {
    const sorted = only ?? ctx.db.experiencesByName(px);
    if (cursor !== undefined && typeof cursor !== 'string') throw badRequest('pageToken is not a token this API issued');
    const start = cursor === undefined ? 0 : lowerBound(sorted, cursor, (e) => e.name);
    const { items, next } = scanPage(sorted, start, pageSize, match);
    return { page: items, nextPageToken: next === undefined ? '' : encodePageToken(sorted[next].name, key) };
  }
  const source = only ?? px.experiences;
  if (cursor !== undefined && (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0)) {
    throw badRequest('pageToken is not a token this API issued');
  }
  const start = cursor === undefined ? 0 : only ? cursor : Math.min(cursor, source.length);
  const { items, next } = scanPage(source, start, pageSize, match);
  return { page: items, nextPageToken: next === undefined ? '' : encodePageToken(next, key) };
}

/** Case-insensitive substring match on name or description (`text` / `search`). */
function textMatcher(text: string | undefined): ((x: { name: string; description?: string }) => boolean) | undefined {
  if (text === undefined) return undefined;
  const needle = text.toLowerCase();
  return (x) => x.name.toLowerCase().includes(needle) || (x.description ?? '').toLowerCase().includes(needle);
}

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

function listProjects(ctx: Ctx): ApiResponse {
  const order = queryOrderBy(ctx.req.query);
  const all = order === 'name' ? sortByName(ctx.db.store.projects) : ctx.db.store.projects;
  const { page, nextPageToken } = pageOfList(ctx, ['projects', order], all);
  return ok({ projects: page.map((p) => ({ ...p })), nextPageToken });
}

function getProject(ctx: Ctx): ApiResponse {
  return ok({ ...projectOf(ctx).project });
}

// ---------------------------------------------------------------------------------------------
// Experiences
// ---------------------------------------------------------------------------------------------

function listExperiences(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const q = ctx.req.query;
  const archived = queryBool(q, 'archived') ?? false;
  const includeCustomFields = queryBool(q, 'includeCustomFields') ?? false;
  const name = queryString(q, 'name');
  const text = queryString(q, 'text');
  const search = queryString(q, 'search');
  const textMatch = textMatcher(text);
  const searchMatch = textMatcher(search);
  const match = (e: StoredExperience): boolean =>
    e.archived === archived && (name === undefined || e.name === name) && (!textMatch || textMatch(e)) && (!searchMatch || searchMatch(e));
  // An exact name narrows the candidates to at most one experience: no scan.
  let only: StoredExperience[] | undefined;
  if (name !== undefined) {
    const e = px.experienceByName.get(name);
    only = e ? [e] : [];
  }
  const { page, nextPageToken } = pageOfExperiences(
    ctx,
    px,
    ['experiences', px.project.projectID, archived, name, text, search],
    match,
    only,
    true,
  );
  let total: number;
  if (only) total = only.filter(match).length;
  else if (textMatch || searchMatch) total = px.experiences.reduce((n, e) => n + (match(e) ? 1 : 0), 0);
  else total = archived ? px.archivedCount : px.experiences.length - px.archivedCount;
  return ok({ experiences: page.map((e) => experienceOut(e, includeCustomFields)), nextPageToken, total });
}

/** Experience fields of a create body or of `experience` in an update body, validated. */
interface ExperienceFields {
  name?: string;
  description?: string;
  locations?: string[];
  profile?: string;
  environmentVariables?: StoredExperience['environmentVariables'];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: StoredExperience['customFields'];
  experienceTagIDs?: string[];
  systemIDs?: string[];
}

function readExperienceFields(o: Record<string, unknown>, where: string): ExperienceFields {
  const name = optString(o.name, `${where}name`);
  if (name !== undefined && name.trim() === '') throw badRequest(`${where}name must not be empty`);
  return {
    name,
    description: optString(o.description, `${where}description`),
    locations: optStringList(o.locations, `${where}locations`),
    profile: optString(o.profile, `${where}profile`),
    environmentVariables: optEnvironment(o.environmentVariables, `${where}environmentVariables`),
    cacheExempt: optBool(o.cacheExempt, `${where}cacheExempt`),
    containerTimeoutSeconds: optInt32(o.containerTimeoutSeconds, `${where}containerTimeoutSeconds`),
    customFields: optCustomFields(o.customFields, `${where}customFields`),
    experienceTagIDs: optUUIDList(o.experienceTagIDs, `${where}experienceTagIDs`),
    systemIDs: optUUIDList(o.systemIDs, `${where}systemIDs`),
  };
}

function nameTaken(px: ProjectIndex, name: string, exceptID?: string): ApiError | undefined {
  const other = px.experienceByName.get(name);
  if (other && other.experienceID !== exceptID) {
    return conflict(
      `an experience named ${JSON.stringify(name)} already exists in this project (${other.experienceID}${other.archived ? ', archived' : ''})`,
    );
  }
  return undefined;
}

function createExperience(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const body = requireObject(ctx.req.body, 'request body');
  const f = readExperienceFields(body, '');
  const name = requireString(f.name, 'name', true);
  const description = requireString(f.description, 'description');
  const tagIDs = f.experienceTagIDs ?? [];
  const systemIDs = f.systemIDs ?? [];
  checkTagIDs(px, tagIDs, 'experienceTagIDs');
  checkSystemIDs(px, systemIDs, 'systemIDs');
  const taken = nameTaken(px, name);
  if (taken) throw taken;
  const e: StoredExperience = {
    experienceID: ctx.newID(),
    projectID: px.project.projectID,
    name,
    description,
    locations: f.locations ?? [],
    profile: f.profile ?? EXPERIENCE_DEFAULTS.profile,
    environmentVariables: f.environmentVariables ?? [],
    cacheExempt: f.cacheExempt ?? EXPERIENCE_DEFAULTS.cacheExempt,
    containerTimeoutSeconds: f.containerTimeoutSeconds ?? EXPERIENCE_DEFAULTS.containerTimeoutSeconds,
    customFields: f.customFields ?? [],
    archived: false,
    creationTimestamp: ctx.now,
    updateTimestamp: ctx.now,
    userID: ctx.db.store.userID,
    orgID: ctx.db.store.orgID,
    experienceTagIDs: tagIDs,
    systemIDs,
  };
  ctx.db.addExperience(px, e);
  return ok(experienceOut(e, true), 201, true);
}

/** Field names `updateMask` accepts (docs/api.md, "UpdateExperienceFields"). */
export const UPDATE_MASK_FIELDS = [
  'name',
  'description',
  'locations',
  'profile',
  'environmentVariables',
  'cacheExempt',
  'containerTimeoutSeconds',
  'customFields',
  'experienceTagIDs',
  'systemIDs',
] as const;
type MaskField = (typeof UPDATE_MASK_FIELDS)[number];

function updateExperience(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const e = experienceOf(px, ctx.params.experienceID);
  const body = requireObject(ctx.req.body, 'request body');
  const fieldsRaw = requireObject(body.experience, 'experience');
  const mask = optStringList(body.updateMask, 'updateMask');
  if (!mask) throw badRequest('updateMask is required: the list of fields to change');
  const f = readExperienceFields(fieldsRaw, 'experience.');
  const fields = new Set<MaskField>();
  for (const [i, m] of mask.entries()) {
    if (!(UPDATE_MASK_FIELDS as readonly string[]).includes(m)) {
      throw badRequest(`updateMask[${i}]: unknown field ${JSON.stringify(m)} (one of ${UPDATE_MASK_FIELDS.join(', ')})`);
    }
    if (f[m as MaskField] === undefined) throw badRequest(`updateMask names ${JSON.stringify(m)} but experience.${m} is missing`);
    fields.add(m as MaskField);
  }
  if (fields.has('name')) {
    const taken = nameTaken(px, f.name!, e.experienceID);
    if (taken) throw taken;
  }
  if (fields.has('experienceTagIDs')) checkTagIDs(px, f.experienceTagIDs!, 'experience.experienceTagIDs');
  if (fields.has('systemIDs')) checkSystemIDs(px, f.systemIDs!, 'experience.systemIDs');
  if (fields.size === 0) return ok(experienceOut(e, true));
  for (const field of fields) {
    switch (field) {
      case 'name':
        ctx.db.renameExperience(px, e, f.name!);
        break;
      case 'description':
        e.description = f.description!;
        break;
      case 'locations':
        e.locations = f.locations!;
        break;
      case 'profile':
        e.profile = f.profile!;
        break;
      case 'environmentVariables':
        e.environmentVariables = f.environmentVariables!;
        break;
      case 'cacheExempt':
        e.cacheExempt = f.cacheExempt!;
        break;
      case 'containerTimeoutSeconds':
        e.containerTimeoutSeconds = f.containerTimeoutSeconds!;
        break;
      case 'customFields':
        e.customFields = f.customFields!;
        break;
      case 'experienceTagIDs':
        e.experienceTagIDs = f.experienceTagIDs!;
        break;
      case 'systemIDs':
        e.systemIDs = f.systemIDs!;
        break;
    }
  }
  e.updateTimestamp = ctx.now;
  return ok(experienceOut(e, true), 200, true);
}

function archiveExperience(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const e = experienceOf(px, ctx.params.experienceID);
  const changed = ctx.db.setArchived(px, e, true);
  if (changed) e.updateTimestamp = ctx.now;
  return noBody(204, changed);
}

function restoreExperience(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const e = experienceOf(px, ctx.params.experienceID);
  const changed = ctx.db.setArchived(px, e, false);
  if (changed) e.updateTimestamp = ctx.now;
  return noBody(204, changed);
}

/** Archives every listed experience (all or none: an unknown ID is a 404); answers how many it archived. */
function bulkArchiveExperiences(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const body = requireObject(ctx.req.body, 'request body');
  const ids = requireUUIDList(body.experienceIDs, 'experienceIDs');
  const list = experiencesByIDs(px, ids, 'experienceIDs');
  let count = 0;
  for (const e of list) {
    if (ctx.db.setArchived(px, e, true)) {
      e.updateTimestamp = ctx.now;
      count++;
    }
  }
  return ok(count, 200, count > 0);
}

// ---------------------------------------------------------------------------------------------
// Experience tags
// ---------------------------------------------------------------------------------------------

function listExperienceTags(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const name = queryString(ctx.req.query, 'name');
  const order = queryOrderBy(ctx.req.query);
  let tags: ExperienceTag[] = name === undefined ? px.tags : px.tags.filter((t) => t.name === name);
  if (order === 'name') tags = sortByName(tags);
  const { page, nextPageToken } = pageOfList(ctx, ['experienceTags', px.project.projectID, name, order], tags);
  return ok({ experienceTags: page.map((t) => ({ ...t })), nextPageToken });
}

function createExperienceTag(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const body = requireObject(ctx.req.body, 'request body');
  const name = requireString(body.name, 'name', true);
  const description = optString(body.description, 'description') ?? '';
  if (px.tagByName.has(name)) throw conflict(`an experience tag named ${JSON.stringify(name)} already exists in this project`);
  const tag: ExperienceTag = { experienceTagID: ctx.newID(), name, description, projectID: px.project.projectID };
  ctx.db.addTag(px, tag);
  return ok({ ...tag }, 201, true);
}

function listExperiencesWithTag(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const tag = tagOf(px, ctx.params.experienceTagID);
  const archived = queryBool(ctx.req.query, 'archived') ?? false;
  const id = tag.experienceTagID;
  const { page, nextPageToken } = pageOfExperiences(
    ctx,
    px,
    ['tagExperiences', px.project.projectID, id, archived],
    (e) => e.archived === archived && e.experienceTagIDs.includes(id),
    ctx.db.membersOf(px, 'tag', id),
  );
  return ok({ experiences: page.map((e) => experienceOut(e, false)), nextPageToken });
}

function addTagsToExperiences(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const body = requireObject(ctx.req.body, 'request body');
  const tagIDs = requireUUIDList(body.experienceTagIDs, 'experienceTagIDs');
  const expIDs = requireUUIDList(body.experiences, 'experiences');
  checkTagIDs(px, tagIDs, 'experienceTagIDs');
  const list = experiencesByIDs(px, expIDs, 'experiences');
  let wrote = false;
  for (const e of list) {
    for (const t of tagIDs) {
      if (!e.experienceTagIDs.includes(t)) {
        e.experienceTagIDs.push(t);
        wrote = true;
      }
    }
  }
  return noBody(201, wrote);
}

function removeTagFromExperience(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const tag = tagOf(px, ctx.params.experienceTagID);
  const e = experienceOf(px, ctx.params.experienceID);
  const i = e.experienceTagIDs.indexOf(tag.experienceTagID);
  if (i >= 0) e.experienceTagIDs.splice(i, 1);
  return noBody(204, i >= 0);
}

// ---------------------------------------------------------------------------------------------
// Systems
// ---------------------------------------------------------------------------------------------

function listSystems(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const name = queryString(ctx.req.query, 'name');
  const order = queryOrderBy(ctx.req.query);
  let systems: System[] = name === undefined ? px.systems : px.systems.filter((s) => s.name === name);
  if (order === 'name') systems = sortByName(systems);
  const { page, nextPageToken } = pageOfList(ctx, ['systems', px.project.projectID, name, order], systems);
  return ok({ systems: page.map((s) => ({ ...s })), nextPageToken });
}

function listExperiencesForSystem(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const system = systemOf(px, ctx.params.systemID);
  const archived = queryBool(ctx.req.query, 'archived') ?? false;
  const includeCustomFields = queryBool(ctx.req.query, 'includeCustomFields') ?? false;
  const id = system.systemID;
  const { page, nextPageToken } = pageOfExperiences(
    ctx,
    px,
    ['systemExperiences', px.project.projectID, id, archived],
    (e) => e.archived === archived && e.systemIDs.includes(id),
    ctx.db.membersOf(px, 'system', id),
  );
  return ok({ experiences: page.map((e) => experienceOut(e, includeCustomFields)), nextPageToken });
}

function readSystemsBody(ctx: Ctx, px: ProjectIndex): { systemIDs: string[]; list: StoredExperience[] } {
  const body = requireObject(ctx.req.body, 'request body');
  const systemIDs = requireUUIDList(body.systemIDs, 'systemIDs');
  const expIDs = requireUUIDList(body.experiences, 'experiences');
  checkSystemIDs(px, systemIDs, 'systemIDs');
  return { systemIDs, list: experiencesByIDs(px, expIDs, 'experiences') };
}

function addSystemsToExperiences(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const { systemIDs, list } = readSystemsBody(ctx, px);
  let wrote = false;
  for (const e of list) {
    for (const s of systemIDs) {
      if (!e.systemIDs.includes(s)) {
        e.systemIDs.push(s);
        wrote = true;
      }
    }
  }
  return noBody(201, wrote);
}

function removeSystemsFromExperiences(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const { systemIDs, list } = readSystemsBody(ctx, px);
  const drop = new Set(systemIDs);
  let wrote = false;
  for (const e of list) {
    const kept = e.systemIDs.filter((s) => !drop.has(s));
    if (kept.length !== e.systemIDs.length) {
      e.systemIDs = kept;
      wrote = true;
    }
  }
  return noBody(204, wrote);
}

// ---------------------------------------------------------------------------------------------
// Test suites
// ---------------------------------------------------------------------------------------------

function listTestSuites(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const q = ctx.req.query;
  const name = queryString(q, 'name');
  const archived = queryBool(q, 'archived') ?? false;
  const text = textMatcher(queryString(q, 'text'));
  const systemRaw = queryString(q, 'systemID');
  const systemID = systemRaw === undefined ? undefined : pathUUID(systemRaw, 'systemID');
  // experienceIDs: repeated and/or comma-separated; a suite matches if it holds any of them.
  const expIDs = q
    .getAll('experienceIDs')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const id of expIDs) if (!isUUID(id)) throw badRequest(`experienceIDs must be UUIDs, got ${JSON.stringify(id)}`);
  const wanted = new Set(expIDs.map((id) => id.toLowerCase()));
  const suites = px.suites.filter(
    (s) =>
      s.archived === archived &&
      (name === undefined || s.name === name) &&
      (!text || text(s)) &&
      (systemID === undefined || s.systemID === systemID) &&
      (wanted.size === 0 || s.experiences.some((id) => wanted.has(id))),
  );
  const { page, nextPageToken } = pageOfList(
    ctx,
    ['suites', px.project.projectID, name, archived, queryString(q, 'text'), systemID, [...wanted].sort()],
    suites,
  );
  return ok({ testSuites: page.map(testSuiteOut), nextPageToken, total: suites.length });
}

function getTestSuite(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  return ok(testSuiteOut(suiteOf(px, ctx.params.testSuiteID)));
}

/** Makes a new revision (current + 1) with the given members; other fields optional. */
function reviseTestSuite(ctx: Ctx): ApiResponse {
  const px = projectOf(ctx);
  const s = suiteOf(px, ctx.params.testSuiteID);
  const body = requireObject(ctx.req.body, 'request body');
  const experiences = optUUIDList(body.experiences, 'experiences');
  const name = optString(body.name, 'name');
  const description = optString(body.description, 'description');
  const systemRaw = optString(body.systemID, 'systemID');
  optBool(body.updateMetricsBuild, 'updateMetricsBuild');
  if (name !== undefined && name.trim() === '') throw badRequest('name must not be empty');
  if (experiences) experiencesByIDs(px, experiences, 'experiences');
  const systemID = systemRaw === undefined ? undefined : systemOf(px, systemRaw, 'systemID').systemID;
  if (name !== undefined && name !== s.name && px.suites.some((o) => o.name === name && o.testSuiteID !== s.testSuiteID)) {
    throw conflict(`a test suite named ${JSON.stringify(name)} already exists in this project`);
  }
  if (name !== undefined) s.name = name;
  if (description !== undefined) s.description = description;
  if (systemID !== undefined) s.systemID = systemID;
  const members = experiences ?? s.experiences.slice();
  s.testSuiteRevision += 1;
  s.experiences = members;
  s.revisions.push({ testSuiteRevision: s.testSuiteRevision, experiences: members.slice(), creationTimestamp: ctx.now });
  return ok(testSuiteOut(s), 200, true);
}

// ---------------------------------------------------------------------------------------------
// Route table
// ---------------------------------------------------------------------------------------------

const P = 'projects/:projectID';
const route = (operation: string, method: string, path: string, handler: Handler): Route => ({
  operation,
  method,
  pattern: path.split('/'),
  handler,
});

/** Every endpoint of docs/api.md. Literal segments win over parameters (e.g. `experiences/archive`). */
export const ROUTES: Route[] = [
  route('ListProjects', 'GET', 'projects', listProjects),
  route('GetProject', 'GET', P, getProject),
  route('ListExperiences', 'GET', `${P}/experiences`, listExperiences),
  route('CreateExperience', 'POST', `${P}/experiences`, createExperience),
  route('BulkArchiveExperiences', 'POST', `${P}/experiences/archive`, bulkArchiveExperiences),
  route('UpdateExperience', 'PATCH', `${P}/experiences/:experienceID`, updateExperience),
  route('ArchiveExperience', 'DELETE', `${P}/experiences/:experienceID`, archiveExperience),
  route('RestoreExperience', 'POST', `${P}/experiences/:experienceID/restore`, restoreExperience),
  route('ListExperienceTags', 'GET', `${P}/experienceTags`, listExperienceTags),
  route('CreateExperienceTag', 'POST', `${P}/experienceTags`, createExperienceTag),
  route('AddTagsToExperiences', 'POST', `${P}/experienceTags/addExperiences`, addTagsToExperiences),
  route('ListExperiencesWithExperienceTag', 'GET', `${P}/experienceTags/:experienceTagID/experiences`, listExperiencesWithTag),
  route(
    'RemoveExperienceTagFromExperience',
    'DELETE',
    `${P}/experienceTags/:experienceTagID/experiences/:experienceID`,
    removeTagFromExperience,
  ),
  route('ListSystems', 'GET', `${P}/systems`, listSystems),
  route('AddSystemsToExperiences', 'POST', `${P}/systems/addExperiences`, addSystemsToExperiences),
  route('RemoveSystemsFromExperiences', 'POST', `${P}/systems/removeExperiences`, removeSystemsFromExperiences),
  route('ListExperiencesForSystem', 'GET', `${P}/systems/:systemID/experiences`, listExperiencesForSystem),
  route('ListTestSuites', 'GET', `${P}/suites`, listTestSuites),
  route('GetTestSuite', 'GET', `${P}/suites/:testSuiteID`, getTestSuite),
  route('ReviseTestSuite', 'PATCH', `${P}/suites/:testSuiteID`, reviseTestSuite),
];

/** The route for `method` and `segments`; `allowed` lists the methods of the path when only the method is wrong. */
export function matchRoute(method: string, segments: string[]): { route?: Route; params: Record<string, string>; allowed: string[] } {
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  const allowed = new Set<string>();
  for (const r of ROUTES) {
    if (r.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let matched = true;
    for (let i = 0; i < segments.length; i++) {
      const p = r.pattern[i];
      if (p.startsWith(':')) params[p.slice(1)] = segments[i];
      else if (p === segments[i]) literals++;
      else {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    // A literal path (`experiences/archive`) hides the parameter route for the same segments.
    if (r.method === method) {
      if (!best || literals > best.literals) best = { route: r, params, literals };
    }
    allowed.add(r.method);
  }
  if (best) return { route: best.route, params: best.params, allowed: [...allowed] };
  return { params: {}, allowed: [...allowed] };
}

/** Runs one API request against `db`; ApiErrors (and bad input) become their status. */
export function handleApiRequest(db: SandboxDb, req: ApiRequest, newID: () => string, now: string): ApiResponse & { operation?: string } {
  const { route: r, params, allowed } = matchRoute(req.method, req.segments);
  if (!r) {
    if (allowed.length > 0)
      throw new ApiError(405, `method ${req.method} not allowed here (allowed: ${allowed.join(', ')})`, { Allow: allowed.join(', ') });
    throw notFound(`no such endpoint: ${req.method} /v1/${req.segments.join('/')}`);
  }
  for (const [k, v] of Object.entries(params)) {
    try {
      params[k] = decodeURIComponent(v);
    } catch {
      throw badRequest(`${k} is not a valid URL path segment`);
    }
  }
  return { ...r.handler({ db, req, params, now, newID }), operation: r.operation };
}

/** The operation name of a request (for the request log), even when it failed. */
export function operationOf(method: string, segments: string[]): string | undefined {
  return matchRoute(method, segments).route?.operation;
}
