/**
 * A model of what the resim CLI's `resim experiences sync` does to a project (resim-ai/api-client,
 * cmd/resim/commands/sync/: matchExperiences, getTagUpdates, getSystemUpdates,
 * getTestSuiteUpdates, applyUpdates), written from its documented algorithm for differential
 * tests: given a config and a project state, whether the reference fails, and if not, the
 * project it leaves. Only the parts a sync changes are modelled (names, descriptions, archived,
 * tag and system memberships, suite members); experience IDs are compared as UUIDs, as the
 * reference decodes them.
 */
import type { SyncConfig } from '../../server/src/config/model';
import type { ProjectState } from '../../server/src/sync/model';
import { parseUUID } from '../../server/src/util/uuid';

export interface ModelExperience {
  name: string;
  description: string;
  archived: boolean;
  tags: Set<string>;
  systems: Set<string>;
}

/** The project after a sync: experiences by ID (new ones keyed `new:<name>`), suites' members by name. */
export interface ModelProject {
  experiences: Map<string, ModelExperience>;
  suites: Map<string, Set<string>>;
}

export type ModelResult = { failed: string } | { project: ModelProject };

export function referenceSync(config: SyncConfig, state: ProjectState, shouldArchive: boolean): ModelResult {
  const byName = new Map(state.experiences.map((e) => [e.name, e]));
  const remaining = new Map(state.experiences.map((e) => [e.experienceID, e]));
  const tagsOf = (id: string) => new Set(state.tags.filter((t) => t.experienceIDs.includes(id)).map((t) => t.name));
  const systemsOf = (id: string) => new Set(state.systems.filter((t) => t.experienceIDs.includes(id)).map((t) => t.name));
  /** New name → [original ID or undefined, the entry]. */
  const matches = new Map<string, { id?: string; archived: boolean; entry?: SyncConfig['experiences'][number] }>();
  for (const entry of config.experiences) {
    const wantID = entry.experienceID !== undefined ? parseUUID(entry.experienceID) : undefined;
    if (entry.experienceID !== undefined && !wantID) return { failed: 'experienceID is not a UUID' };
    const cur = byName.get(entry.name);
    if (cur) {
      if (!remaining.has(cur.experienceID)) return { failed: `Experience name collision: ${cur.name}` };
      if (wantID && wantID !== cur.experienceID) return { failed: `Multiple experiences desire the same name: ${entry.name}` };
      if (matches.has(entry.name)) return { failed: 'Duplicate key!' };
      matches.set(entry.name, { id: cur.experienceID, archived: entry.archived === true, entry });
      remaining.delete(cur.experienceID);
      continue;
    }
    if (wantID) {
      const target = remaining.get(wantID);
      if (!target) return { failed: `No existing experience available with ID: ${wantID}` };
      if (matches.has(entry.name)) return { failed: 'Duplicate key!' };
      matches.set(entry.name, { id: target.experienceID, archived: entry.archived === true, entry });
      remaining.delete(target.experienceID);
      continue;
    }
    if (matches.has(entry.name)) return { failed: 'Duplicate key!' };
    matches.set(entry.name, { archived: entry.archived === true, entry });
  }
  for (const e of remaining.values()) if (!e.archived) matches.set(e.name, { id: e.experienceID, archived: shouldArchive });

  const tagNames = new Set(state.tags.map((t) => t.name));
  const systemNames = new Set(state.systems.map((s) => s.name));
  for (const t of config.managedExperienceTags) if (!tagNames.has(t)) return { failed: `Managed tag doesn't exist: ${t}` };
  for (const m of matches.values()) {
    if (m.archived || !m.entry) continue;
    for (const t of m.entry.tags ?? []) if (!tagNames.has(t)) return { failed: `Non-existent tag: ${t}` };
    for (const s of m.entry.systems ?? []) if (!systemNames.has(s)) return { failed: `Non-existent system: ${s}` };
  }
  const suites = new Map<string, Set<string>>();
  for (const s of config.managedTestSuites) {
    if (!state.testSuites.some((t) => t.name === s.name)) return { failed: `Test suite not found: ${s.name}` };
    const members = new Set<string>();
    for (const n of s.experiences) {
      const m = matches.get(n);
      if (!m || m.archived) return { failed: `Experience in test suite not found: ${n}` };
      members.add(m.id ?? `new:${n}`);
    }
    suites.set(s.name, members);
  }

  const experiences = new Map<string, ModelExperience>();
  for (const e of state.experiences)
    experiences.set(e.experienceID, {
      name: e.name,
      description: e.description,
      archived: e.archived,
      tags: tagsOf(e.experienceID),
      systems: systemsOf(e.experienceID),
    });
  for (const [name, m] of matches) {
    const key = m.id ?? `new:${name}`;
    const cur = experiences.get(key) ?? {
      name,
      description: m.entry?.description ?? '',
      archived: false,
      tags: new Set<string>(),
      systems: new Set<string>(),
    };
    experiences.set(key, cur);
    if (!m.archived && m.entry) {
      cur.archived = false; // restored if it was archived
      cur.name = name;
      cur.description = m.entry.description;
      for (const t of m.entry.tags ?? []) cur.tags.add(t);
      if (m.id) for (const t of config.managedExperienceTags) if (!(m.entry.tags ?? []).includes(t)) cur.tags.delete(t);
      for (const s of m.entry.systems ?? []) cur.systems.add(s);
    }
    if (m.archived) cur.archived = true;
  }
  for (const t of state.testSuites) if (!suites.has(t.name)) suites.set(t.name, new Set(t.experiences));
  return { project: { experiences, suites } };
}
