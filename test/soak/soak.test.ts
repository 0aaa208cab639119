/**
 * Soak: rounds of random config edits (add, rename via experienceID, retag, move between test
 * suites, delete) applied with the CLI as users run it (`node dist/cli.js apply --yes
 * --allow-mass-archive`) to an in-process sandbox failing 20% of requests, each round followed by
 * a preview with the faults off. Invariants after every round:
 *   - the CLI never crashes: exit codes only 0 or 1, no stack trace;
 *   - the preview says "No changes" after at most one re-apply (faults off);
 *   - no experience name exists twice in the project (archived ones included);
 *   - no experience the config lists is archived.
 * Every few rounds a second writer changes the project between `preview --out plan.json` and
 * `apply --plan plan.json`: apply must refuse (exit 3) and write nothing.
 *
 * SOAK_ROUNDS (default 15: the short version run by `npm test`; `npm run soak` runs 200),
 * SOAK_SEED (default 1) for the random edits and faults.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, generateStore, GENERATED_PROJECT_ID, type Sandbox } from '../../sandbox/server';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import { configYaml, seeded } from '../../bench/lib/configs';

const ROUNDS = Math.max(1, Number(process.env.SOAK_ROUNDS ?? 15));
const SEED = Number(process.env.SOAK_SEED ?? 1);
const FAULT_RATE = 0.2;
const STALE_EVERY = 5;
const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const TAGS = Array.from({ length: 6 }, (_, i) => `tag-${i}`);
const SYSTEMS = Array.from({ length: 3 }, (_, i) => `system-${i}`);
const SUITES = Array.from({ length: 3 }, (_, i) => `suite-${i}`);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const STACK = /\n\s+at .+[(\s]\S+:\d+:\d+\)?/;

/** The CLI ended as designed: 0 or 1 (or `allowed`), by itself, without a stack trace. */
function assertNoCrash(r: Run, what: string, allowed: number[] = [0, 1]): void {
  const out = `${what}: exit ${r.code ?? r.signal}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
  assert.ok(r.code !== null && allowed.includes(r.code), out);
  assert.ok(!STACK.test(r.stderr), `stack trace in stderr. ${out}`);
}

describe('soak: random edits applied under a 20% fault rate', function () {
  this.timeout(Math.max(120_000, ROUNDS * 20_000));
  let sb: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  before(async function () {
    assert.ok(fs.existsSync(cliPath), 'dist/cli.js is missing: run `node esbuild.mjs` first');
    const rnd = seeded(SEED * 7919);
    sb = await startSandbox({
      store: generateStore({
        experiences: 30,
        tags: TAGS.length,
        systems: SYSTEMS.length,
        suites: SUITES.length,
        archivedEvery: 0,
        projectName: 'soak',
      }),
      random: rnd,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-soak-'));
    env = { RESIM_URL: sb.url, RESIM_TOKEN: 'soak-token', HOME: dir };
  });
  after(async () => {
    await sb?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps its invariants over ${ROUNDS} rounds (seed ${SEED})`, async () => {
    const pid = GENERATED_PROJECT_ID;
    const rnd = seeded(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const file = path.join(dir, 'soak.experiences.yaml');
    const planFile = path.join(dir, 'plan.json');
    const live = () => sb.store.experiences[pid];
    const byName = (name: string) => live().find((e) => e.name === name);

    // Round 0: the config lists the generated experiences as they are.
    const entries: ConfigExperience[] = live().map((e, i) => ({
      name: e.name,
      description: e.description,
      locations: [...e.locations],
      tags: [TAGS[i % TAGS.length]],
      systems: [SYSTEMS[i % SYSTEMS.length]],
    }));
    const suites = new Map(SUITES.map((s) => [s, [] as string[]]));
    entries.forEach((e, i) => suites.get(SUITES[i % SUITES.length])!.push(e.name));
    const config = (): SyncConfig => ({
      experiences: entries,
      managedTestSuites: [...suites].map(([name, members]) => ({
        name,
        experiences: members.filter((n) => entries.some((e) => e.name === n)),
      })),
      managedExperienceTags: TAGS.slice(0, 4),
    });
    let serial = 0;
    const fresh = (prefix: string) => `${prefix}-${SEED}-${++serial}`;

    const edits: Record<string, () => void> = {
      add: () => {
        const name = fresh('soak-new');
        entries.push({
          name,
          description: `added ${name}`,
          locations: [`s3://soak/${name}`],
          tags: [pick(TAGS)],
          systems: [pick(SYSTEMS)],
        });
        suites.get(pick(SUITES))!.push(name);
      },
      rename: () => {
        const e = pick(entries);
        const current = byName(e.name);
        if (!current) return;
        const name = fresh('soak-renamed');
        for (const members of suites.values()) members.forEach((n, i) => n === e.name && (members[i] = name));
        e.experienceID = current.experienceID;
        e.name = name;
      },
      retag: () => {
        const e = pick(entries);
        e.tags = TAGS.filter(() => rnd() < 0.3);
      },
      move: () => {
        const from = pick(SUITES);
        const to = pick(SUITES.filter((s) => s !== from));
        const members = suites.get(from)!;
        if (!members.length) return;
        const [name] = members.splice(Math.floor(rnd() * members.length), 1);
        if (!suites.get(to)!.includes(name)) suites.get(to)!.push(name);
      },
      remove: () => {
        if (entries.length < 10) return;
        const [e] = entries.splice(Math.floor(rnd() * entries.length), 1);
        for (const members of suites.values()) members.splice(0, members.length, ...members.filter((n) => n !== e.name));
      },
    };
    const kinds = Object.keys(edits);
    const args = (cmd: string) => [cmd, '--project', 'soak', '--experience-config', file];
    let staleChecks = 0;
    let partialApplies = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const done: string[] = [];
      for (let k = 0, n = 1 + Math.floor(rnd() * 4); k < n; k++) {
        const kind = pick(kinds);
        edits[kind]();
        done.push(kind);
      }
      fs.writeFileSync(file, configYaml(config()));
      const where = `round ${round} (${done.join(', ')}; seed ${SEED})`;

      if (round % STALE_EVERY === 0) {
        // A second writer between preview --out and apply --plan: apply must refuse and write nothing.
        sb.setFaults({ failRate: 0 });
        const preview = await cli([...args('preview'), '--out', planFile], env);
        assertNoCrash(preview, `${where}: preview --out`, [0]);
        const intruder = fresh('second-writer');
        const res = await fetch(`${sb.url}projects/${pid}/experiences`, {
          method: 'POST',
          headers: { Authorization: 'Bearer other-writer', 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: intruder, description: 'made by someone else', locations: ['s3://elsewhere'] }),
        });
        assert.equal(res.status, 201, `${where}: the second writer's create`);
        sb.requestLog.length = 0;
        const stale = await cli([...args('apply'), '--yes', '--allow-mass-archive', '--plan', planFile], env);
        assertNoCrash(stale, `${where}: apply --plan after a second writer`, [3]);
        assert.match(stale.stderr, /stale plan/i, `${where}: says why`);
        assert.deepEqual(
          sb.requestLog.filter((r) => r.method !== 'GET'),
          [],
          `${where}: a refused apply writes nothing`,
        );
        staleChecks += 1;
      }

      sb.setFaults({ failRate: FAULT_RATE });
      const apply = await cli([...args('apply'), '--yes', '--allow-mass-archive'], env);
      sb.setFaults({ failRate: 0 });
      assertNoCrash(apply, `${where}: apply at a ${FAULT_RATE * 100}% fault rate`);
      if (apply.code === 1) partialApplies += 1;

      let preview = await cli([...args('preview'), '--detailed-exitcode'], env);
      assertNoCrash(preview, `${where}: preview`, [0, 2]);
      if (preview.code === 2) {
        const again = await cli([...args('apply'), '--yes', '--allow-mass-archive'], env);
        assertNoCrash(again, `${where}: re-apply without faults`, [0]);
        preview = await cli([...args('preview'), '--detailed-exitcode'], env);
      }
      assert.equal(preview.code, 0, `${where}: "No changes" after at most one re-apply\n${preview.stdout}\n${preview.stderr}`);
      assert.match(preview.stdout, /No changes/, where);

      const names = live().map((e) => e.name);
      const dupes = names.filter((n, i) => names.indexOf(n) !== i);
      assert.deepEqual(dupes, [], `${where}: no name exists twice`);
      for (const e of entries) {
        const x = byName(e.name);
        assert.ok(x, `${where}: ${e.name} exists`);
        assert.equal(x.archived, false, `${where}: ${e.name} is listed, so not archived`);
      }
      for (const [suite, members] of suites) {
        const s = sb.store.testSuites[pid].find((t) => t.name === suite)!;
        const want = members
          .filter((n) => entries.some((e) => e.name === n))
          .map((n) => byName(n)!.experienceID)
          .sort();
        assert.deepEqual([...s.experiences].sort(), want, `${where}: ${suite} holds exactly its listed experiences`);
      }
    }
    assert.ok(ROUNDS < STALE_EVERY || staleChecks > 0, 'the stale-plan check ran');
    if (process.env.SOAK_VERBOSE)
      console.log(`soak: ${ROUNDS} rounds, ${partialApplies} partial applies (exit 1), ${staleChecks} stale-plan refusals`);
  });
});
