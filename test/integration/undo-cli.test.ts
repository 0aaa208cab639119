/**
 * The sync history and `resim-sync undo` (dist/cli.js, as users run it) against the sandbox
 * (docs/undo.md): apply is recorded, undo previews then restores the project, the undo is itself
 * recorded and can be undone, a record survives `kill -9` mid-apply, an apply under 30 % injected
 * faults is undone, the record holds no credential, is 0600 in 0700 folders, and a record edited
 * by hand is refused with one line.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { StaticTokenAuth } from '../../server/src/resim/auth';
import { createResimClient } from '../../server/src/resim/client';
import { ingest } from '../../server/src/sync/ingest';
import type { ProjectState } from '../../server/src/sync/model';
import { runCi } from '../../server/src/ci/run';
import { demoConfig } from '../fixtures/demo-config';
import { newExperienceIDs, snapshot } from '../support/projectSnapshot';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const TOKEN = 'undo-test-secret-token-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = start(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The demo config with a create, an update, a restore, an archive, a tag addition and a suite revision. */
const CONFIG = demoConfig('brand-new-scenario', { withArchived: true, omit: ['wind-gust-landing'] }).replace(
  'Hover in still air for 10 minutes',
  'Hover, edited by the sync',
);

const recordIDOf = (out: string) => /Recorded as (\S+):/.exec(out)?.[1];

