/**
 * `resim/apply` over stdio against a fresh sandbox: the guards (config errors, stale plan, mass
 * archive), progress on the client's work-done token, and the refresh of state and diagnostics
 * afterwards (a second preview says "No changes").
 */
import { strict as assert } from 'assert';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { LspClient } from './lsp-helpers';
import { demoConfig } from '../fixtures/demo-config';

const CONFIG = demoConfig('created-by-the-lsp-test', { withArchived: true });

type Preview = {
  plan: { stateFingerprint: string; configFingerprint: string; summary: Record<string, number>; massArchive: { tripped: boolean } } | null;
  errors?: { code: string }[];
};

/** The two fingerprints of a previewed plan, as `resim/apply` needs them. */
const bound = (pv: Preview) => ({ stateFingerprint: pv.plan!.stateFingerprint, configFingerprint: pv.plan!.configFingerprint });

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ResponseError, String(err));
    return { code: (err.data as { code: string }).code, message: err.message };
  }
  assert.fail('expected a refusal');
}

describe('language server: resim/apply', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: LspClient;

  beforeEach(async () => {
    sb = await startSandbox({ seed: 'demo' });
    c = await LspClient.startSignedIn(sb.url, 'any');
  });
  afterEach(async () => {
    await c?.stop();
    await sb?.close();
  });

  async function open(text: string, name: string): Promise<string> {
    const uri = `file:///ws/${name}.experiences.yaml`;
    c.open(uri, text);
    await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive' || x.code === 'will-restore'));
    return uri;
  }

  it('applies the previewed plan with progress, then refreshes state and diagnostics', async () => {
    const uri = await open(CONFIG, 'apply');
    const pv = await c.request<Preview>('resim/preview', { uri });
    assert.equal(pv.errors, undefined);
    assert.equal(pv.plan!.summary.create, 1);
    const result = await c.request<{ ok: boolean; failures: number; calls: { operation: string }[]; cancelled: boolean }>('resim/apply', {
      uri,
      ...bound(pv),
      workDoneToken: 'apply-1',
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.failures, 0);
    assert.ok(result.calls.some((x) => x.operation === 'CreateExperience'));
    assert.ok(result.calls.some((x) => x.operation === 'ReviseTestSuite'));
    const kinds = c.progress
      .map((p) => p as { token: string; value: { kind: string } })
      .filter((p) => p.token === 'apply-1')
      .map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.ok(kinds.includes('report'));
    assert.ok(sb.store.experiences['d0000000-0000-4000-8000-000000000001'].some((e) => e.name === 'created-by-the-lsp-test'));
    // State is read again: the lenses and the preview now say there is nothing to do.
    const after = await c.until(
      () => {
        const p = c.diagnostics.get(uri);
        return p && !p.diagnostics.some((d) => d.code === 'will-restore') ? p : undefined;
      },
      10_000,
      'diagnostics after apply',
    );
    assert.ok(after);
    const again = await c.request<Preview>('resim/preview', { uri });
    assert.ok(
      Object.entries(again.plan!.summary).every(([k, v]) => k === 'unchanged' || v === 0),
      JSON.stringify(again.plan!.summary),
    );
    assert.equal((await c.codeLens(uri))[0].command?.title, 'No changes');
  });

  it('$/cancelRequest stops an apply: the calls not yet made are not made, and the result says cancelled', async () => {
    const uri = await open(CONFIG, 'cancel');
    const pv = await c.request<Preview>('resim/preview', { uri });
    const writes = () => sb.requestLog.filter((r) => r.method !== 'GET');
    sb.setFaults({ latencyMs: 400 });
    const source = new CancellationTokenSource();
    const applying = c.request<{ ok: boolean; cancelled: boolean; calls: { operation: string; ok: boolean }[] }>(
      'resim/apply',
      { uri, ...bound(pv) },
      source.token,
    );
    await c.until(() => writes().length > 0, 20_000, 'the first write call');
    source.cancel();
    let result: { cancelled: boolean; calls: { operation: string; ok: boolean }[] } | undefined;
    try {
      result = await applying;
    } catch (err) {
      // An editor may also be answered RequestCancelled (-32800).
      assert.ok(err instanceof ResponseError && err.code === -32800, String(err));
    }
    if (result) assert.equal(result.cancelled, true, JSON.stringify(result));
    // Calls already on the wire finish (their answers are logged late); nothing new is sent.
    await new Promise((r) => setTimeout(r, 1000));
    const made = writes().length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(writes().length, made, 'no write is sent after the cancel');
    assert.ok(!writes().some((w) => w.method === 'DELETE' && /experiences\//.test(w.path)), 'the archives (the last phase) were not made');
  });

  it('refuses a stale plan (the project changed after the preview)', async () => {
    const uri = await open(CONFIG, 'stale');
    const pv = await c.request<Preview>('resim/preview', { uri });
    // Someone else changes the project.
    const res = await fetch(`${sb.url}projects/d0000000-0000-4000-8000-000000000001/experiences/e0000000-0000-4000-8000-000000000005`, {
      method: 'PATCH',
      headers: { Authorization: 'Bearer any', 'Content-Type': 'application/json' },
      body: JSON.stringify({ experience: { description: 'changed elsewhere' }, updateMask: ['description'] }),
    });
    assert.equal(res.status, 200);
    const before = sb.requestLog.length;
    const r = await refusal(c.request('resim/apply', { uri, ...bound(pv) }));
    assert.equal(r.code, 'stale-plan');
    assert.match(r.message, /Stale plan/);
    const writes = sb.requestLog.slice(before).filter((e) => e.method !== 'GET');
    assert.deepEqual(writes, [], 'nothing written');
  });

  it('refuses a tripped mass-archive guard unless allowed', async () => {
    // Another project with many experiences, synced from an empty config.
    const uri = await open('# resim-project: demo\nexperiences: []\n', 'mass');
    const pv = await c.request<Preview>('resim/preview', { uri });
    assert.ok(pv.plan!.summary.archive >= 3);
    // Make a bigger project by creating 12 experiences, then archive them all.
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${sb.url}projects/d0000000-0000-4000-8000-000000000001/experiences`, {
        method: 'POST',
        headers: { Authorization: 'Bearer any', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `bulk-${i}`, description: 'bulk', locations: ['s3://bulk'] }),
      });
      assert.equal(res.status, 201);
    }
    await c.request('resim/refreshState', { uri });
    const pv2 = await c.request<Preview>('resim/preview', { uri });
    assert.equal(pv2.plan!.summary.archive, 16);
    const r = await refusal(c.request('resim/apply', { uri, ...bound(pv2) }));
    assert.equal(r.code, 'mass-archive');
    const ok = await c.request<{ ok: boolean }>('resim/apply', { uri, ...bound(pv2), allowMassArchive: true });
    assert.equal(ok.ok, true);
  });

  it('refuses a config with errors', async () => {
    const uri = await open(CONFIG.replace('tags: [regression]', 'tags: [no-such-tag]'), 'errors');
    const pv = await c.request<Preview>('resim/preview', { uri });
    assert.ok(pv.errors?.some((e) => e.code === 'unknown-tag'));
    const r = await refusal(c.request('resim/apply', { uri, ...bound(pv) }));
    assert.equal(r.code, 'config-errors');
    const bad = `file:///ws/static-errors.experiences.yaml`;
    c.open(bad, '# resim-project: demo\nexperiences:\n  - name: a\n');
    await c.diagnosticsFor(bad, (d) => d.some((x) => x.code === 'schema'));
    assert.equal((await refusal(c.request('resim/apply', { uri: bad, ...bound(pv) }))).code, 'config-errors');
  });

  it('refuses a plan whose document changed after the preview (stale-plan), and writes nothing', async () => {
    // Config A: 1 create; config B (typed after the preview): lists only 2 experiences, so 3 archives nobody previewed.
    const uri = await open(CONFIG, 'edited');
    const pv = await c.request<Preview>('resim/preview', { uri });
    assert.equal(pv.plan!.summary.archive, 0);
    assert.match(pv.plan!.configFingerprint, /^[0-9a-f]{64}$/);
    const b = CONFIG.split('  - name: hover-stability-baseline')[0] + 'managedTestSuites: []\n';
    c.change(uri, b);
    const pvB = await c.request<Preview>('resim/preview', { uri });
    assert.ok(pvB.plan!.summary.archive >= 3, JSON.stringify(pvB.plan!.summary));
    assert.notEqual(pvB.plan!.configFingerprint, pv.plan!.configFingerprint);
    const before = sb.requestLog.length;
    const r = await refusal(c.request('resim/apply', { uri, ...bound(pv), allowMassArchive: true }));
    assert.equal(r.code, 'stale-plan');
    assert.match(r.message, /config changed/);
    assert.deepEqual(
      sb.requestLog.slice(before).filter((e) => e.method !== 'GET'),
      [],
      'nothing written',
    );
  });

  it('refuses an apply without both fingerprints (incomplete-plan), before reading anything', async () => {
    const uri = await open(CONFIG, 'unbound');
    const pv = await c.request<Preview>('resim/preview', { uri });
    const before = sb.requestLog.length;
    for (const params of [
      { uri, stateFingerprint: pv.plan!.stateFingerprint },
      { uri, configFingerprint: pv.plan!.configFingerprint },
      { uri },
    ]) {
      const r = await refusal(c.request('resim/apply', params));
      assert.equal(r.code, 'incomplete-plan', JSON.stringify(params));
    }
    assert.deepEqual(sb.requestLog.slice(before), [], 'no API call');
  });

  it('a plan that archives every experience of a small project trips the guard', async () => {
    const uri = await open('# resim-project: demo\nexperiences: []\n', 'small');
    const pv = await c.request<Preview>('resim/preview', { uri });
    assert.equal(pv.plan!.summary.archive, 4);
    assert.equal(pv.plan!.massArchive.tripped, true);
    const before = sb.requestLog.length;
    assert.equal((await refusal(c.request('resim/apply', { uri, ...bound(pv) }))).code, 'mass-archive');
    assert.deepEqual(
      sb.requestLog.slice(before).filter((e) => e.method !== 'GET'),
      [],
      'nothing written',
    );
  });
});
