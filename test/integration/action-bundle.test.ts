/**
 * The GitHub Action runs the committed bundle action/dist/index.js (action.yml `runs.main`;
 * a `node20` action installs nothing). This checks that the bundle is what `npm run build:action`
 * makes from the sources now, so that a change to the engine cannot ship without its bundle.
 * When it fails: run `npm run build:action` and commit action/dist/index.js.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..');

describe('the committed GitHub Action bundle', function () {
  this.timeout(120000);

  it('action.yml runs action/dist/index.js on node20', () => {
    const spec = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
    assert.deepEqual(spec.runs, { using: 'node20', main: 'action/dist/index.js' });
  });

  it('is up to date with the sources (else: npm run build:action, and commit it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-action-bundle-'));
    try {
      const out = path.join(dir, 'index.js');
      const r = spawnSync(process.execPath, ['esbuild.mjs', '--action', `--action-outfile=${out}`], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const built = fs.readFileSync(out);
      const committed = fs.readFileSync(path.join(root, 'action', 'dist', 'index.js'));
      assert.ok(built.equals(committed), 'action/dist/index.js is stale: run `npm run build:action` and commit it');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
