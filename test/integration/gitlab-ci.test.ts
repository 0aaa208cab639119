/**
 * The GitLab CI template (ci/gitlab/resim-sync.gitlab-ci.yml): its jobs' script run by bash as a
 * GitLab runner would, with GitLab's predefined variables, the template's variables, and
 * CI_API_V4_URL pointing at a GitLab API stand-in on 127.0.0.1 that records every request; the
 * ReSim side is the sandbox. `RESIM_SYNC` is overridden to run this build's CLI (the template's
 * default installs the npm package with npx).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';
import { startGitlabStandIn, type StandIn } from '../support/ciStandIns';

const root = path.resolve(__dirname, '..', '..');
const templatePath = path.join(root, 'ci', 'gitlab', 'resim-sync.gitlab-ci.yml');
const RESIM_TOKEN = 'resim-secret-token-gl-93b1';
const GITLAB_TOKEN = 'glpat-standin-5cc2';

interface Job {
  extends?: string;
  variables?: Record<string, string>;
  script?: string[];
  rules?: { if?: string }[];
  resource_group?: string;
}

const template = () => parse(fs.readFileSync(templatePath, 'utf8')) as Record<string, Job> & { variables: Record<string, string> };

describe('GitLab CI template against the sandbox and a GitLab API stand-in', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let gl: StandIn;
  let dir: string;

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', token: RESIM_TOKEN });
    gl = await startGitlabStandIn(GITLAB_TOKEN);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-gitlab-'));
  });
  afterEach(async () => {
    await sb.close();
    await gl.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs job `name` of the template: its variables over the global ones, then each script line with bash. */
  async function runJob(name: string, source: string, extra: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
    const t = template();
    const job = t[name]!;
    const parent = job.extends ? t[job.extends]! : {};
    const script = job.script ?? parent.script ?? [];
    assert.ok(script.length, `${name} has a script`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      CI: 'true',
      GITLAB_CI: 'true',
      CI_API_V4_URL: gl.url,
      CI_PROJECT_ID: '42',
      CI_PIPELINE_SOURCE: source,
      CI_DEFAULT_BRANCH: 'main',
      ...(source === 'merge_request_event' ? { CI_MERGE_REQUEST_IID: '3' } : { CI_COMMIT_BRANCH: 'main' }),
      ...t.variables,
      ...parent.variables,
      ...job.variables,
      // The project's CI/CD variables.
      RESIM_SYNC: `${process.execPath} ${path.join(root, 'dist', 'cli.js')}`,
      RESIM_SYNC_CONFIG: 'robots.experiences.yaml',
      RESIM_PROJECT: 'demo',
      RESIM_URL: sb.url,
      RESIM_TOKEN,
      GITLAB_TOKEN,
      NO_COLOR: '1',
      ...extra,
    };
    let out = '';
    for (const line of script) {
      const code = await new Promise<number | null>((resolve) => {
        // As a GitLab runner's shell: the line as written, `$RESIM_SYNC` word-split.
        const child = spawn('bash', ['-c', line], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', resolve);
      });
      if (code !== 0) return { code, out };
    }
    return { code: 0, out };
  }

  const write = (text: string) => fs.writeFileSync(path.join(dir, 'robots.experiences.yaml'), text);
  const writes = () => sb.requestLog.filter((r) => r.method !== 'GET');

  it('has the three jobs, each running the shared script with its command; apply is serialised', () => {
    const t = template();
    for (const [job, command] of [
      ['resim-sync-plan', 'plan'],
      ['resim-sync-apply', 'apply'],
      ['resim-sync-drift', 'drift'],
    ] as const) {
      assert.equal(t[job]!.extends, '.resim-sync');
      assert.equal(t[job]!.variables!['RESIM_SYNC_COMMAND'], command);
    }
    assert.ok(t['resim-sync-apply']!.resource_group, 'applies of one project never overlap');
  });

  it('plan on a merge request: one note, updated in place on the next pipeline; artifacts written; nothing sent to ReSim but reads', async () => {
    write(demoConfig('created-by-ci'));
    const first = await runJob('resim-sync-plan', 'merge_request_event');
    assert.equal(first.code, 0, first.out);
    assert.equal(gl.comments.get(3)?.length, 1);
    const note = gl.comments.get(3)![0]!;
    assert.match(note.body, /^<!-- resim-sync-plan project=\S+ config=robots.experiences.yaml -->/);
    assert.match(note.body, /`created-by-ci`/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'resim-sync-plan.json'), 'utf8')).project.name, 'demo');
    assert.equal(fs.readFileSync(path.join(dir, 'resim-sync-plan.md'), 'utf8'), note.body);

    write(demoConfig('created-by-ci-2'));
    const second = await runJob('resim-sync-plan', 'merge_request_event');
    assert.equal(second.code, 0, second.out);
    assert.equal(gl.comments.get(3)?.length, 1, 'still one note');
    assert.match(gl.comments.get(3)![0]!.body, /`created-by-ci-2`/);
    assert.deepEqual(
      gl.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      [
        'GET /api/v4/projects/42/merge_requests/3/notes',
        'POST /api/v4/projects/42/merge_requests/3/notes',
        'GET /api/v4/projects/42/merge_requests/3/notes',
        `PUT /api/v4/projects/42/merge_requests/3/notes/${note.id}`,
      ],
    );
    assert.equal(writes().length, 0);
    for (const r of gl.requests) assert.ok(!JSON.stringify(r).includes(RESIM_TOKEN), 'no ReSim credential to GitLab');
    assert.ok(!first.out.includes(RESIM_TOKEN) && !first.out.includes(GITLAB_TOKEN), 'no credential in the job log');
  });

  it('apply on the default branch refuses a mass archive unless RESIM_SYNC_ALLOW_MASS_ARCHIVE=true; drift on a schedule', async () => {
    write('experiences:\n  - name: lonely\n    description: d\n    locations: [s3://x]\n');
    const refused = await runJob('resim-sync-apply', 'push');
    assert.equal(refused.code, 3, refused.out);
    assert.match(refused.out, /Refused; nothing was changed/);
    assert.equal(writes().length, 0);

    write(demoConfig('created-by-ci'));
    const applied = await runJob('resim-sync-apply', 'push');
    assert.equal(applied.code, 0, applied.out);
    assert.match(applied.out, /\*\*Applied:\*\*/);
    assert.ok(writes().some((w) => w.operation === 'CreateExperience'));

    const clean = await runJob('resim-sync-drift', 'schedule');
    assert.equal(clean.code, 0, clean.out);
    write(demoConfig('created-by-ci').replace('Landing with 15 m/s gusts', 'Edited in the branch only'));
    const drift = await runJob('resim-sync-drift', 'schedule');
    assert.equal(drift.code, 2, drift.out);
    assert.match(drift.out, /Drift: project "demo" differs/);

    write('experiences:\n  - name: lonely\n    description: d\n    locations: [s3://x]\n');
    const allowed = await runJob('resim-sync-apply', 'push', { RESIM_SYNC_ALLOW_MASS_ARCHIVE: 'true' });
    assert.equal(allowed.code, 0, allowed.out);
    assert.ok(
      writes().some((w) => w.operation === 'ArchiveExperience'),
      'the allowed mass archive was applied',
    );
    assert.equal(gl.requests.length, 0, 'no note outside merge requests');
  });
});
