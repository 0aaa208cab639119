/**
 * The sandbox's seeds, persistence (data file round trip, atomic writes), scale
 * (generateStore with 50,000 experiences served through full paging) and its command
 * (`runSandboxCommand`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSandboxCommand, SandboxUsageError } from '../../sandbox/cli';
import { generateStore, GENERATED_PROJECT_ID, seedStore, SEED_IDS, startSandbox, type Sandbox } from '../../sandbox/server';

const DEMO = SEED_IDS.demoProject;
const AUTH = { Authorization: 'Bearer test-token' };

async function call(s: Sandbox, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(p, s.url), {
    method,
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function countAll(s: Sandbox, p: string, key: string): Promise<{ count: number; pages: number; ids: Set<string> }> {
  const ids = new Set<string>();
  let count = 0;
  let pages = 0;
  let token = '';
  for (;;) {
    const sep = p.includes('?') ? '&' : '?';
    const a = await call(s, 'GET', `${p}${sep}pageSize=100${token ? `&pageToken=${token}` : ''}`);
    assert.equal(a.status, 200);
    pages++;
    for (const x of a.body[key]) ids.add(x.experienceID);
    count += a.body[key].length;
    token = a.body.nextPageToken;
    if (!token || a.body[key].length === 0) return { count, pages, ids };
  }
}

describe('sandbox: seeds', () => {
  it('empty: one project "empty-project" and nothing else', () => {
    const st = seedStore('empty');
    assert.deepEqual(
      st.projects.map((p) => p.name),
      ['empty-project'],
    );
    const id = st.projects[0].projectID;
    assert.deepEqual([st.experiences[id], st.experienceTags[id], st.systems[id], st.testSuites[id]], [[], [], [], []]);
  });

  it('demo: reproducible, with what the seed example names and something for it to change', () => {
    const a = seedStore('demo');
    assert.deepEqual(seedStore('demo'), a, 'fixed IDs and timestamps');
    assert.deepEqual(
      a.projects.map((p) => p.name),
      ['demo', 'perception'],
    );
    const example = fs.readFileSync(path.join(__dirname, '../fixtures/seed-example.yaml'), 'utf8');
    const byName = <T extends { name: string }>(xs: T[], n: string): T | undefined => xs.find((x) => x.name === n);
    for (const n of ['regression', 'progression']) {
      assert.ok(example.includes(n));
      assert.ok(byName(a.experienceTags[DEMO], n), `tag ${n}`);
    }
    assert.ok(byName(a.experienceTags[DEMO], 'nightly'), 'an unmanaged tag');
    assert.ok(byName(a.systems[DEMO], 'mbauer_tmp_hil_repro'));
    assert.ok(a.systems[DEMO].length >= 2);
    assert.ok(byName(a.testSuites[DEMO], 'Basic Suite'));
    const alpha = byName(a.experiences[DEMO], 'scenario-survey-alpha')!;
    assert.equal(alpha.archived, false);
    assert.notEqual(alpha.description, 'Aerial survey over test zone', 'differs from the example so it gets updated');
    assert.ok(alpha.experienceTagIDs.includes(SEED_IDS.demo.tags.progression), 'managed tag to be removed');
    assert.equal(byName(a.experiences[DEMO], 'new-scenario-system-check')!.archived, true, 'to be restored');
    assert.equal(byName(a.experiences[DEMO], 'legacy-night-flight')!.archived, false, 'unlisted: to be archived');
    assert.ok(!example.includes('legacy-night-flight'));
    const basic = byName(a.testSuites[DEMO], 'Basic Suite')!;
    assert.ok(basic.experiences.length >= 2);
    assert.ok(a.experiences[SEED_IDS.perceptionProject].length >= 3);
  });
});

describe('sandbox: persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sandbox-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('seeds a missing data file, saves every write, and loads it again', async () => {
    const file = path.join(dir, 'state.json');
    let s = await startSandbox({ dataFile: file, seed: 'demo' });
    assert.ok(fs.existsSync(file), 'written at start');
    const created = await call(s, 'POST', `projects/${DEMO}/experiences`, { name: 'persisted', description: 'kept across restarts' });
    assert.equal(created.status, 201);
    assert.equal(
      (
        await call(s, 'PATCH', `projects/${DEMO}/suites/${SEED_IDS.demo.suites['Basic Suite']}`, {
          experiences: [created.body.experienceID],
        })
      ).status,
      200,
    );
    assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experiences/${SEED_IDS.demo.experiences['legacy-night-flight']}`)).status, 204);
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.ok(
      onDisk.experiences[DEMO].some((e: any) => e.name === 'persisted'),
      'saved before the answer',
    );
    await s.close();
    assert.deepEqual(fs.readdirSync(dir), ['state.json'], 'no temp files left behind');

    s = await startSandbox({ dataFile: file, seed: 'empty' });
    try {
      const found = await call(s, 'GET', `projects/${DEMO}/experiences?name=persisted`);
      assert.equal(found.body.experiences[0].experienceID, created.body.experienceID, 'the file wins over the seed');
      const suite = await call(s, 'GET', `projects/${DEMO}/suites/${SEED_IDS.demo.suites['Basic Suite']}`);
      assert.equal(suite.body.testSuiteRevision, 3);
      assert.deepEqual(suite.body.experiences, [created.body.experienceID]);
      const archived = await call(s, 'GET', `projects/${DEMO}/experiences?archived=true&name=legacy-night-flight`);
      assert.equal(archived.body.experiences.length, 1);
      // Indexes are rebuilt from the file: names stay unique.
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experiences`, { name: 'persisted', description: 'dup' })).status, 409);
    } finally {
      await s.close();
    }
  });

  it('refuses a data file that is not a sandbox store, saying what to do', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{"hello": 1');
    await assert.rejects(startSandbox({ dataFile: file }), /not a sandbox data file \(not valid JSON.*pass --data a new file name/);
    fs.writeFileSync(file, '{"version": 99, "projects": []}');
    await assert.rejects(startSandbox({ dataFile: file }), /version 99/);
  });
});

describe('sandbox: scale', function () {
  this.timeout(180_000);

  it('generateStore(50000) serves full listings through paging', async () => {
    const store = generateStore({ experiences: 50_000, tags: 10, systems: 3, suites: 5 });
    const pid = GENERATED_PROJECT_ID;
    assert.equal(store.experiences[pid].length, 50_000);
    const archivedCount = store.experiences[pid].filter((e) => e.archived).length;
    assert.equal(archivedCount, 2_500);
    const s = await startSandbox({ store });
    try {
      const live = await countAll(s, `projects/${pid}/experiences`, 'experiences');
      assert.equal(live.count, 47_500);
      assert.equal(live.ids.size, 47_500);
      assert.equal(live.pages, 475);
      const archived = await countAll(s, `projects/${pid}/experiences?archived=true`, 'experiences');
      assert.equal(archived.count, 2_500);
      const tag0 = store.experienceTags[pid][0].experienceTagID;
      const expected = store.experiences[pid].filter((e) => !e.archived && e.experienceTagIDs.includes(tag0)).length;
      const tagged = await countAll(s, `projects/${pid}/experienceTags/${tag0}/experiences`, 'experiences');
      assert.equal(tagged.count, expected);
      const first = await call(s, 'GET', `projects/${pid}/experiences?pageSize=1`);
      assert.equal(first.body.total, 47_500);
      const byName = await call(s, 'GET', `projects/${pid}/experiences?name=exp-49999`);
      assert.equal(byName.body.experiences.length, 1);
      const suites = await call(s, 'GET', `projects/${pid}/suites`);
      assert.equal(suites.body.testSuites.length, 5);
    } finally {
      await s.close();
    }
  });
});

describe('sandbox: command', () => {
  it('prints where it listens and how to use it, logs requests when verbose, stops on abort', async () => {
    let out = '';
    let err = '';
    const stop = new AbortController();
    let sandbox: Sandbox | undefined;
    let listening!: () => void;
    const started = new Promise<void>((resolve) => (listening = resolve));
    const finished = runSandboxCommand({
      port: '0',
      seed: 'demo',
      verbose: true,
      token: 'super-secret',
      out: { write: (x: string) => (out += x) },
      err: { write: (x: string) => (err += x) },
      signal: stop.signal,
      onListening: (sb) => {
        sandbox = sb;
        listening();
      },
    });
    try {
      await Promise.race([started, finished]);
      assert.ok(sandbox, 'listening');
      assert.match(out, /^ReSim sandbox listening on http:\/\/127\.0\.0\.1:\d+\/v1\/ \(project "demo"\)\n/);
      assert.match(
        out,
        /RESIM_URL=http:\/\/127\.0\.0\.1:\d+\/v1\/ RESIM_TOKEN=<the token of --token> resim-sync preview --project demo --config /,
      );
      const res = await fetch(new URL('projects', sandbox.url), { headers: { Authorization: 'Bearer super-secret' } });
      assert.equal(res.status, 200);
      await res.text();
      assert.match(err, /GET \/v1\/projects → 200/);
    } finally {
      stop.abort();
    }
    assert.equal(await finished, 0);
    assert.match(out, /stopped/);
    assert.ok(!out.includes('super-secret') && !err.includes('super-secret'), 'the token is never printed');
    await assert.rejects(fetch(new URL('projects', sandbox!.url)), 'closed after abort');
  });

  it('rejects bad flags with a message naming the flag', async () => {
    await assert.rejects(runSandboxCommand({ port: 'eighty' }), (e: unknown) => e instanceof SandboxUsageError && /--port/.test(e.message));
    await assert.rejects(runSandboxCommand({ failRate: '1.5' }), /--fail-rate/);
    await assert.rejects(runSandboxCommand({ latencyMs: -3 }), /--latency-ms/);
    await assert.rejects(runSandboxCommand({ seed: 'full' }), /--seed/);
  });

  it('reports a port in use clearly', async () => {
    const s = await startSandbox({ seed: 'empty' });
    try {
      await assert.rejects(startSandbox({ port: s.port }), /already in use/);
    } finally {
      await s.close();
    }
  });
});
