/**
 * Undo: the inverse of a recorded sync (server/src/sync/history.ts), computed against the project
 * as it is now, as a regular `Plan` (so every renderer shows it and `applyPlan` applies it).
 * The rules are docs/undo.md's:
 *
 * - archived → restored, restored → archived, created → archived (experiences cannot be
 *   deleted), updated fields → their before values, added tag and system memberships → removed,
 *   removed tag memberships → added, revised test suites → their members before the revision;
 * - each thing the sync touched is compared now with what the sync set (`after`) and what was
 *   there before: as the sync left it → undone; as it was before → nothing to undo (the call was
 *   not made, failed, or its outcome was unknown: settled by this reading), except after a
 *   complete apply, where it means someone changed it back: a conflict; anything else → a
 *   **conflict**, left alone. An experience is one thing: a change in any of its recorded fields
 *   (touched by the sync or not) makes the whole experience a conflict.
 */
import type { UndoConflict } from '../../../protocol';
import type { ExperienceField } from '../resim/model';
import { fingerprintState } from './fingerprint';
import { createdID, RECORDED_FIELDS, statusOf, valuesOf, type ExperienceValues, type SyncRecord } from './history';
import type { Plan, PlannedExperience, PlannedSystem, PlannedTag, PlannedTestSuite, ProjectState } from './model';
import { massArchiveThreshold, massArchiveTrips, NEW_ID_PREFIX, sameFieldValue } from './plan';
import { quote } from '../security/text';

/** The warning every undo plan that archives a created experience carries. */
export const CREATED_ARCHIVED_NOTE = 'Experiences this sync created are archived, not deleted: the ReSim API cannot delete an experience.';

type Aspect = ExperienceField | 'archived';
const ASPECTS: readonly Aspect[] = [...RECORDED_FIELDS, 'archived'];

const same = (a: Aspect, x: unknown, y: unknown) => (a === 'archived' ? x === y : sameFieldValue(a, x, y));

/**
 * The undo plan of `record` against `state` (the project as it is now; same project). Pure.
 * `plan.undo` carries the record's ID and the conflicts; each conflict is also a warning.
 */
