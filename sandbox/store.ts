/**
 * The sandbox's data: plain JSON (what `dataFile` holds and `GET /_sandbox/state` answers) plus
 * `SandboxDb`, the in-memory indexes over it (by ID and by name) that keep every endpoint fast
 * at 50,000 experiences.
 *
 * Models follow docs/api.md ("Models"). Rules that the real API enforces and the
 * sandbox reproduces: experience names are unique within a project, archived experiences
 * included (409); tag names are unique within a project (409); IDs are UUIDs.
 */
import type { Experience, ExperienceTag, Project, System, TestSuite } from '../server/src/resim/model';

/** Version of the on-disk layout; `loadStore` refuses other versions. */
export const STORE_VERSION = 1;

/**
 * An experience as the sandbox keeps it: every API field present, plus its tag and system IDs
 * (which the API does not return on the experience: it answers them through the tag / system
 * endpoints). `customFields` is returned only with `includeCustomFields=true`.
 */
export interface StoredExperience extends Required<Omit<Experience, 'customFields'>> {
  customFields: NonNullable<Experience['customFields']>;
  experienceTagIDs: string[];
  systemIDs: string[];
}

/** One revision of a test suite: its members (experience IDs) at that revision. */
export interface TestSuiteRevision {
  testSuiteRevision: number;
  experiences: string[];
  creationTimestamp: string;
}

/** A test suite with its revision history; the API answers the fields of `TestSuite`. */
export interface StoredTestSuite extends TestSuite {
  testSuiteRevision: number;
  archived: boolean;
  projectID: string;
  description: string;
  systemID: string;
  creationTimestamp: string;
  /** Oldest first; the last one is the current revision (`experiences`). */
  revisions: TestSuiteRevision[];
}

/**
 * The whole sandbox state. Collections other than `projects` are keyed by project ID and hold
 * their items in creation order (experiences are never deleted, only archived).
 */
export interface SandboxStore {
  version: number;
  orgID: string;
  userID: string;
  projects: Project[];
  experiences: Record<string, StoredExperience[]>;
  experienceTags: Record<string, ExperienceTag[]>;
  systems: Record<string, System[]>;
  testSuites: Record<string, StoredTestSuite[]>;
}

/** An empty store with the default org and user. */
export function emptyStore(): SandboxStore {
  return {
    version: STORE_VERSION,
    orgID: 'sandbox-org',
    userID: 'sandbox-user',
    projects: [],
    experiences: {},
    experienceTags: {},
    systems: {},
    testSuites: {},
  };
}

/** Indexes of one project's collections. Positions are indexes into the store's arrays. */
export interface ProjectIndex {
  project: Project;
  experiences: StoredExperience[];
  experienceByID: Map<string, StoredExperience>;
  /** Position of each experience in `experiences` (creation order): the paging cursor. */
  experiencePosition: Map<string, number>;
  experienceByName: Map<string, StoredExperience>;
  archivedCount: number;
  tags: ExperienceTag[];
  tagByID: Map<string, ExperienceTag>;
  tagByName: Map<string, ExperienceTag>;
  systems: System[];
  systemByID: Map<string, System>;
  suites: StoredTestSuite[];
  suiteByID: Map<string, StoredTestSuite>;
  /** Experiences sorted by name, built on demand, dropped on create/rename. */
  byNameCache?: StoredExperience[];
  /** Members of a tag or system (`tag:<id>` / `system:<id>`), built on demand, dropped on any write. */
  membersCache?: Map<string, StoredExperience[]>;
}

/**
 * The store plus its indexes. All writes go through the methods here (or through
 * `reindex()` after the arrays were changed directly), so the indexes never go stale.
 */
export class SandboxDb {
  private projectIndex = new Map<string, ProjectIndex>();

  constructor(public store: SandboxStore) {
    this.reindex();
  }

  /** Rebuilds every index from `store`: O(total items). */
  reindex(): void {
    this.projectIndex.clear();
    for (const project of this.store.projects) this.indexProject(project);
  }

