import { strict as assert } from 'assert';
import { CANCELLED_CALL, cancelledApplyLine } from '../../protocol';
import { applyPlan, countWriteCalls, PlanRefusedError } from '../../server/src/sync/apply';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { Experience } from '../../server/src/resim/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan } from '../../server/src/sync/plan';
import { assertApplicable } from '../../server/src/sync/service';
import { fingerprintConfig } from '../../server/src/sync/fingerprint';
import type { ResimApi } from '../../server/src/sync/port';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const exp = (n: number, name: string, extra: Partial<Experience> = {}): Experience => ({
  experienceID: id(n),
  name,
  description: 'd',
  locations: ['s3://l'],
  archived: false,
  ...extra,
});
const entry = (name: string, extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name,
  description: 'd',
  locations: ['s3://l'],
  ...extra,
});

function state(experiences: Experience[]): ProjectState {
  return {
    project: { id: id(999), name: 'demo' },
    experiences,
    tags: [{ id: id(501), name: 'regression', experienceIDs: [] }],
    systems: [{ id: id(601), name: 'hil', experienceIDs: [] }],
    testSuites: [{ testSuiteID: id(701), name: 'Suite', experiences: [id(1)] }],
    fetchedAt: 'now',
  };
}

/** A recording fake of the API: every write is logged in order; `fail` names calls that reject. */
function fakeApi(fail: (op: string, arg: string) => boolean = () => false) {
  const log: string[] = [];
  let next = 100;
  const write = (op: string, arg: string) => {
    log.push(`${op} ${arg}`);
    if (fail(op, arg)) return Promise.reject(new Error(`${op} failed: 503`));
    return Promise.resolve();
  };
  const api = {
    baseUrl: 'http://fake/',
    createExperience: async (_p: string, input: { name: string }) => {
      await write('create', input.name);
      return exp(next++, input.name);
    },
    updateExperience: async (_p: string, eid: string, _f: unknown, mask: string[]) => {
      await write('update', `${eid.slice(-3)}:${mask.join(',')}`);
      return exp(0, 'x');
    },
    restoreExperience: (_p: string, eid: string) => write('restore', eid.slice(-3)),
    archiveExperience: (_p: string, eid: string) => write('archive', eid.slice(-3)),
    reviseTestSuite: async (_p: string, sid: string, ids: string[]) => {
      await write('revise', `${sid.slice(-3)}:${ids.map((i) => i.slice(-3)).join(',')}`);
      return { testSuiteID: sid, name: 's', experiences: ids };
    },
    addTagsToExperiences: (_p: string, tags: string[], ids: string[]) =>
      write('addTags', `${tags.map((t) => t.slice(-3))}:${ids.map((i) => i.slice(-3)).join(',')}`),
    removeTagFromExperience: (_p: string, t: string, eid: string) => write('removeTag', `${t.slice(-3)}:${eid.slice(-3)}`),
    addSystemsToExperiences: (_p: string, s: string[], ids: string[]) =>
      write('addSystems', `${s.map((x) => x.slice(-3))}:${ids.map((i) => i.slice(-3)).join(',')}`),
  } as unknown as ResimApi;
  return { api, log };
}

const cfg = (experiences: ConfigExperience[], extra: Partial<SyncConfig> = {}): SyncConfig => ({
  experiences,
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});

