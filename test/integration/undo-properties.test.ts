/**
 * Property-based tests (fast-check) of undo (docs/undo.md), against the sandbox through the real
 * API client, on generated project states and configs:
 *
 * - apply, then undo: the project is as it was before the apply, except that the experiences the
 *   sync created are archived; and the undo of that undo returns to the applied state;
 * - apply, a random change to one experience the sync touched, then undo: exactly that
 *   experience is reported as a conflict and is left as the change left it; the rest is undone;
 * - an apply cancelled after a random number of calls, or made under 30 % injected faults (no
 *   retries, so calls really fail and some answers are lost), is undone to the state before.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixedID, generateStore, GENERATED_PROJECT_ID, startSandbox, type Sandbox } from '../../sandbox/server';
import { StaticTokenAuth } from '../../server/src/resim/auth';
import { createResimClient } from '../../server/src/resim/client';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import { findRecord } from '../../server/src/sync/history';
import { ingest } from '../../server/src/sync/ingest';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan, planHasChanges } from '../../server/src/sync/plan';
import { planUndo, recordedApply } from '../../server/src/sync/service';
import { newExperienceIDs, snapshot, type ProjectSnapshot } from '../support/projectSnapshot';

const TAGS = ['tag-0', 'tag-1', 'tag-2'];
const SYSTEMS = ['system-0', 'system-1'];
const MAX_LIVE = 6;
const liveName = (i: number) => `exp-${i + 1}`;
const liveID = (i: number) => fixedID('be000000', i + 1);
const NAMES = [...Array.from({ length: MAX_LIVE }, (_, i) => liveName(i)), 'new-1', 'new-2'];
const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const RUNS = 25;

const liveArb = fc.record({
  count: fc.integer({ min: 1, max: MAX_LIVE }),
  archived: fc.array(fc.boolean(), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  descriptions: fc.array(fc.constantFrom('Generated', 'Old text'), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  tags: fc.array(subset([0, 1, 2]), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  systems: fc.array(subset([0, 1]), { minLength: MAX_LIVE, maxLength: MAX_LIVE }),
  suites: fc.array(subset([0, 1, 2, 3, 4, 5]), { minLength: 2, maxLength: 2 }),
});
type Live = typeof liveArb extends fc.Arbitrary<infer T> ? T : never;

const configArb = fc.record({
  entries: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...NAMES),
      description: fc.constantFrom('Generated', 'changed'),
      tags: fc.option(subset(TAGS), { nil: undefined }),
      systems: fc.option(subset(SYSTEMS), { nil: undefined }),
      archived: fc.option(fc.constant(true), { nil: undefined, freq: 6 }),
    }),
    { minLength: 1, maxLength: 7, selector: (e) => e.name },
  ),
  managed: subset(TAGS),
  suites: fc.uniqueArray(fc.record({ name: fc.constantFrom('suite-0', 'suite-1'), members: subset(NAMES) }), {
    maxLength: 2,
    selector: (s) => s.name,
  }),
  archiveUnlisted: fc.boolean(),
});
type Cfg = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

describe('undo (fast-check, against the sandbox)', function () {
  this.timeout(600_000);
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ port: 0, seed: 'empty' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-undo-prop-'));
  });
  after(async () => {
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const project = { id: GENERATED_PROJECT_ID, name: 'bench' };
  const api = (maxRetries?: number) =>
    createResimClient({ apiUrl: sb.url, auth: new StaticTokenAuth('token', sb.url), retryBaseMs: 1, maxRetries });
  const history = () => ({ dir, frontEnd: 'test' });

  function store(live: Live) {
    const s = generateStore({ experiences: MAX_LIVE, tags: 3, systems: 2, suites: 2, archivedEvery: 0 });
    const pid = GENERATED_PROJECT_ID;
    const exps = s.experiences[pid].slice(0, live.count);
    exps.forEach((e, i) => {
      e.name = liveName(i);
      e.description = live.descriptions[i];
      e.locations = [`s3://bench/experiences/${e.name}`];
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

  function configOf(c: Cfg): SyncConfig {
    const experiences: ConfigExperience[] = c.entries.map((e) => {
      const x: ConfigExperience = { name: e.name, description: e.description, locations: [`s3://bench/experiences/${e.name}`] };
      if (e.tags) x.tags = e.tags;
      if (e.systems) x.systems = e.systems;
      if (e.archived) x.archived = true;
      return x;
    });
    return {
      experiences,
      // A suite lists only experiences the file keeps (anything else is a plan error).
      managedTestSuites: c.suites.map((s) => ({
        name: s.name,
        experiences: s.members.filter((n) => c.entries.some((e) => e.name === n && !e.archived)),
      })),
      managedExperienceTags: c.managed,
    };
  }

  /** Resets the sandbox to `live` and plans `c`; null when the plan has errors or no change (nothing to apply). */
  async function setUp(live: Live, c: Cfg) {
    sb.setFaults({ failRate: 0, latencyMs: 0 });
    sb.reset(store(live));
    const before = await ingest(api(), project);
    const plan = computePlan(configOf(c), before, { archiveUnlisted: c.archiveUnlisted });
    return plan.errors.length || !planHasChanges(plan) ? null : { before, plan };
  }

  async function undo(recordID: string) {
    const record = findRecord(dir, recordID);
    const { plan, state } = await planUndo(api(), record);
    const result = await recordedApply(api(), plan, state, { history: { ...history(), undoOf: recordID } });
    assert.equal(result.ok, true, JSON.stringify(result.calls.filter((x) => !x.ok)));
    return { plan, result };
  }

  /** The project is `before` again, except that the experiences created since are archived. */
  function assertAsBefore(
    before: ProjectState,
    after: ProjectState,
    expected: ProjectSnapshot = snapshot(before),
    keep = new Set<string>(),
  ) {
    const created = newExperienceIDs(before, after);
    for (const e of after.experiences)
      if (created.has(e.experienceID) && !keep.has(e.experienceID)) assert.ok(e.archived, `created ${e.name} is archived`);
    for (const id of keep) created.delete(id);
    assert.deepEqual(snapshot(after, created), expected);
  }

  it('apply then undo leaves the project as before (created experiences archived); undo of the undo returns to the applied state', async () => {
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(liveArb, configArb, async (live, c) => {
        const set = await setUp(live, c);
        if (!set) return;
        const result = await recordedApply(api(), set.plan, set.before, { history: history() });
        assert.equal(result.ok, true);
        applied++;
        const afterApply = await ingest(api(), project);
        const u = await undo(result.recordID!);
        assert.deepEqual(u.plan.undo!.conflicts, []);
        assertAsBefore(set.before, await ingest(api(), project));
        // (An undo that had nothing to do, e.g. of a create of an `archived: true` entry, is not recorded.)
        if (u.result.recordID) await undo(u.result.recordID);
        assert.deepEqual(snapshot(await ingest(api(), project)), snapshot(afterApply), 'the undo of the undo');
      }),
      { numRuns: RUNS, seed: 19 },
    );
    assert.ok(applied >= RUNS / 2, `only ${applied} of ${RUNS} runs applied a plan`);
  });

  it('a change made between apply and undo: exactly that experience is a conflict, left as the change left it', async () => {
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(liveArb, configArb, fc.nat(), async (live, c, pick) => {
        const set = await setUp(live, c);
        if (!set) return;
        const result = await recordedApply(api(), set.plan, set.before, { history: history() });
        assert.equal(result.ok, true);
        const afterApply = await ingest(api(), project);
        // The experiences the sync touched that are active now: one of them is edited by someone else.
        const touched = findRecord(dir, result.recordID!)
          .begin.changes.filter((ch) => ch.kind === 'experience')
          .map((ch) => afterApply.experiences.find((e) => (ch.experienceID ? e.experienceID === ch.experienceID : e.name === ch.name))!)
          .filter((e) => e && !e.archived);
        if (!touched.length) return;
        const victim = touched[pick % touched.length];
        await api().updateExperience(project.id, victim.experienceID, { description: 'an intervening change' }, ['description']);
        const afterChange = await ingest(api(), project);
        changed++;
        const u = await undo(result.recordID!);
        assert.deepEqual(
          u.plan.undo!.conflicts.map((x) => `${x.kind} ${x.name}`),
          [`experience ${victim.name}`],
        );
        const expected = snapshot(set.before);
        const was = snapshot(set.before).experiences[victim.experienceID] ?? snapshot(afterChange).experiences[victim.experienceID];
        expected.experiences[victim.experienceID] = { ...was, values: snapshot(afterChange).experiences[victim.experienceID].values };
        assertAsBefore(set.before, await ingest(api(), project), expected, new Set([victim.experienceID]));
      }),
      { numRuns: RUNS, seed: 20 },
    );
    assert.ok(changed >= RUNS / 3, `only ${changed} of ${RUNS} runs made a change`);
  });

  it('an apply cancelled after some calls, or under 30 % injected faults without retries, is undone to the state before', async () => {
    let partial = 0;
    await fc.assert(
      fc.asyncProperty(liveArb, configArb, fc.oneof(fc.constant<'faults'>('faults'), fc.nat({ max: 6 })), async (live, c, how) => {
        const set = await setUp(live, c);
        if (!set) return;
        const controller = new AbortController();
        if (how === 'faults') sb.setFaults({ failRate: 0.3 });
        const result = await recordedApply(api(how === 'faults' ? 0 : undefined), set.plan, set.before, {
          history: history(),
          signal: controller.signal,
          onProgress: (done) => {
            if (how !== 'faults' && done > how) controller.abort();
          },
        });
        sb.setFaults({ failRate: 0 });
        if (!result.ok) partial++;
        await undo(result.recordID!);
        assertAsBefore(set.before, await ingest(api(), project));
      }),
      { numRuns: RUNS, seed: 21 },
    );
    assert.ok(partial >= 3, `only ${partial} runs were partial applies`);
  });
});
