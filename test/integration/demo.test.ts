/**
 * `npm run demo` (scripts/demo.mjs) reads nothing outside the repository and its working copy is
 * always writable: run in a copy of the repository's demo inputs beside a read-only
 * seed-example.yaml in an examples folder beside the repository (as on this project's build machines), it passes, and
 * the file outside is never read. Build first (`node esbuild.mjs`): the demo runs dist/cli.js.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm run demo', function () {
  this.timeout(180_000);
  let tmp: string;
  afterEach(() => {
    if (!tmp) return;
    for (const d of [path.join(tmp, 'shared', 'examples'), path.join(tmp, 'shared')]) fs.chmodSync(d, 0o755);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes beside a read-only example file outside the repository, which it never reads', () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-demo-'));
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'scripts'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'test', 'fixtures'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'scripts', 'demo.mjs'), path.join(repo, 'scripts', 'demo.mjs'));
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-example.yaml'), path.join(repo, 'test', 'fixtures', 'seed-example.yaml'));
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(repo, 'dist'), 'dir');
    // Outside the repository: read-only, and not a config at all (a demo that read it would fail).
    const shared = path.join(tmp, 'shared', 'examples');
    fs.mkdirSync(shared, { recursive: true });
    const outside = path.join(shared, 'seed-example.yaml');
    fs.writeFileSync(outside, 'not: [a sync config\n');
    fs.chmodSync(outside, 0o444);
    fs.chmodSync(shared, 0o555);
    fs.chmodSync(path.join(tmp, 'shared'), 0o555);

    const run = () =>
      spawnSync(process.execPath, [path.join(repo, 'scripts', 'demo.mjs')], { cwd: repo, encoding: 'utf8', env: { ...process.env } });
    const first = run();
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.match(first.stdout, /Demo complete/);
    const copy = path.join(repo, '.work', 'demo', 'seed.experiences.yaml');
    fs.accessSync(copy, fs.constants.W_OK);
    // A working copy left read-only by anything is replaced by a writable one on the next run.
    fs.chmodSync(copy, 0o444);
    const second = run();
    assert.equal(second.status, 0, `${second.stdout}\n${second.stderr}`);
    fs.accessSync(copy, fs.constants.W_OK);
  });
});
