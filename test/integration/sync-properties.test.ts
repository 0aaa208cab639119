/**
 * Property-based tests (fast-check) of the sync rules, on generated configs and project states,
 * against the sandbox through the real API client: plan, apply, read the project again.
 * The rules are those of the resim CLI (docs/sync-rules.md): matching by name, then by ID (in
 * any UUID spelling); restore; archive of unlisted experiences unless --no-archive; managed tags
 * are the only tags removed; systems are only added; managed suites are revised to exactly their
 * list; and idempotence: after apply, a new plan has no changes. And differentially: the plan fails
 * exactly when the resim CLI would (test/support/reference-model.ts), and otherwise leaves the
 * project the resim CLI would leave.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { fixedID, generateStore, GENERATED_PROJECT_ID, startSandbox, type Sandbox } from '../../sandbox/server';
import { StaticTokenAuth } from '../../server/src/resim/auth';
import { createResimClient } from '../../server/src/resim/client';
import { applyPlan } from '../../server/src/sync/apply';
import { ingest } from '../../server/src/sync/ingest';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan, planHasChanges } from '../../server/src/sync/plan';
import { parseUUID } from '../../server/src/util/uuid';
import { referenceSync } from '../support/reference-model';

const TAGS = ['tag-0', 'tag-1', 'tag-2'];
const SYSTEMS = ['system-0', 'system-1'];
const SUITES = ['suite-0', 'suite-1'];
const MAX_LIVE = 6;
const liveName = (i: number) => `exp-${i + 1}`;
const liveID = (i: number) => fixedID('be000000', i + 1);
const spell = (id: string, how: number) => [id, id.toUpperCase(), `urn:uuid:${id}`, `{${id}}`, id.replace(/-/g, '')][how];

const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const MATCH_CODES = new Set(['unknown-experience-id', 'ambiguous-match', 'name-taken']);

/** A project: up to MAX_LIVE experiences with random archived flags, tags, systems, suite members. */
const liveArb = fc.record({
  count: fc.integer({ min: 0, max: MAX_LIVE }),
  archived: fc.array(fc.boolean(), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  tags: fc.array(subset([0, 1, 2]), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  systems: fc.array(subset([0, 1]), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  suites: fc.array(subset([0, 1, 2, 3, 4, 5]), { minLength: 2, maxLength: 2 }),
});

const entryArb = fc.record({
  name: fc.constantFrom(...Array.from({ length: MAX_LIVE }, (_, i) => liveName(i)), 'new-1', 'new-2'),
  id: fc.option(fc.tuple(fc.integer({ min: 0, max: MAX_LIVE - 1 }), fc.integer({ min: 0, max: 4 })), { nil: undefined, freq: 4 }),
  description: fc.constantFrom('Generated', 'changed'),
  // tag-9 and system-9 do not exist (an error, except on an archived entry).
  tags: fc.option(fc.oneof({ arbitrary: subset(TAGS), weight: 9 }, { arbitrary: subset([...TAGS, 'tag-9']), weight: 1 }), {
    nil: undefined,
  }),
  systems: fc.option(fc.oneof({ arbitrary: subset(SYSTEMS), weight: 9 }, { arbitrary: subset([...SYSTEMS, 'system-9']), weight: 1 }), {
    nil: undefined,
  }),
  archived: fc.option(fc.constant(true), { nil: undefined, freq: 6 }),
});

const configArb = fc.record({
  entries: fc.uniqueArray(entryArb, { maxLength: 7, selector: (e) => e.name }),
  managed: fc.oneof({ arbitrary: subset(TAGS), weight: 19 }, { arbitrary: subset([...TAGS, 'tag-9']), weight: 1 }),
  suites: fc.array(
    fc.record({
      name: fc.constantFrom(...SUITES),
      members: fc.subarray([...Array.from({ length: MAX_LIVE }, (_, i) => liveName(i)), 'new-1', 'new-2']),
    }),
    { maxLength: 2 },
  ),
  archiveUnlisted: fc.boolean(),
});

interface Live {
  count: number;
  archived: boolean[];
  tags: number[][];
  systems: number[][];
  suites: number[][];
}

describe('sync rules (fast-check, against the sandbox)', function () {
  this.timeout(300_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ port: 0, seed: 'empty' });
  });
  after(async () => sb?.close());

  function store(live: Live) {
    const s = generateStore({ experiences: MAX_LIVE, tags: 3, systems: 2, suites: 2, archivedEvery: 0 });
    const pid = GENERATED_PROJECT_ID;
    const exps = s.experiences[pid].slice(0, live.count);
    exps.forEach((e, i) => {
      e.name = liveName(i);
      e.description = 'Generated';
      e.archived = live.archived[i];
      e.experienceTagIDs = live.tags[i].map((t) => s.experienceTags[pid][t].experienceTagID);
      e.systemIDs = live.systems[i].map((k) => s.systems[pid][k].systemID);
    });
    s.experiences[pid] = exps;
    s.testSuites[pid].forEach((suite, k) => {
      const members = live.suites[k].filter((i) => i < live.count && !live.archived[i]).map(liveID);
      suite.experiences = members;
      suite.revisions = [{ testSuiteRevision: 0, experiences: members, creationTimestamp: suite.creationTimestamp }];
      suite.testSuiteRevision = 0;
    });
    return s;
  }

  const namesOf = (sets: ProjectState['tags'], id: string) =>
    sets
      .filter((t) => t.experienceIDs.includes(id))
      .map((t) => t.name)
      .sort();

  it('plan, apply, read again: every rule holds and a second plan has no changes', async () => {
    const api = createResimClient({ apiUrl: sb.url, auth: new StaticTokenAuth('token', sb.url), retryBaseMs: 1 });
    const project = { id: GENERATED_PROJECT_ID, name: 'bench' };
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(liveArb, configArb, async (live, c) => {
        sb.reset(store(live));
        const before = await ingest(api, project);
        const experiences: ConfigExperience[] = c.entries.map((e) => {
          const x: ConfigExperience = { name: e.name, description: e.description, locations: [`s3://bench/experiences/${e.name}`] };
          if (e.id && e.id[0] < live.count) x.experienceID = spell(liveID(e.id[0]), e.id[1]);
          if (e.tags) x.tags = e.tags;
          if (e.systems) x.systems = e.systems;
          if (e.archived) x.archived = true;
          return x;
        });
        const suites = c.suites
          .filter((s, i) => c.suites.findIndex((t) => t.name === s.name) === i)
          .map((s) => ({ name: s.name, experiences: s.members }));
        const config: SyncConfig = { experiences, managedTestSuites: suites, managedExperienceTags: c.managed };
        const plan = computePlan(config, before, { archiveUnlisted: c.archiveUnlisted });
        const byName = new Map(before.experiences.map((e) => [e.name, e]));

        // Matching: by name first, else by ID (any spelling), else a create.
        for (const p of plan.experiences.filter((x) => x.configIndex !== undefined)) {
          const cfg = experiences[p.configIndex!];
          const named = byName.get(cfg.name);
          if (named) assert.equal(p.experienceID, named.experienceID, `${cfg.name} matched by name`);
          else if (cfg.experienceID) assert.equal(p.experienceID, parseUUID(cfg.experienceID), `${cfg.name} matched by ID`);
          else assert.equal(p.action, 'create');
          const liveOne = p.experienceID ? before.experiences.find((e) => e.experienceID === p.experienceID) : undefined;
          if (liveOne?.archived && !cfg.archived) assert.equal(p.action, 'restore', `${cfg.name} restored`);
        }
        // An ID in any spelling of a live experience not matched yet is never "unknown".
        const claimed = new Set<string>();
        experiences.forEach((cfg, i) => {
          const named = byName.get(cfg.name);
          if (named) return void claimed.add(named.experienceID);
          const id = cfg.experienceID ? parseUUID(cfg.experienceID) : undefined;
          if (!id || !before.experiences.some((e) => e.experienceID === id) || claimed.has(id)) return;
          claimed.add(id);
          assert.deepEqual(
            plan.errors.filter((e) => e.path[0] === 'experiences' && e.path[1] === i && MATCH_CODES.has(e.code)).map((e) => e.code),
            [],
            `${cfg.experienceID} of ${cfg.name} matches by ID`,
          );
        });
        // A suite may list a kept (unlisted, unarchived, --no-archive) live experience.
        const listed = new Set(experiences.map((e) => e.name));
        for (const err of plan.errors.filter((e) => e.code === 'suite-experience-not-found')) {
          const n = suites[err.path[1] as number].experiences[err.path[3] as number];
          const kept = !c.archiveUnlisted && byName.get(n) && !byName.get(n)!.archived && !claimed.has(byName.get(n)!.experienceID);
          assert.ok(!listed.has(n) && !kept, `${n} may be listed in a suite`);
        }
        const reference = referenceSync(config, before, c.archiveUnlisted);
        assert.equal(
          plan.errors.length > 0,
          'failed' in reference,
          `errors ${JSON.stringify(plan.errors.map((e) => e.code))} vs the resim CLI: ${'failed' in reference ? reference.failed : 'ok'}`,
        );
        if (plan.errors.length) return; // matching or reference errors: nothing to apply
        const result = await applyPlan(api, plan);
        assert.equal(result.ok, true, JSON.stringify(result.calls.filter((x) => !x.ok)));
        applied++;
        const after = await ingest(api, project);
        const now = new Map(after.experiences.map((e) => [e.name, e]));
        const matchedIDs = new Set<string>();
        for (const p of plan.experiences.filter((x) => x.configIndex !== undefined)) {
          const cfg = experiences[p.configIndex!];
          const id = p.experienceID ?? result.experienceIDs[cfg.name];
          const e = after.experiences.find((x) => x.experienceID === id);
          assert.ok(e, `${cfg.name} exists`);
          // An archived entry is not even renamed (the reference skips its update).
          assert.equal(e.name, cfg.archived && p.experienceID ? before.experiences.find((x) => x.experienceID === id)!.name : cfg.name);
          matchedIDs.add(e.experienceID);
          assert.equal(e.archived, cfg.archived === true, `${cfg.name} archived as the config says`);
          const prev = before.experiences.find((x) => x.experienceID === e.experienceID);
          const tagsBefore = prev ? namesOf(before.tags, prev.experienceID) : [];
          const tagsAfter = namesOf(after.tags, e.experienceID);
          const sysBefore = prev ? namesOf(before.systems, prev.experienceID) : [];
          const sysAfter = namesOf(after.systems, e.experienceID);
          if (cfg.archived) {
            // An archived entry changes nothing but its archived state.
            assert.deepEqual(tagsAfter, tagsBefore, `${cfg.name}: tags untouched`);
            assert.deepEqual(sysAfter, sysBefore, `${cfg.name}: systems untouched`);
            continue;
          }
          assert.equal(e.description, cfg.description);
          for (const t of cfg.tags ?? []) assert.ok(tagsAfter.includes(t), `${cfg.name} has tag ${t}`);
          for (const t of tagsAfter)
            assert.ok(!c.managed.includes(t) || (cfg.tags ?? []).includes(t), `${cfg.name}: managed tag ${t} only if listed`);
          for (const t of tagsBefore)
            assert.ok(c.managed.includes(t) || tagsAfter.includes(t), `${cfg.name}: unmanaged tag ${t} never removed`);
          for (const s of [...sysBefore, ...(cfg.systems ?? [])]) assert.ok(sysAfter.includes(s), `${cfg.name}: systems only added (${s})`);
        }
        for (const e of before.experiences.filter((x) => !matchedIDs.has(x.experienceID))) {
          const a = after.experiences.find((x) => x.experienceID === e.experienceID)!;
          assert.equal(a.archived, e.archived || c.archiveUnlisted, `unlisted ${e.name}: archived unless --no-archive`);
          assert.deepEqual(namesOf(after.tags, e.experienceID), namesOf(before.tags, e.experienceID), `unlisted ${e.name}: tags untouched`);
        }
        for (const s of suites) {
          const suite = after.testSuites.find((t) => t.name === s.name)!;
          assert.deepEqual(
            [...suite.experiences].sort(),
            [...new Set(s.experiences.map((n) => now.get(n)!.experienceID))].sort(),
            `${s.name}: exactly its list`,
          );
        }
        // The project the resim CLI would leave.
        if ('project' in reference) {
          const idOf = (key: string) => (key.startsWith('new:') ? result.experienceIDs[key.slice(4)] : key);
          for (const [key, want] of reference.project.experiences) {
            const got = after.experiences.find((x) => x.experienceID === idOf(key));
            assert.ok(got, `${key} exists`);
            assert.deepEqual(
              {
                name: got.name,
                description: got.description,
                archived: got.archived,
                tags: namesOf(after.tags, got.experienceID),
                systems: namesOf(after.systems, got.experienceID),
              },
              {
                name: want.name,
                description: want.description,
                archived: want.archived,
                tags: [...want.tags].sort(),
                systems: [...want.systems].sort(),
              },
              `${key}: as the resim CLI leaves it`,
            );
          }
          assert.equal(after.experiences.length, reference.project.experiences.size, 'no other experience');
          for (const [name, members] of reference.project.suites) {
            const suite = after.testSuites.find((t) => t.name === name)!;
            assert.deepEqual([...suite.experiences].sort(), [...members].map(idOf).sort(), `suite ${name}: as the resim CLI leaves it`);
          }
        }
        const again = computePlan(config, after, { archiveUnlisted: c.archiveUnlisted });
        assert.deepEqual(again.errors, []);
        assert.equal(planHasChanges(again), false, `idempotent: ${JSON.stringify(again.summary)}`);
      }),
      { numRuns: 200, seed: 9 },
    );
    assert.ok(applied >= 20, `enough generated cases were applied (${applied})`);
  });
});
