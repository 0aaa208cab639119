/**
 * The sync workflow and its guards (server/src/sync/service.ts) against the sandbox on 127.0.0.1
 * through the real API client: project resolution, reading the state, planning, and each
 * refusal of `guardedApply` / `assertApplicable` (docs/sync-rules.md, "Guards"), with the
 * sandbox's request log showing that a refused apply wrote nothing.
 */
import { strict as assert } from 'assert';
import { SEED_IDS, startSandbox, type Sandbox } from '../../sandbox/server';
import { configErrorsRefusal, type PlanJson, type PlanRefusal } from '../../protocol';
import { StaticTokenAuth } from '../../server/src/resim/auth';
import { createResimClient } from '../../server/src/resim/client';
import type { ResimApi } from '../../server/src/sync/port';
import type { SyncConfig } from '../../server/src/config/model';
import { PlanRefusedError } from '../../server/src/sync/apply';
import { stateToConfig } from '../../server/src/sync/clone';
import { fingerprintConfig } from '../../server/src/sync/fingerprint';
import { planToJson } from '../../server/src/sync/render';
import {
  assertApplicable,
  assertBound,
  assertSavedPlanMatches,
  guardedApply,
  planAgainstProject,
  readProject,
  resolveProject,
} from '../../server/src/sync/service';

