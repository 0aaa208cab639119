/**
 * What the CLI promises (README "What a plan guarantees"), as a user and an attacker would try
 * it, against the sandbox: `apply --plan` applies exactly the saved plan or refuses (exit 3);
 * `--update-config` never loses an edit made while the sync ran, follows symlinks, keeps the
 * mode and refuses a read-only file; an empty document cannot archive a small project; reads are
 * bounded (/dev/zero, a FIFO); the token fetch times out; user errors are one line and exit 1
 * with no temp file; clone refuses an existing file and clones empty descriptions faithfully.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { runNode, type ChildRun } from '../../bench/lib/measure';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const STACK = /\n\s+at .+[(\s]\S+:\d+:\d+\)?|Unexpected error|report this/i;
const DEMO = 'd0000000-0000-4000-8000-000000000001';

const CONFIG = demoConfig('created-by-the-trust-test');

describe('resim-sync: a plan is a contract, and nothing the user wrote is lost', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => assert.ok(fs.existsSync(cliPath), 'dist/cli.js is missing: run `node esbuild.mjs` first'));
  beforeEach(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-trust-'));
    env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', RESIM_URL: sb.url, RESIM_TOKEN: 'test-token' };
  });
  afterEach(async () => {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<ChildRun> =>
    runNode(cliPath, args, { env: { ...env, ...extra }, timeoutMs });
  const writes = () => sb.requestLog.filter((r) => r.method !== 'GET');
  const show = (r: ChildRun) =>
    `exit ${r.code ?? r.signal} after ${Math.round(r.wallMs)} ms\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout.slice(0, 2000)}`;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  /** Exit 1, one line on stderr, no stack or "report this", no temp file left in `dir`. */
  function oneLineError(r: ChildRun, pattern: RegExp, code = 1): void {
    assert.equal(r.code, code, show(r));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line. ${show(r)}`);
    assert.match(r.stderr, pattern, show(r));
    assert.doesNotMatch(r.stderr, STACK, show(r));
    assert.deepEqual(
      fs.readdirSync(dir, { recursive: true }).filter((f) => /\.tmp|\.\d+$/.test(String(f))),
      [],
      'no temp file',
    );
  }

  describe('apply --plan applies exactly the saved plan, or refuses with exit 3', () => {
    async function savedPlan(args: string[] = []): Promise<{ file: string; planFile: string; plan: Record<string, unknown> }> {
      const file = write('c.experiences.yaml', CONFIG);
      const planFile = path.join(dir, 'plan.json');
      const r = await cli(['preview', '--config', file, '--out', planFile, ...args]);
      assert.equal(r.code, 0, show(r));
      return { file, planFile, plan: JSON.parse(fs.readFileSync(planFile, 'utf8')) };
    }

    it('applies the saved plan when nothing changed', async () => {
      const { file, planFile } = await savedPlan();
      const r = await cli(['apply', '--yes', '--config', file, '--plan', planFile]);
      assert.equal(r.code, 0, show(r));
      assert.ok(writes().some((w) => w.operation === 'CreateExperience'));
    });

    for (const [what, edit] of [
      [
        'configFingerprint removed',
        (p: Record<string, unknown>) => {
          delete p.configFingerprint;
        },
      ],
      [
        'a hand-made {stateFingerprint}',
        (p: Record<string, unknown>) => {
          for (const k of Object.keys(p)) if (k !== 'stateFingerprint') delete p[k];
        },
      ],
      [
        'stateFingerprint removed',
        (p: Record<string, unknown>) => {
          delete p.stateFingerprint;
        },
      ],
    ] as const) {
      it(`refuses a plan with ${what} (exit 3, nothing written)`, async () => {
        const { file, planFile, plan } = await savedPlan();
        edit(plan);
        fs.writeFileSync(planFile, JSON.stringify(plan));
        const r = await cli(['apply', '--yes', '--config', file, '--plan', planFile]);
        assert.equal(r.code, 3, show(r));
        assert.match(r.stderr, /no (stateFingerprint|configFingerprint)/);
        assert.deepEqual(writes(), []);
      });
    }

    it('refuses a plan whose actions were edited by hand (exit 3, nothing written)', async () => {
      const { file, planFile, plan } = await savedPlan();
      const experiences = plan.experiences as { name: string; action: string }[];
      const created = experiences.find((e) => e.action === 'create')!;
      created.action = 'unchanged';
      (plan.summary as Record<string, number>).create -= 1;
      fs.writeFileSync(planFile, JSON.stringify(plan, null, 2));
      const r = await cli(['apply', '--yes', '--config', file, '--plan', planFile]);
      assert.equal(r.code, 3, show(r));
      assert.match(r.stderr, /not the plan its project and config give/);
      assert.deepEqual(writes(), []);
    });

    it('refuses a plan made with --no-archive when applied without it, and one whose config changed', async () => {
      const { file, planFile } = await savedPlan(['--no-archive']);
      let r = await cli(['apply', '--yes', '--config', file, '--plan', planFile]);
      assert.equal(r.code, 3, show(r));
      assert.match(r.stderr, /Stale plan: the config changed/);
      fs.writeFileSync(file, CONFIG.replace('Landing with 15 m/s gusts', 'Landing with 20 m/s gusts'));
      r = await cli(['apply', '--yes', '--no-archive', '--config', file, '--plan', planFile]);
      assert.equal(r.code, 3, show(r));
      assert.match(r.stderr, /Stale plan: the config changed/);
      assert.deepEqual(writes(), []);
    });
  });

  describe('--update-config never loses a byte', () => {
    const ID_LINE = /^\s+experienceID: [0-9a-f-]{36}$/gm;

    it('keeps a comment and a description edited while the apply ran, and merges the IDs into them', async () => {
      const file = write('c.experiences.yaml', CONFIG);
      sb.setFaults({ latencyMs: 250 });
      const running = cli(['apply', '--yes', '--update-config', '--config', file]);
      // Edit the file as soon as the first write call is answered (the suite revision is still to come).
      const t0 = Date.now();
      while (!writes().length && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
      assert.ok(writes().length, 'the apply started writing');
      const edited =
        CONFIG.replace('Landing with 15 m/s gusts', 'Landing with 20 m/s gusts, edited during the apply') +
        '# a comment added during the apply\n';
      fs.writeFileSync(file, edited);
      const r = await running;
      assert.equal(r.code, 0, show(r));
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /Landing with 20 m\/s gusts, edited during the apply/);
      assert.match(text, /# a comment added during the apply/);
      assert.equal(text.match(ID_LINE)?.length, 5, text);
      assert.equal(text.replace(ID_LINE, '').replace(/\n+/g, '\n'), edited.replace(/\n+/g, '\n'), 'only ID lines were added');
    });

    it('refuses to write when an entry was removed meanwhile, and prints every ID (exit 1, the edit kept)', async () => {
      const file = write('c.experiences.yaml', CONFIG);
      sb.setFaults({ latencyMs: 250 });
      const running = cli(['apply', '--yes', '--update-config', '--config', file]);
      const t0 = Date.now();
      while (!writes().length && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
      const edited = CONFIG.replace(/ {2}- name: legacy-night-flight\n.*\n.*\n/, '');
      assert.notEqual(edited, CONFIG);
      fs.writeFileSync(file, edited);
      const r = await running;
      assert.equal(r.code, 1, show(r));
      assert.equal(fs.readFileSync(file, 'utf8'), edited, 'the file is as the user left it');
      assert.match(r.stderr, /"legacy-night-flight" is gone/);
      for (const n of ['scenario-survey-alpha', 'legacy-night-flight', 'created-by-the-trust-test'])
        assert.match(r.stderr, new RegExp(`${n}: experienceID [0-9a-f-]{36}`));
      assert.doesNotMatch(r.stderr, STACK);
    });

    it('writes through a symlink (the target gets the IDs) and keeps the mode 0600', async () => {
      const target = write('real.experiences.yaml', CONFIG);
      fs.chmodSync(target, 0o600);
      const link = path.join(dir, 'link.experiences.yaml');
      fs.symlinkSync(target, link);
      const r = await cli(['apply', '--yes', '--update-config', '--config', link]);
      assert.equal(r.code, 0, show(r));
      assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
      assert.equal(fs.readFileSync(target, 'utf8').match(ID_LINE)?.length, 5);
      assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    });

    it('validate --fix writes through a symlink and keeps the mode', async () => {
      const target = write('real.experiences.yaml', CONFIG.replace('    locations: [s3://new]', '\tlocations: [s3://new]'));
      fs.chmodSync(target, 0o640);
      const link = path.join(dir, 'link.experiences.yaml');
      fs.symlinkSync(target, link);
      const r = await cli(['validate', '--fix', '--config', link]);
      assert.equal(r.code, 0, show(r));
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.ok(!fs.readFileSync(target, 'utf8').includes('\t'));
      assert.equal(fs.statSync(target).mode & 0o777, 0o640);
    });

    it('a read-only config after a successful apply: not replaced, the IDs printed (exit 1, no temp file)', async () => {
      const file = write('ro.experiences.yaml', CONFIG);
      fs.chmodSync(file, 0o444);
      const r = await cli(['apply', '--yes', '--update-config', '--config', file]);
      assert.equal(r.code, 1, show(r));
      assert.ok(writes().length > 0, 'the apply itself ran');
      assert.match(r.stderr, /read-only/);
      assert.match(r.stderr, /created-by-the-trust-test: experienceID [0-9a-f-]{36}/);
      assert.doesNotMatch(r.stderr, STACK);
      assert.equal(fs.readFileSync(file, 'utf8'), CONFIG);
      assert.equal(fs.statSync(file).mode & 0o777, 0o444);
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f !== 'ro.experiences.yaml'),
        [],
        'no temp file',
      );
    });

    it('validate --fix refuses a read-only file', async () => {
      const text = CONFIG.replace('    locations: [s3://new]', '\tlocations: [s3://new]');
      const file = write('ro.experiences.yaml', text);
      fs.chmodSync(file, 0o444);
      const r = await cli(['validate', '--fix', '--config', file]);
      oneLineError(r, /ro\.experiences\.yaml is read-only/);
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    });
  });

  describe('the guard covers a small project', () => {
    for (const [name, text] of [
      ['empty', ''],
      ['comment-only', '# resim-project: demo\n# nothing yet\n'],
      ['null', '~\n'],
    ] as const) {
      it(`an ${name} document on the 4-experience demo project: exit 3, empty-config, nothing archived`, async () => {
        const file = write(`${name}.yaml`, text);
        assert.equal(sb.store.experiences[DEMO].filter((e) => !e.archived).length, 4);
        const r = await cli(['apply', '--yes', '--project', 'demo', '--experience-config', file]);
        assert.equal(r.code, 3, show(r));
        assert.match(r.stderr, /empty-config/);
        assert.deepEqual(sb.requestLog, [], 'nothing sent');
        assert.equal(sb.store.experiences[DEMO].filter((e) => !e.archived).length, 4, 'nothing archived');
      });
    }

    it('experiences: [] archives all 4 active experiences only with --allow-mass-archive', async () => {
      const file = write('none.yaml', 'experiences: []\n');
      assert.equal(sb.store.experiences[DEMO].filter((e) => !e.archived).length, 4);
      const r = await cli(['apply', '--yes', '--project', 'demo', '--experience-config', file]);
      assert.equal(r.code, 3, show(r));
      assert.match(r.stderr, /archives \d of \d active experiences/);
      assert.deepEqual(writes(), []);
      const ok = await cli(['apply', '--yes', '--allow-mass-archive', '--project', 'demo', '--experience-config', file]);
      assert.equal(ok.code, 0, show(ok));
      assert.equal(sb.store.experiences[DEMO].filter((e) => !e.archived).length, 0, 'all 4 archived');
    });
  });

  describe('bounded I/O: /dev/zero and a FIFO fail fast, the token fetch times out', () => {
    const MAX_RSS = 200 * 1024 * 1024;
    const cases: [string, () => string][] = [
      ['/dev/zero', () => '/dev/zero'],
      [
        'a FIFO',
        () => {
          const f = path.join(dir, 'fifo.yaml');
          execFileSync('mkfifo', [f]);
          return f;
        },
      ],
    ];
    for (const [what, make] of cases) {
      it(`${what} as the config: exit 1 without reading it, under 200 MB`, async () => {
        const file = make();
        const r = await cli(['preview', '--project', 'demo', '--experience-config', file], {}, 20_000);
        oneLineError(r, /not a regular file/);
        assert.ok(r.peakRss < MAX_RSS, `${Math.round(r.peakRss / 1048576)} MB`);
      });
      it(`${what} as the saved plan: exit 1 without reading it, under 200 MB`, async () => {
        const config = write('c.experiences.yaml', CONFIG);
        const file = make();
        const r = await cli(['apply', '--yes', '--experience-config', config, '--plan', file], {}, 20_000);
        oneLineError(r, /not a regular file/);
        assert.ok(r.peakRss < MAX_RSS, `${Math.round(r.peakRss / 1048576)} MB`);
        assert.deepEqual(writes(), []);
      });
    }

    it('a client-credentials token endpoint that never answers: exit 1 within the timeout', async () => {
      const sockets = new Set<import('net').Socket>();
      const silent = http.createServer(() => undefined); // accepts, never answers
      silent.on('connection', (s) => sockets.add(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      try {
        const authUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
        const file = write('c.experiences.yaml', CONFIG);
        const r = await cli(
          ['--timeout', '1', '--auth-url', authUrl, 'preview', '--config', file],
          { RESIM_TOKEN: '', RESIM_CLIENT_ID: 'id', RESIM_CLIENT_SECRET: 'never-printed' },
          30_000,
        );
        assert.equal(r.code, 1, show(r));
        assert.match(r.stderr, /did not answer within 1 s/);
        assert.doesNotMatch(r.stderr + r.stdout, /never-printed/);
      } finally {
        for (const s of sockets) s.destroy();
        silent.close();
      }
    });
  });

  describe('every user error is one line and exit 1, with no temp file', () => {
    it('--out into a missing folder', async () => {
      const file = write('c.experiences.yaml', CONFIG);
      oneLineError(
        await cli(['preview', '--config', file, '--out', path.join(dir, 'missing', 'plan.json')]),
        /folder .*missing does not exist/,
      );
    });
    it('--out onto a folder', async () => {
      const file = write('c.experiences.yaml', CONFIG);
      fs.mkdirSync(path.join(dir, 'plans'));
      oneLineError(await cli(['preview', '--config', file, '--out', path.join(dir, 'plans')]), /plans is a directory/);
    });
    for (const url of ['not a url', 'ftp://example.com/v1/']) {
      it(`--url ${JSON.stringify(url)}`, async () => {
        const file = write('c.experiences.yaml', CONFIG);
        oneLineError(await cli(['--url', url, 'preview', '--config', file]), /is not an http\(s\) URL/);
      });
    }
    it('--auth-url that is not a URL', async () => {
      const file = write('c.experiences.yaml', CONFIG);
      oneLineError(
        await cli(['--auth-url', 'no url here', 'preview', '--config', file], {
          RESIM_TOKEN: '',
          RESIM_CLIENT_ID: 'id',
          RESIM_CLIENT_SECRET: 's',
        }),
        /is not an http\(s\) URL: --auth-url/,
      );
    });
    it('a sandbox port already in use', async () => {
      oneLineError(await cli(['sandbox', '--port', String(new URL(sb.url).port)], {}, 20_000), /already in use/);
    });
    it('an unusable --data file: says so without advising to delete it', async () => {
      const r = await cli(['sandbox', '--port', '0', '--data', '/etc/passwd'], {}, 20_000);
      oneLineError(r, /\/etc\/passwd is not a sandbox data file/);
      assert.doesNotMatch(r.stderr, /delete/i);
    });
  });

  describe('clone', () => {
    it('refuses an existing file unless --force (exit 3, the file untouched)', async () => {
      const file = write('mine.experiences.yaml', '# my hand-written config\nexperiences: []\n');
      const r = await cli(['clone', '--project', 'demo', '--config', file]);
      oneLineError(r, /already exists.*--force/, 3);
      assert.equal(fs.readFileSync(file, 'utf8'), '# my hand-written config\nexperiences: []\n');
      const forced = await cli(['clone', '--force', '--project', 'demo', '--config', file]);
      assert.equal(forced.code, 0, show(forced));
      assert.match(fs.readFileSync(file, 'utf8'), /^# resim-project: demo/);
    });

    it('a project holding empty descriptions clones into a config that previews as "No changes"', async () => {
      for (const [i, name] of ['blank-description', 'another-blank'].entries()) {
        const res = await fetch(`${sb.url}projects/${DEMO}/experiences`, {
          method: 'POST',
          headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, description: '', locations: [`s3://blank/${i}`] }),
        });
        assert.equal(res.status, 201, await res.text());
      }
      const file = path.join(dir, 'clone.experiences.yaml');
      const c = await cli(['clone', '--project', 'demo', '--config', file]);
      assert.equal(c.code, 0, show(c));
      assert.match(fs.readFileSync(file, 'utf8'), /description: ""/);
      const p = await cli(['preview', '--detailed-exitcode', '--config', file]);
      assert.equal(p.code, 0, show(p));
      assert.match(p.stdout, /No changes/);
      // One rule for an empty description: `description:` with no value (or `~`) is the same "".
      for (const spelling of ['description:', 'description: ~']) {
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/description: ""/g, spelling));
        const q = await cli(['preview', '--detailed-exitcode', '--config', file]);
        assert.equal(q.code, 0, `${spelling}: ${show(q)}`);
        assert.match(q.stdout, /No changes/);
      }
    });
  });
});
