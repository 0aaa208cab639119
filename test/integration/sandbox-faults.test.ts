/**
 * The sandbox's fault injection (latency, 500/503/429 with Retry-After, dropped connections,
 * writes applied before their answer is lost) and its admin endpoints under /_sandbox/.
 * Randomness comes from `opts.random`, so every test is deterministic.
 */
import * as assert from 'node:assert/strict';
import { startSandbox, SEED_IDS, type Sandbox } from '../../sandbox/server';
import { seeded } from '../support/random';

const DEMO = SEED_IDS.demoProject;
const AUTH = { Authorization: 'Bearer test-token' };

/** A random source that returns `values` in order, then `fallback` forever. */
function scripted(values: number[], fallback = 0.99): { random: () => number; push: (...v: number[]) => void; left: () => number } {
  const queue = values.slice();
  return {
    random: () => (queue.length ? queue.shift()! : fallback),
    push: (...v) => queue.push(...v),
    left: () => queue.length,
  };
}

async function get(s: Sandbox, path: string): Promise<Response> {
  return fetch(new URL(path, s.url), { headers: AUTH });
}

async function create(s: Sandbox, name: string): Promise<Response> {
  return fetch(new URL(`projects/${DEMO}/experiences`, s.url), {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, description: 'fault test', locations: ['s3://x'] }),
  });
}

const exists = (s: Sandbox, name: string): boolean => s.store.experiences[DEMO].some((e) => e.name === name);

describe('sandbox: fault injection', () => {
  let s: Sandbox;
  let rnd: ReturnType<typeof scripted>;
  beforeEach(async () => {
    rnd = scripted([]);
    s = await startSandbox({ seed: 'demo', failRate: 1, random: rnd.random });
  });
  afterEach(async () => {
    await s.close();
  });

  it('answers 500, 503 and 429 (Retry-After 0 or 1) with JSON messages, as the draws choose', async () => {
    // Draws: [fails?, kind (×4 → index)], plus the Retry-After draw for 429.
    rnd.push(0, 0.1);
    let r = await get(s, 'projects');
    assert.equal(r.status, 500);
    assert.equal(typeof ((await r.json()) as any).message, 'string');
    rnd.push(0, 0.3);
    r = await get(s, 'projects');
    assert.equal(r.status, 503);
    await r.text();
    rnd.push(0, 0.6, 0.2);
    r = await get(s, 'projects');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '0');
    await r.text();
    rnd.push(0, 0.6, 0.8);
    r = await get(s, 'projects');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    await r.text();
    assert.equal(rnd.left(), 0, 'each request drew exactly what the rules say');
    assert.deepEqual(
      s.requestLog.map((e) => [e.status, e.fault]),
      [
        [500, 'http500'],
        [503, 'http503'],
        [429, 'http429'],
        [429, 'http429'],
      ],
    );
  });

  it('drops the connection', async () => {
    rnd.push(0, 0.9);
    await assert.rejects(get(s, 'projects'));
    assert.equal(s.requestLog.length, 1);
    assert.equal(s.requestLog[0].status, 0);
    assert.equal(s.requestLog[0].fault, 'drop');
  });

  it('passes requests whose first draw is at or above failRate', async () => {
    s.setFaults({ failRate: 0.5 });
    rnd.push(0.5);
    const r = await get(s, 'projects');
    assert.equal(r.status, 200);
    await r.text();
  });

  it('applies a write and then drops its answer (the lost create)', async () => {
    rnd.push(0, 0.9, 0.1); // fail, drop, applied
    await assert.rejects(create(s, 'lost-answer'));
    assert.ok(exists(s, 'lost-answer'), 'the experience was created although the client saw no answer');
    const entry = s.requestLog[s.requestLog.length - 1];
    assert.deepEqual([entry.operation, entry.status, entry.fault, entry.applied], ['CreateExperience', 0, 'drop', true]);
    // A blind retry collides with the experience the lost request made.
    s.setFaults({ failRate: 0 });
    const retry = await create(s, 'lost-answer');
    assert.equal(retry.status, 409);
    await retry.text();
  });

  it('applies a write and then answers 500, or fails before applying it', async () => {
    rnd.push(0, 0.1, 0.2); // fail, 500, applied
    let r = await create(s, 'applied-then-500');
    assert.equal(r.status, 500);
    await r.text();
    assert.ok(exists(s, 'applied-then-500'));
    rnd.push(0, 0.1, 0.7); // fail, 500, not applied
    r = await create(s, 'not-applied-500');
    assert.equal(r.status, 500);
    await r.text();
    assert.ok(!exists(s, 'not-applied-500'));
    rnd.push(0, 0.3); // 503 never applies
    r = await create(s, 'not-applied-503');
    assert.equal(r.status, 503);
    await r.text();
    assert.ok(!exists(s, 'not-applied-503'));
    assert.deepEqual(
      s.requestLog.map((e) => !!e.applied),
      [true, false, false],
    );
  });

  it('never applies reads: a GET with a 500 fault draws no "applied" value', async () => {
    rnd.push(0, 0.1, 0.0);
    const r = await get(s, 'projects');
    assert.equal(r.status, 500);
    await r.text();
    assert.equal(rnd.left(), 1, 'the third draw was not consumed');
  });

  it('injects every kind at about the configured rate (seeded)', async () => {
    await s.close();
    s = await startSandbox({ seed: 'demo', failRate: 0.3, random: seeded(42) });
    const seen: Record<string, number> = {};
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      try {
        const r = await get(s, 'projects');
        await r.text();
        if (r.status !== 200) failures++;
        seen[r.status] = (seen[r.status] ?? 0) + 1;
      } catch {
        failures++;
        seen.drop = (seen.drop ?? 0) + 1;
      }
    }
    for (const k of ['200', '500', '503', '429', 'drop']) assert.ok(seen[k] > 0, `saw ${k}: ${JSON.stringify(seen)}`);
    assert.ok(failures > 30 && failures < 90, `failures ${failures} of 200 at rate 0.3`);
  });

  it('runs scripted faults from setFaults({next}) before the fail rate', async () => {
    s.setFaults({
      failRate: 0,
      next: [
        { kind: 'http429', retryAfter: 1 },
        { kind: 'drop', applied: true },
      ],
    });
    const r = await get(s, 'projects');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    await r.text();
    await assert.rejects(create(s, 'scripted-lost'));
    assert.ok(exists(s, 'scripted-lost'));
    const ok = await get(s, 'projects');
    assert.equal(ok.status, 200);
    await ok.text();
    assert.throws(() => s.setFaults({ failRate: 2 }), RangeError);
    assert.throws(() => s.setFaults({ latencyMs: -1 }), RangeError);
  });

  it('keeps latency settings and still answers', async () => {
    s.setFaults({ failRate: 0, latencyMs: 20 });
    assert.equal(s.getFaults().latencyMs, 20);
    const r = await get(s, 'projects');
    assert.equal(r.status, 200);
    await r.text();
  });
});