  private indexProject(project: Project): ProjectIndex {
    const s = this.store;
    const id = project.projectID;
    const experiences = (s.experiences[id] ??= []);
    const tags = (s.experienceTags[id] ??= []);
    const systems = (s.systems[id] ??= []);
    const suites = (s.testSuites[id] ??= []);
    const px: ProjectIndex = {
      project,
      experiences,
      experienceByID: new Map(),
      experiencePosition: new Map(),
      experienceByName: new Map(),
      archivedCount: 0,
      tags,
      tagByID: new Map(tags.map((t) => [t.experienceTagID, t])),
      tagByName: new Map(tags.map((t) => [t.name, t])),
      systems,
      systemByID: new Map(systems.map((x) => [x.systemID, x])),
      suites,
      suiteByID: new Map(suites.map((x) => [x.testSuiteID, x])),
    };
    experiences.forEach((e, i) => {
      px.experienceByID.set(e.experienceID, e);
      px.experiencePosition.set(e.experienceID, i);
      px.experienceByName.set(e.name, e);
      if (e.archived) px.archivedCount++;
    });
    this.projectIndex.set(id, px);
    return px;
  }

  /** The project's indexes, or undefined for an unknown project ID. */
  project(projectID: string): ProjectIndex | undefined {
    return this.projectIndex.get(projectID);
  }

  addProject(project: Project): ProjectIndex {
    this.store.projects.push(project);
    return this.indexProject(project);
  }

  addExperience(px: ProjectIndex, e: StoredExperience): void {
    px.experiencePosition.set(e.experienceID, px.experiences.length);
    px.experiences.push(e);
    px.experienceByID.set(e.experienceID, e);
    px.experienceByName.set(e.name, e);
    if (e.archived) px.archivedCount++;
    px.byNameCache = undefined;
  }

  renameExperience(px: ProjectIndex, e: StoredExperience, name: string): void {
    if (e.name === name) return;
    px.experienceByName.delete(e.name);
    e.name = name;
    px.experienceByName.set(name, e);
    px.byNameCache = undefined;
  }

  /** Sets `archived`; returns whether it changed. */
  setArchived(px: ProjectIndex, e: StoredExperience, archived: boolean): boolean {
    if (e.archived === archived) return false;
    e.archived = archived;
    px.archivedCount += archived ? 1 : -1;
    return true;
  }

  addTag(px: ProjectIndex, tag: ExperienceTag): void {
    px.tags.push(tag);
    px.tagByID.set(tag.experienceTagID, tag);
    px.tagByName.set(tag.name, tag);
  }

  /**
   * The experiences (creation order) that carry a tag or system, so that membership listings do
   * not scan the whole project per page. Cached until `dropDerived()` (after every write).
   */
  membersOf(px: ProjectIndex, kind: 'tag' | 'system', id: string): StoredExperience[] {
    if (!px.membersCache) {
      // One pass over the project builds every tag's and system's list.
      const cache = new Map<string, StoredExperience[]>();
      const add = (key: string, e: StoredExperience) => {
        const l = cache.get(key);
        if (l) l.push(e);
        else cache.set(key, [e]);
      };
      for (const e of px.experiences) {
        for (const t of e.experienceTagIDs) add(`tag:${t}`, e);
        for (const sys of e.systemIDs) add(`system:${sys}`, e);
      }
      px.membersCache = cache;
    }
    return px.membersCache.get(`${kind}:${id}`) ?? [];
  }

  /** Drops the membership caches (called after every write request). */
  dropDerived(): void {
    for (const px of this.projectIndex.values()) px.membersCache = undefined;
  }

  /** Experiences sorted by name (code-unit order), cached until the next create or rename. */
  experiencesByName(px: ProjectIndex): StoredExperience[] {
    if (!px.byNameCache) {
      px.byNameCache = px.experiences.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return px.byNameCache;
  }
}
