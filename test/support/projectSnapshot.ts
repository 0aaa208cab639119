/**
 * A project's state reduced to what a sync can change, for "is the project as it was?" checks of
 * the undo tests: every experience's recorded fields (normalised as the plan compares them) and
 * archived flag, its tag and system names, and each test suite's members (by name, sorted).
 */
import type { ProjectState } from '../../server/src/sync/model';
import { valuesOf } from '../../server/src/sync/history';

export interface ProjectSnapshot {
  experiences: Record<string, { values: Record<string, unknown>; tags: string[]; systems: string[] }>;
  testSuites: Record<string, string[]>;
}

/** The snapshot of `state`; `omitIDs`: experiences to leave out (e.g. those a sync created). */
export function snapshot(state: ProjectState, omitIDs: Set<string> = new Set()): ProjectSnapshot {
  const nameOf = new Map(state.experiences.map((e) => [e.experienceID, e.name]));
  const experiences: ProjectSnapshot['experiences'] = {};
  for (const e of state.experiences) {
    if (omitIDs.has(e.experienceID)) continue;
    experiences[e.experienceID] = {
      values: valuesOf(e),
      tags: state.tags
        .filter((t) => t.experienceIDs.includes(e.experienceID))
        .map((t) => t.name)
        .sort(),
      systems: state.systems
        .filter((s) => s.experienceIDs.includes(e.experienceID))
        .map((s) => s.name)
        .sort(),
    };
  }
  const testSuites: ProjectSnapshot['testSuites'] = {};
  for (const s of state.testSuites) testSuites[s.name] = s.experiences.map((id) => nameOf.get(id) ?? id).sort();
  return { experiences, testSuites };
}

/** IDs of the experiences in `after` that are not in `before`. */
export function newExperienceIDs(before: ProjectState, after: ProjectState): Set<string> {
  const old = new Set(before.experiences.map((e) => e.experienceID));
  return new Set(after.experiences.filter((e) => !old.has(e.experienceID)).map((e) => e.experienceID));
}
