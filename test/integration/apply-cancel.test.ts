/**
 * Cancel during a large apply (issue 22): 6,000 creates against the sandbox with latency, so that
 * calls are in flight when Cancel is pressed, cancelled at random points. After each cancel the
 * result's made creates are exactly the experiences the project holds, every call not made says
 * "cancelled" (never failed), and a preview right after plans exactly the remaining creates.
 */
import { strict as assert } from 'assert';
import { startSandbox, SEED_IDS, type Sandbox } from '../../sandbox/server';
import { StaticTokenAuth } from '../../server/src/resim/auth';
import { createResimClient } from '../../server/src/resim/client';
import { applyPlan } from '../../server/src/sync/apply';
import { ingest } from '../../server/src/sync/ingest';
import { computePlan } from '../../server/src/sync/plan';
import type { SyncConfig } from '../../server/src/config/model';
import { CANCELLED_CALL, cancelledApplyLine } from '../../protocol';
import { seeded } from '../support/random';

const COUNT = 6000;
const PREFIX = 'big-scenario-';

const config: SyncConfig = {
  experiences: Array.from({ length: COUNT }, (_, i) => ({
    name: `${PREFIX}${String(i).padStart(5, '0')}`,
    description: 'generated for the cancel test',
    locations: [`s3://bench/big/${i}`],
  })),
  managedTestSuites: [],
  managedExperienceTags: [],
};

describe('apply: Cancel at random points of a 6,000-create apply', function () {
  this.timeout(300_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ seed: 'demo', latencyMs: 40 });
  });
  after(async () => sb?.close());

  const project = { id: SEED_IDS.demoProject, name: 'demo' };
  const api = () => createResimClient({ apiUrl: sb.url, auth: new StaticTokenAuth('token', sb.url), retryBaseMs: 1 });
  const held = () => (sb.store.experiences[project.id] ?? []).filter((e) => e.name.startsWith(PREFIX) && !e.archived).length;

  async function cancelledRun(cancelAfterMs: number, cancelGraceMs?: number) {
    const client = api();
    const before = held();
    const plan = computePlan(config, await ingest(client, project), { archiveUnlisted: false });
    assert.equal(plan.summary.create, COUNT - before, 'the plan creates what is missing');
    const cancel = new AbortController();
    const timer = setTimeout(() => cancel.abort(), cancelAfterMs);
    const result = await applyPlan(client, plan, { signal: cancel.signal, cancelGraceMs });
    clearTimeout(timer);
    const made = result.calls.filter((c) => c.ok && c.operation === 'CreateExperience').length;
    const notMade = result.calls.filter((c) => c.skipped);
    assert.equal(result.cancelled, true, 'cancelled before the end');
    // Settle: no answer of the sandbox is still on its way.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(held() - before, made, `"made" (${made}) is what the project holds (${held() - before} new)`);
    assert.ok(
      notMade.every((c) => c.error === CANCELLED_CALL),
      'every call not made says cancelled',
    );
    assert.equal(result.calls.filter((c) => !c.ok && !c.skipped).length, 0, 'no call is called failed');
    assert.equal(made + notMade.length, plan.summary.create);
    assert.equal(cancelledApplyLine(result), `${made} made, ${notMade.length} not made (cancelled)`);
    const again = computePlan(config, await ingest(client, project), { archiveUnlisted: false });
    assert.equal(again.summary.create, notMade.length, 'a preview right after plans exactly the remaining work');
    client.close();
    return made;
  }

  it('counts every call sent before the cancel by its outcome (three random points)', async () => {
    const random = seeded(22);
    for (let i = 0; i < 3; i++) await cancelledRun(150 + Math.floor(random() * 900));
  });

  it('settles calls still in flight after the grace by reading the project', async () => {
    sb.setFaults({ latencyMs: 1500 });
    try {
      const made = await cancelledRun(700, 100);
      assert.ok(made >= 0);
    } finally {
      sb.setFaults({ latencyMs: 40 });
    }
  });
});