describe('sync history and undo (CLI, against the sandbox)', function () {
  this.timeout(180_000);
  let sb: Sandbox;
  let dir: string;
  let histDir: string;
  let env: Record<string, string>;
  let file: string;

  const read = (): Promise<ProjectState> =>
    ingest(createResimClient({ apiUrl: sb.url, auth: new StaticTokenAuth(TOKEN, sb.url), retryBaseMs: 1 }), {
      id: sb.store.projects.find((p) => p.name === 'demo')!.projectID,
      name: 'demo',
    });

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-undo-'));
    histDir = path.join(dir, 'state', 'history');
    env = { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN, HOME: dir, RESIM_HISTORY_DIR: histDir };
    file = path.join(dir, 'demo.experiences.yaml');
    fs.writeFileSync(file, CONFIG);
  });
  afterEach(async () => {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records an apply, lists it, shows it, undoes it after a preview, and undoes the undo', async () => {
    const before = await read();
    const applied = await run(['apply', '--yes', '--config', file], env);
    assert.equal(applied.code, 0, applied.stderr);
    const id = recordIDOf(applied.stdout);
    assert.ok(id, applied.stdout);
    const afterApply = await read();

    const list = await run(['history', '--project', 'demo'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      new RegExp(`^${id}\\s.*"demo".*1 to create, 2 to update, 1 to restore, 1 to archive, 1 tag addition, 1 test suite revision`, 'm'),
    );
    const shown = await run(['history', 'show', id!, '--json'], env);
    const rec = JSON.parse(shown.stdout);
    assert.equal(rec.recordID, id);
    assert.equal(rec.end.ok, true);
    assert.ok(rec.calls.some((c: { operation: string; experienceID?: string }) => c.operation === 'CreateExperience' && c.experienceID));
    const hover = rec.changes.find((c: { name: string }) => c.name === 'hover-stability-baseline');
    assert.equal(hover.before.description, 'Hover in still air for 10 minutes');
    assert.equal(hover.after.description, 'Hover, edited by the sync');

    // Preview only: --json writes nothing.
    sb.requestLog.length = 0;
    const preview = await run(['undo', id!, '--json'], env);
    assert.equal(preview.code, 0, preview.stderr);
    const plan = JSON.parse(preview.stdout);
    assert.equal(plan.undo.recordID, id);
    assert.deepEqual(plan.undo.conflicts, []);
    assert.deepEqual(plan.experiences.map((e: { name: string; action: string }) => `${e.action} ${e.name}`).sort(), [
      'archive brand-new-scenario',
      'archive new-scenario-system-check',
      'restore wind-gust-landing',
      'update hover-stability-baseline',
      'update scenario-survey-alpha',
    ]);
    assert.ok(plan.warnings.some((w: string) => /cannot delete an experience/.test(w)));
    assert.equal(sb.requestLog.filter((r) => r.method !== 'GET').length, 0, 'an undo preview writes nothing');

    // No terminal and no --yes: refused, nothing written.
    const unconfirmed = await run(['undo', id!], env);
    assert.equal(unconfirmed.code, 3);
    assert.match(unconfirmed.stderr, /--yes/);
    assert.equal(sb.requestLog.filter((r) => r.method !== 'GET').length, 0);

    const undone = await run(['undo', id!, '--yes'], env);
    assert.equal(undone.code, 0, undone.stderr);
    const undoID = recordIDOf(undone.stdout);
    assert.ok(undoID && undoID !== id);
    const afterUndo = await read();
    const created = newExperienceIDs(before, afterUndo);
    assert.equal(created.size, 1);
    assert.ok(afterUndo.experiences.find((e) => created.has(e.experienceID))!.archived, 'the created experience is archived');
    assert.deepEqual(snapshot(afterUndo, created), snapshot(before), 'the project is as it was before the apply');

    // Nothing left to undo.
    const again = await run(['undo', id!, '--yes'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to undo/);

    // The undo is recorded and can be undone: back to the applied state.
    const list2 = await run(['history'], env);
    assert.match(list2.stdout, new RegExp(`^${undoID}\\s.*undo of ${id}`, 'm'));
    const redo = await run(['undo', undoID!, '--yes'], env);
    assert.equal(redo.code, 0, redo.stderr);
    assert.deepEqual(snapshot(await read()), snapshot(afterApply), 'undo of the undo returns to the applied state');
  });

  it('an apply of the CI workflow is recorded too (who: the CI user), and its undo plan prints as Markdown', async () => {
    const outcome = await runCi({
      command: 'apply',
      configFile: file,
      configLabel: 'demo.experiences.yaml',
      env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN, RESIM_HISTORY_DIR: histDir, GITHUB_ACTOR: 'octocat' },
    });
    assert.equal(outcome.status, 'applied', outcome.summary);
    const list = JSON.parse((await run(['history', '--json'], env)).stdout);
    assert.equal(list.length, 1);
    assert.equal(list[0].who, 'octocat');
    assert.equal(list[0].source, 'demo.experiences.yaml');
    const md = await run(['undo', list[0].recordID, '--format', 'markdown'], env);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /ReSim undo plan/);
    assert.match(md.stdout, /brand-new-scenario/);
    assert.match(md.stdout, /cannot delete an experience/);
  });

  it('a saved undo plan is applied exactly, or refused when the project changed since', async () => {
    const applied = await run(['apply', '--yes', '--config', file], env);
    const id = recordIDOf(applied.stdout)!;
    const saved = path.join(dir, 'undo.json');
    const out = await run(['undo', id, '--out', saved], env);
    assert.equal(out.code, 0, out.stderr);
    // Someone changes the project: the saved plan is stale.
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, CONFIG.replace('Aerial survey over test zone', 'Someone else'));
    assert.equal((await run(['apply', '--yes', '--config', other], env)).code, 0);
    const stale = await run(['undo', id, '--plan', saved, '--yes'], env);
    assert.equal(stale.code, 3);
    assert.match(stale.stderr, /Stale plan/);
    assert.equal(stale.stderr.trim().split('\n').length, 2, stale.stderr);
  });

  it('the record holds no credential, is 0600 in 0700 folders, and a record edited by hand is refused in one line', async () => {
    const applied = await run(['apply', '--yes', '--config', file], env);
    const id = recordIDOf(applied.stdout)!;
    const projectDir = fs.readdirSync(histDir).map((p) => path.join(histDir, p))[0];
    const recFile = path.join(projectDir, `${id}.jsonl`);
    const text = fs.readFileSync(recFile, 'utf8');
    assert.ok(!text.includes(TOKEN), 'no token in the record');
    assert.ok(!/Bearer/i.test(text));
    assert.equal(fs.statSync(recFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(projectDir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(histDir).mode & 0o777, 0o700);

    fs.writeFileSync(recFile, text.replace('Hover in still air for 10 minutes', 'Hover in still air for 11 minutes'));
    sb.requestLog.length = 0;
    const undo = await run(['undo', id, '--yes'], env);
    assert.equal(undo.code, 1);
    assert.equal(undo.stderr.trim().split('\n').length, 1, undo.stderr);
    assert.match(undo.stderr, /^Error: Sync record \S+ was edited or damaged \(line 1 does not match its checksum\); it is not used\.$/m);
    assert.doesNotMatch(undo.stderr, /at .*\.js:\d+/);
    assert.equal(sb.requestLog.length, 0, 'nothing read or written');
    const list = await run(['history'], env);
    assert.match(list.stdout, new RegExp(`^${id}\\s+refused: .*edited or damaged`, 'm'));
  });

  it('an apply with 30 % injected faults is undone: the project converges to the state before', async () => {
    const before = await read();
    sb.setFaults({ failRate: 0.3 });
    const applied = await run(['apply', '--yes', '--config', file], env);
    sb.setFaults({ failRate: 0 });
    const id = recordIDOf(applied.stdout);
    assert.ok(id, applied.stdout + applied.stderr);
    const undone = await run(['undo', id!, '--yes'], env);
    assert.equal(undone.code, 0, undone.stdout + undone.stderr);
    const after = await read();
    const created = newExperienceIDs(before, after);
    for (const e of after.experiences)
      if (created.has(e.experienceID)) assert.ok(e.archived, applied.stdout + applied.stderr + undone.stdout);
    assert.deepEqual(snapshot(after, created), snapshot(before));
  });

  it('kill -9 mid-apply: the record survives (no torn entry) and the undo converges to the state before', async () => {
    const before = await read();
    sb.setFaults({ latencyMs: 150 });
    const child = start(['apply', '--yes', '--config', file], env);
    // Wait for the begin entry and at least one call's outcome, then kill the process.
    const deadline = Date.now() + 60_000;
    let recFile: string | undefined;
    for (;;) {
      const projects = fs.existsSync(histDir) ? fs.readdirSync(histDir) : [];
      const files = projects.flatMap((p) => fs.readdirSync(path.join(histDir, p)).map((f) => path.join(histDir, p, f)));
      recFile = files[0];
      if (recFile && fs.readFileSync(recFile, 'utf8').includes('"type":"call"')) break;
      assert.ok(Date.now() < deadline, 'the apply did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    sb.setFaults({ latencyMs: 0 });
    const id = path.basename(recFile!, '.jsonl');
    const shown = await run(['history', 'show', id], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /status:\s+unfinished/);
    const undone = await run(['undo', id, '--yes'], env);
    assert.equal(undone.code, 0, undone.stdout + undone.stderr);
    assert.match(undone.stdout, /never finished/);
    const after = await read();
    const created = newExperienceIDs(before, after);
    for (const e of after.experiences) if (created.has(e.experienceID)) assert.ok(e.archived);
    assert.deepEqual(snapshot(after, created), snapshot(before));
  });
});