describe('apply', () => {
  it('runs the phases in the reference order and makes only the calls the plan needs', async () => {
    const s = state([exp(1, 'a'), exp(2, 'b', { archived: true }), exp(3, 'gone'), exp(4, 'same')]);
    const plan = computePlan(
      cfg(
        [
          entry('a', { description: 'new', tags: ['regression'] }),
          entry('b', { systems: ['hil'] }),
          entry('n', { tags: ['regression'] }),
          entry('same'),
        ],
        {
          managedTestSuites: [{ name: 'Suite', experiences: ['a', 'n'] }],
        },
      ),
      s,
      { archiveUnlisted: true },
    );
    const { api, log } = fakeApi();
    const result = await applyPlan(api, plan);
    assert.equal(result.ok, true);
    assert.deepEqual(log, [
      'restore 002',
      'update 001:description',
      'create n',
      'revise 701:001,100',
      'addTags 501:001',
      'addSystems 601:002',
      'archive 003',
    ]);
    assert.equal(countWriteCalls(plan), log.length);
    assert.equal(result.experienceIDs.n, id(100));
  });

  it('a failed call does not stop independent ones; a suite missing a failed create is not revised', async () => {
    const plan = computePlan(
      cfg([entry('a'), entry('n1'), entry('n2')], { managedTestSuites: [{ name: 'Suite', experiences: ['a', 'n1'] }] }),
      state([exp(1, 'a'), exp(3, 'gone')]),
      { archiveUnlisted: true },
    );
    const { api, log } = fakeApi((op, arg) => op === 'create' && arg === 'n1');
    const result = await applyPlan(api, plan);
    assert.equal(result.ok, false);
    assert.ok(log.includes('create n2'));
    assert.ok(log.includes('archive 003'), 'the archive still ran');
    assert.ok(!log.some((l) => l.startsWith('revise')), 'the suite was not revised without its member');
    const skipped = result.calls.find((c) => c.operation === 'ReviseTestSuite')!;
    assert.equal(skipped.skipped, true);
    assert.match(skipped.error!, /creating n1 failed/);
    assert.equal(result.failures, 2);
  });

  it('refuses a plan with errors and stops launching calls once cancelled', async () => {
    const bad = computePlan(cfg([entry('a', { tags: ['nope'] })]), state([exp(1, 'a')]), { archiveUnlisted: false });
    await assert.rejects(applyPlan(fakeApi().api, bad), PlanRefusedError);
    const plan = computePlan(cfg([entry('x'), entry('y')]), state([exp(1, 'a')]), { archiveUnlisted: true });
    const ac = new AbortController();
    ac.abort();
    const { api, log } = fakeApi();
    const result = await applyPlan(api, plan, { signal: ac.signal });
    assert.equal(result.cancelled, true);
    assert.deepEqual(log, []);
  });

  /**
   * Creates that cancel the apply when `n2` is sent; `n2` answers after `answerMs` (never when
   * undefined) and, unanswered, reaches the project when `lands`. `held` is what the project holds.
   */
  function cancellingApi(ac: AbortController, answerMs: number | undefined, held: string[], lands = false) {
    return {
      ...fakeApi().api,
      writeConcurrency: 1,
      createExperience: (_p: string, input: { name: string }, signal?: AbortSignal) =>
        new Promise((resolve, reject) => {
          if (input.name !== 'n2') {
            held.push(input.name);
            resolve(exp(200 + held.length, input.name));
            return;
          }
          ac.abort();
          if (lands) held.push(input.name);
          signal?.addEventListener('abort', () => reject(new Error('This operation was aborted')));
          if (answerMs !== undefined)
            setTimeout(() => {
              held.push(input.name);
              resolve(exp(300, input.name));
            }, answerMs);
        }),
      findExperiencesByName: async (_p: string, name: string) => (held.includes(name) ? [exp(300, name)] : []),
    } as unknown as ResimApi;
  }

  it('a cancel in the middle of a phase: the call in flight is awaited and counted, the ones not sent are not made', async () => {
    const plan = computePlan(cfg(Array.from({ length: 6 }, (_, i) => entry(`n${i}`))), state([]), { archiveUnlisted: false });
    const ac = new AbortController();
    const held: string[] = [];
    const result = await applyPlan(cancellingApi(ac, 30, held), plan, { signal: ac.signal, cancelGraceMs: 5000 });
    assert.equal(result.cancelled, true);
    assert.deepEqual(
      result.calls.filter((c) => c.ok).map((c) => c.target),
      ['n0', 'n1', 'n2'],
    );
    assert.deepEqual(held, ['n0', 'n1', 'n2']);
    const notOk = result.calls.filter((c) => !c.ok);
    assert.equal(notOk.length, 3);
    assert.ok(
      notOk.every((c) => c.skipped && c.error === CANCELLED_CALL),
      JSON.stringify(notOk),
    );
    assert.equal(cancelledApplyLine(result), '3 made, 3 not made (cancelled)');
  });

  it('a call still unanswered after the grace is settled by reading the project', async () => {
    const plan = computePlan(cfg(Array.from({ length: 4 }, (_, i) => entry(`n${i}`))), state([]), { archiveUnlisted: false });
    for (const landed of [true, false]) {
      const ac = new AbortController();
      const held: string[] = [];
      // The create reached the project although its answer never came (or it did not).
      const result = await applyPlan(cancellingApi(ac, undefined, held, landed), plan, { signal: ac.signal, cancelGraceMs: 10 });
      const n2 = result.calls.find((c) => c.target === 'n2')!;
      assert.equal(n2.ok, landed, JSON.stringify(n2));
      if (!landed) assert.equal(n2.error, CANCELLED_CALL);
      assert.equal(result.experienceIDs.n2 !== undefined, landed);
    }
  });

  it('guards: stale state, changed config, mass archive', () => {
    const many = Array.from({ length: 12 }, (_, i) => exp(i + 1, `e${i}`));
    const plan = computePlan(cfg([entry('e0')]), state(many), { archiveUnlisted: true });
    assert.throws(
      () => assertApplicable(plan, {}),
      (e: PlanRefusedError) => e.code === 'mass-archive' && /archives 11 of 12/.test(e.message),
    );
    assert.doesNotThrow(() => assertApplicable(plan, { allowMassArchive: true }));
    assert.throws(
      () => assertApplicable(plan, { allowMassArchive: true, expectedStateFingerprint: 'other' }),
      (e: PlanRefusedError) => e.code === 'stale-plan',
    );
    const config = cfg([entry('e0')]);
    assert.throws(
      () => assertApplicable(plan, { allowMassArchive: true, expectedConfigFingerprint: 'other' }, config),
      (e: PlanRefusedError) => e.code === 'stale-plan' && /config changed/.test(e.message),
    );
    assert.doesNotThrow(() =>
      assertApplicable(
        plan,
        { allowMassArchive: true, expectedConfigFingerprint: fingerprintConfig(config, plan.archiveUnlisted) },
        config,
      ),
    );
  });
});
