/**
 * The rules behind "nobody syncs blind", as pure functions and plain files: an empty document is
 * the error `empty-config` (both loaders), the mass-archive guard covers a small project, and the
 * one file helper reads bounded and writes atomically (symlink, mode, read-only, no temp file).
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../server/src/config';
import { massArchiveTrips } from '../../server/src/sync/plan';
import { readFileBounded, writeFileSafely } from '../../server/src/util/files';
import { UserError } from '../../server/src/util/userError';

describe('an empty document is the error empty-config', () => {
  for (const [what, text] of [
    ['empty', ''],
    ['blank lines', '\n\n'],
    ['comment-only', '# resim-project: demo\n# soon\n'],
    ['~', '~\n'],
    ['null', 'null\n'],
    ['an empty document marker', '---\n'],
  ] as const) {
    for (const fast of [false, true]) {
      it(`${what}${fast ? ' (fast path)' : ''}`, () => {
        const l = loadConfig(text, { fast });
        assert.equal(l.ok, false);
        assert.deepEqual(
          l.diagnostics.map((d) => d.code),
          ['empty-config'],
        );
        assert.match(l.diagnostics[0].message, /experiences: \[\]/);
      });
    }
  }
  it('experiences: [] written explicitly is valid', () => {
    for (const fast of [false, true]) assert.equal(loadConfig('experiences: []\n', { fast }).ok, true);
  });
  it('a YAML error is not also reported as empty', () => {
    assert.ok(!loadConfig('"unterminated\n').diagnostics.some((d) => d.code === 'empty-config'));
  });
});

describe('the mass-archive guard covers small projects', () => {
  it('trips when every active experience is archived, however few', () => {
    assert.equal(massArchiveTrips(1, 1), true);
    assert.equal(massArchiveTrips(4, 4), true);
    assert.equal(massArchiveTrips(3, 4), false);
    assert.equal(massArchiveTrips(0, 0), false);
    assert.equal(massArchiveTrips(0, 4), false);
  });
  it('still trips at max(10, 25%) of a large project', () => {
    assert.equal(massArchiveTrips(9, 100), false);
    assert.equal(massArchiveTrips(25, 100), true);
    assert.equal(massArchiveTrips(10, 12), true);
  });
});

describe('files: bounded reads and safe writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opts = { maxBytes: 1024, expects: '--x takes a file' };
  const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

  it('reads a regular file; refuses a directory, a FIFO, a device and a file over the cap', () => {
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'x'.repeat(1024));
    assert.equal(readFileBounded(f, opts).length, 1024);
    fs.appendFileSync(f, 'x');
    assert.throws(() => readFileBounded(f, opts), userError(/larger than/));
    assert.throws(() => readFileBounded(dir, opts), userError(/is a directory/));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readFileBounded(fifo, opts), userError(/not a regular file/));
    assert.throws(() => readFileBounded('/dev/zero', opts), userError(/not a regular file/));
    assert.throws(() => readFileBounded(path.join(dir, 'nope'), opts), userError(/not found/));
  });

  it('writes through a symlink, keeps the mode, and leaves no temp file', () => {
    const target = path.join(dir, 'real.yaml');
    fs.writeFileSync(target, 'old\n', { mode: 0o600 });
    fs.chmodSync(target, 0o600);
    const link = path.join(dir, 'link.yaml');
    fs.symlinkSync(target, link);
    writeFileSafely(link, 'new\n');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(target, 'utf8'), 'new\n');
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.yaml', 'real.yaml']);
  });

  it('refuses a read-only file, a directory and a missing folder, changing nothing', () => {
    const ro = path.join(dir, 'ro.yaml');
    fs.writeFileSync(ro, 'keep\n');
    fs.chmodSync(ro, 0o444);
    assert.throws(() => writeFileSafely(ro, 'x'), userError(/read-only/));
    assert.equal(fs.readFileSync(ro, 'utf8'), 'keep\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    assert.throws(() => writeFileSafely(path.join(dir, 'sub'), 'x'), userError(/is a directory/));
    assert.throws(() => writeFileSafely(path.join(dir, 'missing', 'f.json'), 'x'), userError(/does not exist/));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ro.yaml', 'sub']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')), []);
  });
});