const DEMO = { id: SEED_IDS.demoProject, name: 'demo' };
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** Asserts that `fn` is refused with `code`, and returns the message. */
async function refused(fn: () => unknown, code: PlanRefusal): Promise<string> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof PlanRefusedError, `expected a PlanRefusedError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e.message;
  }
  assert.fail(`expected a '${code}' refusal`);
}

describe('sync service (against the sandbox)', () => {
  let sb: Sandbox;
  let api: ResimApi;
  const writes = () => sb.requestLog.filter((r) => WRITES.has(r.method));

  before(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo' });
    api = createResimClient({ apiUrl: sb.url, auth: new StaticTokenAuth('token', sb.url), retryBaseMs: 1 });
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.reset('demo');
    sb.requestLog.length = 0;
  });

  /** The demo project as a config (a plan of it is a no-op), and its fingerprint with archiving on. */
  async function demoConfig(): Promise<{ config: SyncConfig; fingerprint: string; stateFingerprint: string }> {
    const { state, plan } = await planAgainstProject(
      api,
      DEMO,
      { experiences: [], managedTestSuites: [], managedExperienceTags: [] },
      { archiveUnlisted: false },
    );
    const { config } = stateToConfig(state);
    return { config, fingerprint: fingerprintConfig(config, true), stateFingerprint: plan.stateFingerprint };
  }

  it('resolves a project by name or ID to {id, name}', async () => {
    assert.deepEqual(await resolveProject(api, 'demo'), DEMO);
    assert.deepEqual(await resolveProject(api, SEED_IDS.demoProject), DEMO);
  });

  it('readProject tells onResolved the project, then reads its state', async () => {
    const seen: { id: string; name: string }[] = [];
    const state = await readProject(api, 'demo', { onResolved: (p) => seen.push(p) });
    assert.deepEqual(seen, [DEMO]);
    assert.deepEqual(state.project, DEMO);
    assert.deepEqual(state.experiences.map((e) => e.experienceID).sort(), Object.values(SEED_IDS.demo.experiences).sort());
    assert.deepEqual(state.testSuites.map((s) => s.name).sort(), ['Basic Suite', 'Nightly Suite']);
  });

  it('planAgainstProject plans with the archiving mode given', async () => {
    const empty: SyncConfig = { experiences: [], managedTestSuites: [], managedExperienceTags: [] };
    const off = await planAgainstProject(api, DEMO, empty, { archiveUnlisted: false });
    assert.equal(off.plan.archiveUnlisted, false);
    assert.equal(off.plan.summary.archive, 0);
    const on = await planAgainstProject(api, DEMO, empty, { archiveUnlisted: true });
    assert.equal(on.plan.archiveUnlisted, true);
    assert.equal(on.plan.summary.archive, on.state.experiences.filter((e) => !e.archived).length);
    assert.deepEqual(writes(), []);
  });

  it('refuses a plan with config errors, before any other guard, and writes nothing', async () => {
    const { config, fingerprint, stateFingerprint } = await demoConfig();
    config.experiences[0] = { ...config.experiences[0], tags: ['no-such-tag'], description: 'changed' };
    const bound = { expectedConfigFingerprint: fingerprintConfig(config, true), expectedStateFingerprint: stateFingerprint };
    const message = await refused(
      () => guardedApply(api, DEMO, config, { history: null, archiveUnlisted: true, ...bound, allowMassArchive: true }),
      'config-errors',
    );
    assert.equal(message, configErrorsRefusal(1));
    assert.deepEqual(writes(), []);
    // the plan alone: refused for its errors although every other guard would pass
    const { plan } = await planAgainstProject(api, DEMO, config, { archiveUnlisted: true });
    assert.equal(plan.errors.length, 1);
    await refused(() => assertApplicable(plan, { ...bound, allowMassArchive: true }, config), 'config-errors');
    // and before the stale-plan guards
    await refused(
      () => assertApplicable(plan, { expectedConfigFingerprint: fingerprint, expectedStateFingerprint: 'other' }, config),
      'config-errors',
    );
  });

  it('applies a plan whose fingerprints match what was previewed', async () => {
    const { config, stateFingerprint } = await demoConfig();
    config.experiences[0] = { ...config.experiences[0], description: 'changed by the test' };
    const progress: string[] = [];
    const { plan, result } = await guardedApply(api, DEMO, config, {
      history: null,
      archiveUnlisted: true,
      requireFingerprints: true,
      expectedConfigFingerprint: fingerprintConfig(config, true),
      expectedStateFingerprint: stateFingerprint,
      onProgress: (done, total, message) => progress.push(`${done}/${total} ${message}`),
    });
    assert.equal(plan.summary.update, 1);
    assert.equal(result.ok, true);
    assert.equal(result.failures, 0);
    assert.ok(progress.length > 0);
    assert.deepEqual(
      writes().map((w) => w.operation),
      ['UpdateExperience'],
    );
    const stored = sb.store.experiences[DEMO.id].find((e) => e.name === config.experiences[0].name);
    assert.equal(stored?.description, 'changed by the test');
  });

  it('refuses a stale state, a changed config and a changed archiving mode, and writes nothing', async () => {
    const { config, fingerprint, stateFingerprint } = await demoConfig();
    const msg = await refused(
      () =>
        guardedApply(api, DEMO, config, {
          history: null,
          archiveUnlisted: true,
          expectedStateFingerprint: 'sha256:other',
          expectedConfigFingerprint: fingerprint,
        }),
      'stale-plan',
    );
    assert.match(msg, /project "demo" changed since the plan was made/);
    const changed = { ...config, managedExperienceTags: ['regression'] };
    assert.match(
      await refused(
        () =>
          guardedApply(api, DEMO, changed, {
            history: null,
            archiveUnlisted: true,
            expectedStateFingerprint: stateFingerprint,
            expectedConfigFingerprint: fingerprint,
          }),
        'stale-plan',
      ),
      /the config changed since the plan was made/,
    );
    await refused(
      () =>
        guardedApply(api, DEMO, config, {
          history: null,
          archiveUnlisted: false,
          expectedStateFingerprint: stateFingerprint,
          expectedConfigFingerprint: fingerprint,
        }),
      'stale-plan',
    );
    // a config fingerprint to check but no config to check it against
    const { plan } = await planAgainstProject(api, DEMO, config, { archiveUnlisted: true });
    await refused(() => assertApplicable(plan, { expectedConfigFingerprint: fingerprint }), 'stale-plan');
    assert.doesNotThrow(() =>
      assertApplicable(plan, { expectedConfigFingerprint: fingerprint, expectedStateFingerprint: stateFingerprint }, config),
    );
    assert.deepEqual(writes(), []);
  });

  it('requires both fingerprints when asked to, naming the missing ones', () => {
    assert.doesNotThrow(() => assertBound({}));
    assert.doesNotThrow(() => assertBound({ requireFingerprints: true, expectedStateFingerprint: 's', expectedConfigFingerprint: 'c' }));
    const missing = (guards: Parameters<typeof assertBound>[0]) => {
      try {
        assertBound(guards);
      } catch (e) {
        assert.ok(e instanceof PlanRefusedError);
        assert.equal(e.code, 'incomplete-plan');
        return /has no (.*), so nothing/.exec(e.message)?.[1];
      }
      return undefined;
    };
    assert.equal(missing({ requireFingerprints: true }), 'stateFingerprint and configFingerprint');
    assert.equal(missing({ requireFingerprints: true, expectedConfigFingerprint: 'c' }), 'stateFingerprint');
    assert.equal(missing({ requireFingerprints: true, expectedStateFingerprint: 's' }), 'configFingerprint');
  });

  it('guardedApply refuses an unbound plan when fingerprints are required, and writes nothing', async () => {
    const { config } = await demoConfig();
    await refused(
      () => guardedApply(api, DEMO, config, { history: null, archiveUnlisted: true, requireFingerprints: true }),
      'incomplete-plan',
    );
    assert.deepEqual(writes(), []);
  });

  it('refuses a mass archive unless allowed, saying how many of how many', async () => {
    const empty: SyncConfig = { experiences: [], managedTestSuites: [], managedExperienceTags: [] };
    const msg = await refused(() => guardedApply(api, DEMO, empty, { history: null, archiveUnlisted: true }), 'mass-archive');
    const active = sb.store.experiences[DEMO.id].filter((e) => !e.archived).length;
    assert.match(msg, new RegExp(`archives ${active} of ${active} active experiences`));
    assert.deepEqual(writes(), []);
    const { plan, result } = await guardedApply(api, DEMO, empty, { history: null, archiveUnlisted: true, allowMassArchive: true });
    assert.equal(plan.summary.archive, active);
    assert.equal(result.ok, true);
    assert.equal(writes().filter((w) => w.operation === 'ArchiveExperience').length, active);
  });

  it('a saved plan must be exactly the plan its state and config give now', async () => {
    const { config, fingerprint } = await demoConfig();
    config.experiences[0] = { ...config.experiences[0], description: 'changed' };
    const { plan } = await planAgainstProject(api, DEMO, config, { archiveUnlisted: true });
    const current = planToJson(plan, { configFingerprint: fingerprint });
    assert.doesNotThrow(() => assertSavedPlanMatches(JSON.parse(JSON.stringify(current)), current));
    const edited = JSON.parse(JSON.stringify(current));
    edited.experiences[0].action = 'unchanged';
    await refused(() => assertSavedPlanMatches(edited, current), 'plan-mismatch');
  });
  it('a saved plan: unknown fields are ignored at any depth, known ones must all be there and equal', () => {
    const current = { a: 1, list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: { k: 'v' }, nil: null } as unknown as PlanJson;
    const ok = (saved: unknown) => assert.doesNotThrow(() => assertSavedPlanMatches(saved, current), JSON.stringify(saved));
    const mismatch = (saved: unknown) =>
      assert.throws(
        () => assertSavedPlanMatches(saved, current),
        (e: unknown) => e instanceof PlanRefusedError && e.code === 'plan-mismatch',
        JSON.stringify(saved),
      );
    ok({
      a: 1,
      list: [
        { x: 1, y: [1, 2], extra: true },
        { x: 2, more: {} },
      ],
      obj: { k: 'v', new: 1 },
      nil: null,
      top: 'new',
    });
    mismatch({ list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: { k: 'v' }, nil: null }); // a known field dropped
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2] }, { x: 2 }, { x: 3 }], obj: { k: 'v' }, nil: null }); // an extra entry
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2, 3] }, { x: 2 }], obj: { k: 'v' }, nil: null }); // an extra nested element
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2] }], obj: { k: 'v' }, nil: null }); // an entry dropped
    mismatch({ a: 1, list: { 0: { x: 1, y: [1, 2] }, 1: { x: 2 } }, obj: { k: 'v' }, nil: null }); // an object for a list
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: [{ k: 'v' }], nil: null }); // a list for an object
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: 'k', nil: null }); // a string for an object
    mismatch({ a: 1, list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: { k: 'v' }, nil: { x: 1 } }); // an object for null
    mismatch({ a: { v: 1 }, list: [{ x: 1, y: [1, 2] }, { x: 2 }], obj: { k: 'v' }, nil: null }); // an object for a number
    mismatch(null);
    mismatch([current]);
  });

  it('readProject without options reads the state', async () => {
    const state = await readProject(api, 'demo');
    assert.deepEqual(state.project, DEMO);
  });
});
