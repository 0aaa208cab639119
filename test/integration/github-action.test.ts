/**
 * The GitHub Action's entry (dist/action.js, the same source as the committed action/dist/index.js)
 * in a simulated runner: the inputs as `INPUT_*` with action.yml's defaults, a real event payload
 * at GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, and GITHUB_API_URL pointing at a
 * GitHub REST stand-in on 127.0.0.1 that records every request; the ReSim side is the sandbox.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';
import { startGithubStandIn, type StandIn } from '../support/ciStandIns';

const root = path.resolve(__dirname, '..', '..');
const actionPath = path.join(root, 'dist', 'action.js');
const cliPath = path.join(root, 'dist', 'cli.js');
const RESIM_TOKEN = 'resim-secret-token-4f1d9c';
const GITHUB_TOKEN = 'ghs_standin-token-77aa';
const SHA = '0123456789abcdef0123456789abcdef01234567';

interface RunnerResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

/** The inputs the runner sets from action.yml's defaults (the `github.token` expression becomes the job's token). */
function defaultInputs(): Record<string, string> {
  const spec = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const out: Record<string, string> = {};
  for (const [name, input] of Object.entries(spec.inputs))
    out[name] = String(input.default ?? '').replace('${{ github.token }}', GITHUB_TOKEN);
  return out;
}

