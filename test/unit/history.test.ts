/**
 * The sync history's record files (server/src/sync/history.ts, docs/undo.md): where they go,
 * their permissions, the checksum chain (an edited, removed or reordered line is refused in one
 * line; a last line torn by a crash is ignored), and the undo plan in the plan webview's HTML.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { PlanJson } from '../../protocol';
import { renderPlanBody } from '../../client/src/planHtml';
import { HistoryError, historyDir, listRecords, readRecord, RecordWriter, type BeginEntry } from '../../server/src/sync/history';

const XSS = '<img src=x onerror=alert(1)>';

const plan: PlanJson = {
  project: { id: 'p-1', name: 'demo' },
  stateFingerprint: 'f'.repeat(64),
  archiveUnlisted: false,
  undo: { recordID: '20261208T003050Z-abcdef', conflicts: [{ kind: 'experience', name: XSS, message: `experience "${XSS}" changed` }] },
  summary: {
    create: 0,
    update: 0,
    restore: 1,
    archive: 1,
    unchanged: 0,
    tagAdditions: 0,
    tagRemovals: 0,
    systemAdditions: 0,
    systemRemovals: 1,
    testSuiteRevisions: 0,
  },
  experiences: [
    { name: 'kept', action: 'restore', experienceID: 'e-1', matchedBy: 'id', changes: [] },
    { name: 'made', action: 'archive', experienceID: 'e-2', matchedBy: 'id', changes: [] },
  ],
  tags: [],
  systems: [{ name: 'sys', add: [], remove: ['kept'] }],
  testSuites: [],
  warnings: [`Conflict: experience "${XSS}" changed`],
  massArchive: { tripped: false, archiveCount: 1, activeCount: 3, threshold: 10 },
};

const begin: Omit<BeginEntry, 'type' | 'format' | 'recordID' | 'time'> = {
  kind: 'sync',
  tool: 'resim-sync test',
  frontEnd: 'test',
  apiUrl: 'http://127.0.0.1:1/v1/',
  project: { id: 'p-1', name: 'demo' },
  stateFingerprint: 'f'.repeat(64),
  plan,
  changes: [],
};

describe('sync history records', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-history-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(): { file: string; id: string } {
    const w = RecordWriter.create(path.join(dir, 'h'), begin);
    w.call({ operation: 'RestoreExperience', target: 'kept', ok: true });
    w.call({ operation: 'ArchiveExperience', target: 'made', ok: false, error: 'HTTP 500' });
    w.end({ ok: false, calls: [], failures: 1, experienceIDs: {}, cancelled: false });
    return { file: w.file, id: w.recordID };
  }

  it('is written 0600 in 0700 folders and reads back with its calls and end', () => {
    const { file, id } = write();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'h')).mode & 0o777, 0o700);
    const r = readRecord(file);
    assert.equal(r.begin.recordID, id);
    assert.deepEqual(
      r.calls.map((c) => [c.operation, c.ok]),
      [
        ['RestoreExperience', true],
        ['ArchiveExperience', false],
      ],
    );
    assert.equal(r.end?.failures, 1);
    assert.deepEqual(
      listRecords(path.join(dir, 'h')).map((x) => ('status' in x ? x.status : x.problem)),
      ['failed'],
    );
  });

  it('ignores a last line torn by a crash (no newline), and then has no end', () => {
    const { file } = write();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const end = lines[lines.length - 2];
    fs.writeFileSync(file, lines.slice(0, -2).join('\n') + '\n' + end.slice(0, 20));
    const r = readRecord(file);
    assert.equal(r.calls.length, 2);
    assert.equal(r.end, undefined);
  });

  for (const [what, edit] of [
    ['an edited value', (lines: string[]) => [lines[0], lines[1].replace('"kept"', '"kepT"'), ...lines.slice(2)]],
    ['a removed line', (lines: string[]) => [lines[0], ...lines.slice(2)]],
    ['swapped lines', (lines: string[]) => [lines[0], lines[2], lines[1], ...lines.slice(3)]],
    ['a line that is not JSON', (lines: string[]) => [lines[0], 'garbage', ...lines.slice(2)]],
  ] as const) {
    it(`refuses ${what} with one line`, () => {
      const { file, id } = write();
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      fs.writeFileSync(file, edit(lines.slice(0, -1)).join('\n') + '\n');
      assert.throws(
        () => readRecord(file),
        (err: unknown) =>
          err instanceof HistoryError &&
          !err.message.includes('\n') &&
          err.message === `Sync record ${id} was edited or damaged (line 2 does not match its checksum); it is not used.`,
      );
    });
  }

  it('refuses to apply when the folder cannot be written (nothing applied)', () => {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, { mode: 0o500 });
    if (process.getuid?.() === 0) return; // root writes anywhere
    assert.throws(
      () => RecordWriter.create(ro, begin),
      (err: unknown) =>
        err instanceof HistoryError && /^Not applied: the sync history cannot be written in .* \(EACCES\)\./.test(err.message),
    );
  });

  it('lives in --history-dir, else RESIM_HISTORY_DIR, else $XDG_STATE_HOME (absolute only), else ~/.local/state', () => {
    assert.equal(historyDir('/given', { RESIM_HISTORY_DIR: '/env' }), '/given');
    assert.equal(historyDir(undefined, { RESIM_HISTORY_DIR: '/env', XDG_STATE_HOME: '/xdg' }), '/env');
    assert.equal(historyDir(undefined, { XDG_STATE_HOME: '/xdg' }), '/xdg/resim-sync/history');
    assert.equal(historyDir(undefined, { XDG_STATE_HOME: 'relative' }), path.join(os.homedir(), '.local/state/resim-sync/history'));
    assert.equal(historyDir(undefined, {}), path.join(os.homedir(), '.local/state/resim-sync/history'));
  });
});

describe('an undo plan in the plan webview', () => {
  it('says it is an undo, names no config entry, shows system removals and escaped conflicts', () => {
    const html = renderPlanBody({ plan }, { now: new Date(), fileLabel: '20261208T003050Z-abcdef' });
    assert.match(html, /<h1>Undo plan/);
    assert.doesNotMatch(html, /in the file|matched by/);
    assert.doesNotMatch(html, /class="name reveal"/, 'nothing to reveal in a config');
    assert.match(html, /<section class="systems">.*<li class="removed"><span class="sign">-<\/span> kept<\/li>/);
    assert.ok(!html.includes(XSS), 'the conflict text is escaped');
    assert.ok(html.includes('Conflict: experience &quot;&lt;img src=x onerror=alert(1)&gt;&quot; changed'));
  });
});
