/**
 * The CLI (dist/cli.js, as users run it) against the sandbox on loopback: the seed example end to
 * end, exit codes, the safety guards, fault tolerance and bad input.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { startSandbox, Sandbox } from '../../sandbox/server';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const seedExample = path.join(root, 'test', 'fixtures', 'seed-example.yaml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: env.HOME ?? os.tmpdir(), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'resim-cli-'));
const writes = (sb: Sandbox) => sb.requestLog.filter((r) => r.method !== 'GET');

describe('resim-sync CLI against the sandbox', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo' });
    dir = tmp();
    env = { RESIM_URL: sb.url, RESIM_TOKEN: 'test-token', HOME: dir };
  });
  afterEach(async () => {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the seed example end to end: validate, fix, preview, apply, no-op, clone', async () => {
    const file = path.join(dir, 'seed.yaml');
    fs.copyFileSync(seedExample, file);

    const invalid = await run(['validate', '--config', file], env);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stdout, /seed\.yaml:7:1: error: .*\[tab-indent\]/);
    assert.doesNotMatch(invalid.stdout, /yaml-syntax/, 'the tabs do not cascade into parse errors');

    const fixed = await run(['validate', '--fix', '--config', file], env);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes('\t'));
    assert.match(text, /managedTestSuites:/);
    const cfg = parse(text);
    assert.deepEqual(cfg.experiences[1].tags, ['regression', 'progression']);

    const preview = await run(['preview', '--project', 'demo', '--config', file], env);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /~ update\s+scenario-survey-alpha/);
    assert.match(preview.stdout, /↺ restore\s+new-scenario-system-check/);
    assert.match(preview.stdout, /- archive\s+legacy-night-flight/);
    assert.match(preview.stdout, /Plan: 0 to create, 1 to update, 1 to restore, \d+ to archive/);
    assert.equal(writes(sb).length, 0, 'preview writes nothing');

    const apply = await run(['apply', '--yes', '--project', 'demo', '--config', file], env);
    assert.equal(apply.code, 0, apply.stderr);
    assert.ok(writes(sb).length > 0);

    sb.requestLog.length = 0;
    const again = await run(['apply', '--yes', '--project', 'demo', '--config', file], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes\. The project matches the config\./);
    assert.deepEqual(writes(sb), [], 'a second apply makes zero write calls');

    const noop = await run(['preview', '--detailed-exitcode', '--project', 'demo', '--config', file], env);
    assert.equal(noop.code, 0);

    const cloneFile = path.join(dir, 'clone.yaml');
    const clone = await run(['clone', '--project', 'demo', '--config', cloneFile], env);
    assert.equal(clone.code, 0, clone.stderr);
    assert.match(fs.readFileSync(cloneFile, 'utf8'), /^# resim-project: demo\n/);
    const clonePreview = await run(['preview', '--detailed-exitcode', '--config', cloneFile], env);
    assert.equal(clonePreview.code, 0, clonePreview.stdout + clonePreview.stderr);
    assert.match(clonePreview.stdout, /No changes/);
  });

  it('--detailed-exitcode exits 2 with changes; --json prints the plan', async () => {
    const file = path.join(dir, 'c.experiences.yaml');
    fs.writeFileSync(file, 'experiences:\n  - name: brand-new\n    description: d\n    locations: [s3://x]\n');
    const r = await run(['preview', '--no-archive', '--detailed-exitcode', '--json', '--project', 'demo', '--config', file], env);
    assert.equal(r.code, 2, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.summary.create, 1);
    assert.equal(plan.summary.archive, 0);
    assert.equal(plan.experiences.find((e: { name: string }) => e.name === 'brand-new').action, 'create');
    assert.equal(typeof plan.stateFingerprint, 'string');
  });

  it('refuses a saved plan once the project changed (exit 3, nothing written)', async () => {
    const file = path.join(dir, 'c.experiences.yaml');
    fs.writeFileSync(file, 'experiences:\n  - name: brand-new\n    description: d\n    locations: [s3://x]\n');
    const planFile = path.join(dir, 'plan.json');
    const p = await run(['preview', '--no-archive', '--out', planFile, '--project', 'demo', '--config', file], env);
    assert.equal(p.code, 0, p.stderr);
    // A second writer creates an experience between preview and apply.
    const projects = (await (await fetch(`${sb.url}projects`, { headers: { Authorization: 'Bearer x' } })).json()) as {
      projects: { projectID: string; name: string }[];
    };
    const demo = projects.projects.find((x) => x.name === 'demo')!;
    const created = await fetch(`${sb.url}projects/${demo.projectID}/experiences`, {
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'second-writer', description: 'd', locations: ['s3://y'] }),
    });
    assert.equal(created.status, 201);
    sb.requestLog.length = 0;
    const a = await run(['apply', '--yes', '--no-archive', '--plan', planFile, '--project', 'demo', '--config', file], env);
    assert.equal(a.code, 3, a.stdout + a.stderr);
    assert.match(a.stderr, /Stale plan/);
    assert.deepEqual(writes(sb), []);
  });

  it('refuses a saved plan once the config changed (exit 3, nothing written)', async () => {
    const file = path.join(dir, 'c.experiences.yaml');
    fs.writeFileSync(file, 'experiences:\n  - name: brand-new\n    description: d\n    locations: [s3://x]\n');
    const planFile = path.join(dir, 'plan.json');
    assert.equal((await run(['preview', '--no-archive', '--out', planFile, '--project', 'demo', '--config', file], env)).code, 0);
    fs.writeFileSync(file, 'experiences:\n  - name: brand-new\n    description: edited after the preview\n    locations: [s3://x]\n');
    sb.requestLog.length = 0;
    const a = await run(['apply', '--yes', '--no-archive', '--plan', planFile, '--project', 'demo', '--config', file], env);
    assert.equal(a.code, 3, a.stdout + a.stderr);
    assert.match(a.stderr, /the config changed since the plan was made/);
    assert.deepEqual(writes(sb), []);
    const same = await run(['preview', '--no-archive', '--out', planFile, '--project', 'demo', '--config', file], env);
    assert.equal(same.code, 0);
    const ok = await run(['apply', '--yes', '--no-archive', '--plan', planFile, '--project', 'demo', '--config', file], env);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('refuses a mass archive with exit 3 unless --allow-mass-archive', async () => {
    const many = path.join(dir, 'many.experiences.yaml');
    const names = Array.from({ length: 14 }, (_, i) => `bulk-${i}`);
    fs.writeFileSync(
      many,
      `experiences:\n${names.map((n) => `  - name: ${n}\n    description: d\n    locations: [s3://b/${n}]\n`).join('')}`,
    );
    assert.equal((await run(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--config', many], env)).code, 0);
    const one = path.join(dir, 'one.experiences.yaml');
    fs.writeFileSync(one, 'experiences:\n  - name: bulk-0\n    description: d\n    locations: [s3://b/bulk-0]\n');
    sb.requestLog.length = 0;
    const refused = await run(['apply', '--yes', '--project', 'demo', '--config', one], env);
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /archives 13 of 14 active experiences/);
    assert.deepEqual(writes(sb), []);
    const allowed = await run(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--config', one], env);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(writes(sb).filter((w) => w.method === 'DELETE').length, 13);
  });

  it('apply without --yes and without a terminal refuses (exit 3)', async () => {
    const file = path.join(dir, 'c.experiences.yaml');
    fs.writeFileSync(file, 'experiences:\n  - name: brand-new\n    description: d\n    locations: [s3://x]\n');
    const r = await run(['apply', '--no-archive', '--project', 'demo', '--config', file], env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /Pass --yes/);
    assert.deepEqual(writes(sb), []);
  });

  it('--update-config writes the IDs and keeps comments', async () => {
    const file = path.join(dir, 'c.experiences.yaml');
    fs.writeFileSync(file, '# my comment\nexperiences:\n  - name: brand-new # inline\n    description: d\n    locations: [s3://x]\n');
    const r = await run(['apply', '--yes', '--no-archive', '--update-config', '--project', 'demo', '--config', file], env);
    assert.equal(r.code, 0, r.stderr);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^# my comment\n/);
    assert.match(text, /# inline/);
    assert.match(parse(text).experiences[0].experienceID, /^[0-9a-f-]{36}$/);
  });

  it('converges under a 20% fault rate: no duplicate, nothing listed archived', async () => {
    const file = path.join(dir, 'f.experiences.yaml');
    const names = Array.from({ length: 25 }, (_, i) => `fault-${i}`);
    fs.writeFileSync(
      file,
      `experiences:\n${names.map((n) => `  - name: ${n}\n    description: d ${n}\n    locations: [s3://f/${n}]\n    tags: [regression]\n`).join('')}` +
        'managedTestSuites:\n  - name: Basic Suite\n    experiences: [fault-0, fault-1, fault-2]\n',
    );
    sb.setFaults({ failRate: 0.2 });
    // The config lists none of demo's 4 experiences: archiving them all needs --allow-mass-archive.
    await run(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--config', file], env);
    await run(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--config', file], env);
    sb.setFaults({ failRate: 0 });
    let check = await run(['preview', '--detailed-exitcode', '--project', 'demo', '--config', file], env);
    if (check.code === 2) {
      await run(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--config', file], env);
      check = await run(['preview', '--detailed-exitcode', '--project', 'demo', '--config', file], env);
    }
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const projects = (await (await fetch(`${sb.url}projects`, { headers: { Authorization: 'Bearer x' } })).json()) as {
      projects: { projectID: string; name: string }[];
    };
    const demo = projects.projects.find((x) => x.name === 'demo')!;
    const all: { name: string; archived: boolean }[] = [];
    for (const archived of [false, true]) {
      const r = (await (
        await fetch(`${sb.url}projects/${demo.projectID}/experiences?pageSize=100&archived=${archived}`, {
          headers: { Authorization: 'Bearer x' },
        })
      ).json()) as { experiences: { name: string; archived: boolean }[] };
      all.push(...r.experiences);
    }
    for (const n of names) {
      const matches = all.filter((e) => e.name === n);
      assert.equal(matches.length, 1, `${n} exists exactly once`);
      assert.equal(matches[0].archived, false, `${n} is not archived`);
    }
  });

  it('parses a large file on a worker thread while it reads the project, with the same results', async () => {
    const big = path.join(dir, 'big.experiences.yaml');
    const entries = Array.from(
      { length: 5000 },
      (_, i) =>
        `  - name: big-${i}\n    description: "Experience ${i}, long enough to make the file large: ${'x'.repeat(120)}"\n    locations: [s3://b/${i}]\n`,
    );
    fs.writeFileSync(big, `# resim-project: demo\nexperiences:\n${entries.join('')}`);
    assert.ok(fs.statSync(big).size > 1024 * 1024);
    const r = await run(['preview', '--no-archive', '--json', '--config', big], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.create, 5000);
    // An error deep in the file: exit 1 with its line, nothing written.
    const broken = entries.slice();
    broken[4000] = broken[4000].replace('locations: [s3://b/4000]', 'locations: s3://not-a-list');
    fs.writeFileSync(big, `# resim-project: demo\nexperiences:\n${broken.join('')}`);
    sb.requestLog.length = 0;
    const bad = await run(['apply', '--yes', '--no-archive', '--config', big], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /big\.experiences\.yaml:12005:\d+: error: .*\[schema\]/);
    assert.deepEqual(writes(sb), []);
  });

  it('never prints a secret from the environment, not even in --help', async () => {
    const secretEnv = { ...env, RESIM_CLIENT_SECRET: 'super-secret-value', RESIM_TOKEN: 'token-value-123' };
    for (const args of [['--help'], ['preview', '--help'], ['apply', '--help']]) {
      const r = await run(args, secretEnv);
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stdout + r.stderr, /super-secret-value|token-value-123/);
    }
  });

  describe('bad input: a clear message, exit 1, nothing written', () => {
    const cases: [string, string, RegExp][] = [
      ['malformed YAML', 'experiences:\n  - name: [unclosed\n', /yaml-syntax/],
      ['wrong types', 'experiences:\n  - name: a\n    description: d\n    locations: s3://not-a-list\n', /\[schema\]/],
      [
        'unknown keys',
        'experiences:\n  - name: a\n    description: d\n    locations: [s3://x]\n    tgas: [x]\n',
        /Did you mean "tags"\?.*\[unknown-key\]/,
      ],
    ];
    for (const [title, text, pattern] of cases) {
      it(title, async () => {
        const file = path.join(dir, 'bad.yaml');
        fs.writeFileSync(file, text);
        const r = await run(['apply', '--yes', '--project', 'demo', '--config', file], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /bad\.yaml:\d+:\d+: error: /);
        assert.match(r.stderr, pattern);
        assert.equal(sb.requestLog.length, 0, 'nothing sent to ReSim');
        assert.equal(fs.readFileSync(file, 'utf8'), text, 'the file is untouched');
      });
    }

    it('a missing file', async () => {
      const r = await run(['preview', '--project', 'demo', '--config', path.join(dir, 'nope.yaml')], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /nope\.yaml not found/);
    });

    it('an unreachable API', async () => {
      const file = path.join(dir, 'ok.yaml');
      fs.writeFileSync(file, 'experiences: []\n');
      const r = await run(['preview', '--project', 'demo', '--config', file], { ...env, RESIM_URL: 'http://127.0.0.1:9/v1/' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /127\.0\.0\.1:9/);
      assert.ok(r.stderr.split('\n').length < 25, 'one screen');
      assert.doesNotMatch(r.stderr, /test-token/);
    });

    it('a 401', async () => {
      await sb.close();
      sb = await startSandbox({ port: 0, seed: 'demo', token: 'right-token' });
      const file = path.join(dir, 'ok.yaml');
      fs.writeFileSync(file, 'experiences: []\n');
      const r = await run(['preview', '--project', 'demo', '--config', file], { ...env, RESIM_URL: sb.url, RESIM_TOKEN: 'wrong-token' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /401/);
      assert.doesNotMatch(r.stderr + r.stdout, /wrong-token/);
      assert.deepEqual(writes(sb), []);
    });

    it('--json errors have the shape of docs/sync-rules.md', async () => {
      const file = path.join(dir, 'bad.yaml');
      fs.writeFileSync(file, 'experiences:\n  - name: a\n    description: d\n    locations: [s3://x]\n    tags: [no-such-tag]\n');
      const r = await run(['preview', '--json', '--project', 'demo', '--config', file], env);
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(
        out.errors.map((e: { code: string; line: number; column: number }) => [e.code, e.line, e.column]),
        [['unknown-tag', 5, 12]],
      );
      assert.match(out.errors[0].message, /experience "a"/);
    });
  });
});