/** Parses GITHUB_OUTPUT (`name<<delimiter\nvalue\ndelimiter`), as the runner does. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

describe('GitHub Action in a simulated runner (sandbox + GitHub stand-in)', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let gh: StandIn;
  let dir: string;

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', token: RESIM_TOKEN });
    gh = await startGithubStandIn(GITHUB_TOKEN);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-action-'));
    fs.mkdirSync(path.join(dir, 'workspace', 'configs'), { recursive: true });
  });
  afterEach(async () => {
    await sb.close();
    await gh.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writeConfig = (text: string) => fs.writeFileSync(path.join(dir, 'workspace', 'configs', 'demo.experiences.yaml'), text);

  function payload(event: string): unknown {
    const repository = { name: 'robots', full_name: 'acme/robots', owner: { login: 'acme' }, default_branch: 'main' };
    if (event === 'pull_request')
      return {
        action: 'synchronize',
        number: 7,
        pull_request: { number: 7, state: 'open', head: { ref: 'edit-config', sha: SHA }, base: { ref: 'main', sha: SHA } },
        repository,
        sender: { login: 'octocat' },
      };
    if (event === 'push') return { ref: 'refs/heads/main', before: SHA, after: SHA, repository, pusher: { name: 'octocat' } };
    return { schedule: '0 3 * * *', repository };
  }

  function runAction(event: string, inputs: Record<string, string>): Promise<RunnerResult> {
    const run = fs.mkdtempSync(path.join(dir, 'run-'));
    const eventPath = path.join(run, 'event.json');
    fs.writeFileSync(eventPath, JSON.stringify(payload(event)));
    const summaryPath = path.join(run, 'summary.md');
    const outputPath = path.join(run, 'output.txt');
    fs.writeFileSync(summaryPath, '');
    fs.writeFileSync(outputPath, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: run,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_TOKEN,
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'acme/robots',
      GITHUB_SHA: SHA,
      GITHUB_WORKSPACE: path.join(dir, 'workspace'),
      RUNNER_TEMP: run,
      RESIM_URL: sb.url,
    };
    for (const [k, v] of Object.entries({ ...defaultInputs(), ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [actionPath], { cwd: path.join(dir, 'workspace'), env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) =>
        resolve({
          code,
          stdout,
          stderr,
          summary: fs.readFileSync(summaryPath, 'utf8'),
          outputs: parseOutputs(fs.readFileSync(outputPath, 'utf8')),
        }),
      );
    });
  }

  const base = { 'experience-config': 'configs/demo.experiences.yaml', project: 'demo', token: RESIM_TOKEN };
  const writes = () => sb.requestLog.filter((r) => r.method !== 'GET');

  function assertNoCredentialLeak(results: RunnerResult[]): void {
    for (const r of gh.requests) {
      const seen = JSON.stringify(r);
      assert.ok(!seen.includes(RESIM_TOKEN), `the ReSim token reached the GitHub stand-in: ${r.method} ${r.path}`);
    }
    for (const r of results) {
      // `::add-mask::` lines are the runner's, consumed and never shown; every other line is the log.
      const log = r.stdout.replace(/^::add-mask::.*$/gm, '') + r.stderr;
      for (const text of [log, r.summary, JSON.stringify(r.outputs)])
        assert.ok(!text.includes(RESIM_TOKEN) && !text.includes(GITHUB_TOKEN), 'a credential was printed or written');
      // The runner masks `::add-mask::` values; the action registers both secrets.
      assert.match(r.stdout, new RegExp(`::add-mask::${RESIM_TOKEN}`));
    }
  }

  it('plan on pull_request: the summary and outputs are written, one comment is created, then updated in place', async () => {
    writeConfig(demoConfig('created-by-ci'));
    const first = await runAction('pull_request', base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.outputs['status'], 'changes');
    assert.equal(first.outputs['has-changes'], 'true');
    assert.match(first.outputs['summary']!, /Plan for project "demo": 1 to create/);
    const plan = JSON.parse(fs.readFileSync(first.outputs['plan-file']!, 'utf8'));
    assert.equal(plan.project.name, 'demo');
    assert.match(plan.configFingerprint, /^[0-9a-f]{64}$/);
    assert.match(first.summary, /^<!-- resim-sync-plan project=\S+ config=configs%2Fdemo.experiences.yaml -->/);
    assert.match(first.summary, /### \+ Create \(1\)\n\n- `created-by-ci`/);
    assert.equal(gh.comments.get(7)?.length, 1);
    const comment = gh.comments.get(7)![0]!;
    assert.equal(comment.body, first.summary);
    assert.deepEqual(
      gh.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      ['GET /repos/acme/robots/issues/7/comments', 'POST /repos/acme/robots/issues/7/comments'],
    );

    // A second push to the pull request: the same comment is updated, never a second one.
    writeConfig(demoConfig('created-by-ci-2'));
    const second = await runAction('pull_request', base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(gh.comments.get(7)?.length, 1, 'still one comment');
    assert.equal(gh.comments.get(7)![0]!.id, comment.id);
    assert.match(gh.comments.get(7)![0]!.body, /`created-by-ci-2`/);
    assert.equal(gh.requests.at(-1)!.method, 'PATCH');
    assert.equal(gh.requests.at(-1)!.path, `/repos/acme/robots/issues/comments/${comment.id}`);
    assert.equal(writes().length, 0, 'plan writes nothing to ReSim');
    assertNoCredentialLeak([first, second]);
  });

  it('plan with a token that may not comment (a fork): a warning, the plan still in the summary, the step passes', async () => {
    writeConfig(demoConfig('created-by-ci'));
    const r = await runAction('pull_request', { ...base, 'github-token': 'read-only-fork-token' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^::warning::No pull-request comment \(Bad credentials\); the plan is in the step summary/m);
    assert.match(r.summary, /### \+ Create \(1\)/);
    assert.equal(gh.comments.get(7)?.length ?? 0, 0);
  });

  it('plan with config errors: annotations with file, line and column, the errors in the comment, nothing sent to ReSim', async () => {
    writeConfig('experiences:\n  - name: a\n    description: d\n    locations: [s3://x]\n    tagz: [x]\n');
    const r = await runAction('pull_request', { ...base, 'sarif-file': 'resim.sarif' });
    assert.equal(r.code, 1);
    assert.equal(r.outputs['status'], 'invalid');
    assert.match(r.stdout, /^::error title=resim-sync%3A unknown-key,file=configs\/demo.experiences.yaml,line=5,col=5::/m);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'workspace', 'resim.sarif'), 'utf8'));
    assert.equal(sarif.runs[0].results[0].ruleId, 'unknown-key');
    assert.match(gh.comments.get(7)![0]!.body, /the config has errors/);
    assert.equal(sb.requestLog.length, 0, 'no request to ReSim');
  });

  it('apply on push: a mass archive is refused without allow-mass-archive; the plan is applied with every guard', async () => {
    // Only a new experience: every active experience would be archived.
    writeConfig('# resim-project: demo\nexperiences:\n  - name: lonely\n    description: d\n    locations: [s3://x]\n');
    const refused = await runAction('push', base);
    assert.equal(refused.code, 1, 'the step fails');
    assert.equal(refused.outputs['status'], 'refused');
    assert.match(refused.outputs['summary']!, /archives \d+ of \d+ active experiences/);
    assert.match(refused.summary, /Refused; nothing was changed/);
    assert.equal(writes().length, 0, 'nothing written');
    assert.equal(gh.requests.length, 0, 'no comment on push');

    writeConfig(demoConfig('created-by-ci'));
    const applied = await runAction('push', base);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(applied.outputs['status'], 'applied');
    assert.match(applied.summary, /\*\*Applied:\*\* \d+ calls? succeeded/);
    assert.ok(
      writes().some((w) => w.operation === 'CreateExperience'),
      'the experience was created',
    );
    const again = await runAction('push', base);
    assert.equal(again.outputs['status'], 'no-changes', 'a second apply finds nothing to do');
    assertNoCredentialLeak([refused, applied, again]);
  });

  it('drift on schedule: no drift after an apply, then drift after a change made in the project', async () => {
    writeConfig(demoConfig('created-by-ci'));
    assert.equal((await runAction('push', base)).outputs['status'], 'applied');
    const clean = await runAction('schedule', base);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.equal(clean.outputs['drifted'], 'false');

    // Someone changes the project outside the config: the CLI applies another config.
    const other = path.join(dir, 'other.experiences.yaml');
    fs.writeFileSync(other, demoConfig('created-by-ci').replace('Landing with 15 m/s gusts', 'Changed by hand'));
    const cli = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, [cliPath, 'apply', '--yes', '--project', 'demo', '--config', other], {
        env: { PATH: process.env.PATH, HOME: dir, RESIM_URL: sb.url, RESIM_TOKEN },
        stdio: 'ignore',
      }).on('close', resolve),
    );
    assert.equal(cli, 0);

    const drift = await runAction('schedule', base);
    assert.equal(drift.code, 1, 'the step fails on drift');
    assert.equal(drift.outputs['drifted'], 'true');
    assert.equal(drift.outputs['has-changes'], 'true');
    assert.match(drift.outputs['summary']!, /^Drift: project "demo" differs/);
    assert.match(drift.summary, /## ReSim drift check/);
    assert.match(drift.summary, /`description`: `"Changed by hand"` → `"Landing with 15 m\/s gusts"`/);
    assertNoCredentialLeak([clean, drift]);
  });
});