describe('sandbox: admin endpoints', () => {
  let s: Sandbox;
  let base: string;
  beforeEach(async () => {
    s = await startSandbox({ seed: 'demo' });
    base = `http://127.0.0.1:${s.port}/_sandbox/`;
  });
  /** An admin request: they need the sandbox's admin token (docs/security.md). */
  const admin = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { Authorization: `Bearer ${s.adminToken}` } });
  afterEach(async () => {
    await s.close();
  });

  it('serves and clears the request log (without logging itself)', async () => {
    await (await get(s, `projects/${DEMO}/experiences?pageSize=5&archived=true`)).text();
    await (await fetch(new URL('projects', s.url))).text(); // 401
    const log = (await (await admin(`${base}requests`)).json()) as any[];
    assert.equal(log.length, 2);
    assert.equal(log[0].method, 'GET');
    assert.equal(log[0].path, `/v1/projects/${DEMO}/experiences`);
    assert.deepEqual(log[0].query, { pageSize: '5', archived: 'true' });
    assert.equal(log[0].status, 200);
    assert.equal(log[0].operation, 'ListExperiences');
    assert.ok(!Number.isNaN(Date.parse(log[0].timestamp)));
    assert.equal(log[1].status, 401);
    assert.ok(!JSON.stringify(log).includes('test-token'), 'the token is never logged');
    assert.equal((await admin(`${base}requests`, { method: 'DELETE' })).status, 204);
    assert.equal(s.requestLog.length, 0);
  });

  it('sets faults over HTTP and rejects bad values', async () => {
    const put = await admin(`${base}faults`, { method: 'PUT', body: JSON.stringify({ failRate: 1, latencyMs: 0, next: [] }) });
    assert.equal(put.status, 200);
    assert.equal(((await put.json()) as any).failRate, 1);
    assert.equal(s.getFaults().failRate, 1);
    const bad = await admin(`${base}faults`, { method: 'PUT', body: JSON.stringify({ failRate: 'often' }) });
    assert.equal(bad.status, 400);
    await bad.text();
    const scripted = await admin(`${base}faults`, { method: 'PUT', body: JSON.stringify({ failRate: 0, next: [{ kind: 'http503' }] }) });
    await scripted.text();
    const r = await get(s, 'projects');
    assert.equal(r.status, 503);
    await r.text();
  });

  it('serves the state and resets it to a seed', async () => {
    await (await create(s, 'to-be-reset')).text();
    const state = (await (await admin(`${base}state`)).json()) as any;
    assert.ok(state.experiences[DEMO].some((e: any) => e.name === 'to-be-reset'));
    const reset = await admin(`${base}reset`, { method: 'POST', body: JSON.stringify({ seed: 'empty' }) });
    assert.equal(reset.status, 204);
    assert.deepEqual(
      s.store.projects.map((p) => p.name),
      ['empty-project'],
    );
    assert.equal((await admin(`${base}nothing`)).status, 404);
  });
});