export function computeUndoPlan(record: SyncRecord, state: ProjectState): Plan {
  const complete = statusOf(record) === 'complete';
  const byID = new Map(state.experiences.map((e) => [e.experienceID, e]));
  const nameOf = (id: string) => byID.get(id)?.name ?? id;
  const conflicts: UndoConflict[] = [];
  const conflict = (kind: UndoConflict['kind'], name: string, message: string) => conflicts.push({ kind, name, message });
  const experiences: PlannedExperience[] = [];
  const updateInputs: Plan['updateInputs'] = {};
  let createdArchived = 0;

  /** The ID of a created experience: from its call entry, else the one experience with its name now. */
  const createdNow = (name: string) => {
    const id = createdID(record, name);
    if (id) return byID.get(id);
    const named = state.experiences.filter((e) => e.name === name);
    return named.length === 1 ? named[0] : undefined;
  };

  for (const ch of record.begin.changes) {
    if (ch.kind !== 'experience') continue;
    if (ch.before === null) {
      const now = createdNow(ch.name);
      if (!now || now.archived) continue; // not created, or already archived
      const changed = RECORDED_FIELDS.filter((f) => f in ch.after && !sameFieldValue(f, ch.after[f], valuesOf(now)[f]));
      if (changed.length) {
        conflict(
          'experience',
          now.name,
          `experience ${quote(now.name)} (created by this sync) changed since: ${changed.join(', ')}; not archived.`,
        );
        continue;
      }
      experiences.push({ name: now.name, action: 'archive', experienceID: now.experienceID, matchedBy: 'id', changes: [] });
      createdArchived += 1;
      continue;
    }
    const now = ch.experienceID ? byID.get(ch.experienceID) : undefined;
    if (!now) {
      conflict('experience', ch.name, `experience ${quote(ch.name)} is no longer in the project.`);
      continue;
    }
    const nv = valuesOf(now);
    const done: Aspect[] = [];
    const changedSince: Aspect[] = [];
    for (const a of ASPECTS) {
      const b = ch.before[a];
      const t = ch.after[a];
      const n = nv[a];
      if (same(a, b, t)) {
        if (!same(a, n, t)) changedSince.push(a);
      } else if (same(a, n, t)) done.push(a);
      else if (!same(a, n, b) || complete) changedSince.push(a);
    }
    if (changedSince.length) {
      conflict('experience', now.name, `experience ${quote(now.name)} changed since the sync: ${changedSince.join(', ')}; left as it is.`);
      continue;
    }
    if (!done.length) continue;
    const fields = done.filter((a): a is ExperienceField => a !== 'archived');
    const action = done.includes('archived') ? (ch.before.archived ? 'archive' : 'restore') : 'update';
    experiences.push({
      name: now.name,
      action,
      experienceID: now.experienceID,
      matchedBy: 'id',
      changes: fields.map((f) => ({ field: f, before: nv[f], after: (ch.before as ExperienceValues)[f] })),
    });
    if (fields.length)
      updateInputs[now.experienceID] = {
        experience: Object.fromEntries(fields.map((f) => [f, (ch.before as ExperienceValues)[f]])),
        updateMask: fields,
      };
  }

  // Tag and system memberships: one thing each.
  const tags = new Map<string, PlannedTag>();
  const systems = new Map<string, PlannedSystem>();
  const membersNow = (kind: 'tag' | 'system', setID: string) =>
    new Set((kind === 'tag' ? state.tags : state.systems).find((s) => s.id === setID)?.experienceIDs ?? []);
  for (const ch of record.begin.changes) {
    if (ch.kind !== 'tag' && ch.kind !== 'system') continue;
    const setID = ch.kind === 'tag' ? ch.tagID : ch.systemID;
    const isMember = membersNow(ch.kind, setID).has(ch.experienceID);
    const expName = nameOf(ch.experienceID);
    if (isMember !== ch.member) {
      if (complete)
        conflict(
          ch.kind,
          ch.name,
          `${ch.kind} ${quote(ch.name)} was ${ch.member ? 'removed from' : 'added to'} ${quote(expName)} again since the sync; left as it is.`,
        );
      continue;
    }
    if (ch.kind === 'tag') {
      const t = tags.get(setID) ?? { name: ch.name, tagID: setID, add: [], remove: [], addIDs: [], removeIDs: [] };
      tags.set(setID, t);
      (ch.member ? t.remove : t.add).push(expName);
      (ch.member ? t.removeIDs : t.addIDs).push(ch.experienceID);
    } else {
      const s = systems.get(setID) ?? { name: ch.name, systemID: setID, add: [], addIDs: [], remove: [], removeIDs: [] };
      systems.set(setID, s);
      if (ch.member) {
        s.remove!.push(expName);
        s.removeIDs!.push(ch.experienceID);
      } else {
        s.add.push(expName);
        s.addIDs.push(ch.experienceID);
      }
    }
  }

  // Test suites: the member list is one thing.
  const testSuites: PlannedTestSuite[] = [];
  const suiteMembers: Record<string, string[]> = {};
  const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  for (const ch of record.begin.changes) {
    if (ch.kind !== 'testSuite') continue;
    const now = state.testSuites.find((s) => s.testSuiteID === ch.testSuiteID);
    if (!now) {
      conflict('testSuite', ch.name, `test suite ${quote(ch.name)} is no longer in the project (or is archived).`);
      continue;
    }
    const after = ch.after.map((id) =>
      id.startsWith(NEW_ID_PREFIX) ? (createdNow(id.slice(NEW_ID_PREFIX.length))?.experienceID ?? id) : id,
    );
    if (sameSet(now.experiences, after) && !sameSet(now.experiences, ch.before)) {
      testSuites.push({
        name: now.name,
        testSuiteID: now.testSuiteID,
        before: now.experiences.map(nameOf),
        after: ch.before.map(nameOf),
        changed: true,
      });
      suiteMembers[now.testSuiteID] = [...ch.before];
    } else if (!sameSet(now.experiences, ch.before) || complete)
      conflict('testSuite', now.name, `test suite ${quote(now.name)} was revised since the sync; its members are left as they are.`);
  }

  const count = (a: PlannedExperience['action']) => experiences.filter((e) => e.action === a).length;
  const activeCount = state.experiences.filter((e) => !e.archived).length;
  const archiveCount = count('archive');
  const tagList = [...tags.values()];
  const systemList = [...systems.values()];
  const warnings = [
    ...(createdArchived ? [CREATED_ARCHIVED_NOTE] : []),
    ...(statusOf(record) === 'complete' ? [] : [partialNote(record)]),
    ...conflicts.map((c) => `Conflict: ${c.message}`),
  ];
  return {
    project: { ...state.project },
    stateFingerprint: fingerprintState(state),
    archiveUnlisted: false,
    undo: { recordID: record.begin.recordID, conflicts },
    summary: {
      create: 0,
      update: count('update'),
      restore: count('restore'),
      archive: archiveCount,
      unchanged: 0,
      tagAdditions: tagList.reduce((n, t) => n + t.add.length, 0),
      tagRemovals: tagList.reduce((n, t) => n + t.remove.length, 0),
      systemAdditions: systemList.reduce((n, s) => n + s.add.length, 0),
      systemRemovals: systemList.reduce((n, s) => n + (s.remove?.length ?? 0), 0),
      testSuiteRevisions: testSuites.length,
    },
    experiences,
    tags: tagList,
    systems: systemList,
    testSuites,
    warnings,
    errors: [],
    notices: [],
    massArchive: {
      tripped: massArchiveTrips(archiveCount, activeCount),
      archiveCount,
      activeCount,
      threshold: massArchiveThreshold(activeCount),
    },
    createInputs: {},
    updateInputs,
    suiteMembers,
  };
}

function partialNote(r: SyncRecord): string {
  const status = statusOf(r);
  const how =
    status === 'unfinished' ? 'never finished (the process was stopped)' : status === 'cancelled' ? 'was cancelled' : 'had failed calls';
  return `The sync ${r.begin.recordID} ${how}: only what the project shows it did is undone (read just now).`;
}
