/**
 * The sync history over the language server (stdio, against the sandbox; docs/undo.md): an
 * apply through `resim/apply` is recorded, `resim/history` lists it, `resim/undoPreview` gives the
 * undo plan, `resim/undoApply` refuses a stale fingerprint and otherwise undoes the sync, itself
 * recorded; an unknown record is one line.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import type { HistoryRequest, PlanJson, UndoApplyRequest, UndoPreviewRequest } from '../../protocol';
import { LspClient } from './lsp-helpers';
import { demoConfig } from '../fixtures/demo-config';

const CONFIG = demoConfig('created-by-the-lsp-undo-test', { omit: ['wind-gust-landing'] });

describe('language server: sync history and undo', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let c: LspClient;

  beforeEach(async () => {
    sb = await startSandbox({ seed: 'demo' });
    // A history folder of this test's own: other suites' applies to "demo" are recorded in the shared one.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-lsp-undo-history-'));
    c = await LspClient.start({ settings: { apiUrl: sb.url }, env: { RESIM_HISTORY_DIR: own } });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'any' });
  });
  afterEach(async () => {
    await c?.stop();
    await sb?.close();
  });

  const demo = () => {
    const pid = sb.store.projects.find((p) => p.name === 'demo')!.projectID;
    return sb.store.experiences[pid].map((e) => ({ id: e.experienceID, name: e.name, description: e.description, archived: e.archived }));
  };

  it('records resim/apply, lists it, previews and applies its undo', async () => {
    const before = demo();
    const uri = 'file:///ws/undo.experiences.yaml';
    c.open(uri, CONFIG);
    await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
    const pv = await c.request<{ plan: PlanJson }>('resim/preview', { uri, fresh: true });
    const applied = await c.request<{ ok: boolean }>('resim/apply', {
      uri,
      stateFingerprint: pv.plan.stateFingerprint,
      configFingerprint: pv.plan.configFingerprint,
    });
    assert.equal(applied.ok, true);

    const h = await c.request<HistoryRequest.Result>('resim/history', {});
    assert.equal(h.records.length, 1);
    const rec = h.records[0];
    assert.equal(rec.project.name, 'demo');
    assert.equal(rec.source, uri);
    assert.equal(rec.status, 'complete');
    assert.equal(rec.summary.create, 1);

    const undo = await c.request<UndoPreviewRequest.Result>('resim/undoPreview', { recordID: rec.recordID });
    assert.ok(undo.plan, undo.error);
    assert.equal(undo.plan.undo?.recordID, rec.recordID);
    assert.deepEqual(undo.plan.experiences.map((e) => `${e.action} ${e.name}`).sort(), [
      'archive created-by-the-lsp-undo-test',
      'restore wind-gust-landing',
      'update scenario-survey-alpha',
    ]);

    // A stale fingerprint is refused; nothing is written.
    const writes = () => sb.requestLog.filter((r) => r.method !== 'GET').length;
    const w0 = writes();
    await assert.rejects(
      c.request('resim/undoApply', { recordID: rec.recordID, stateFingerprint: '0'.repeat(64) }),
      (err: unknown) => err instanceof ResponseError && (err.data as { code: string }).code === 'stale-plan',
    );
    assert.equal(writes(), w0);

    const done = await c.request<UndoApplyRequest.Result>('resim/undoApply', {
      recordID: rec.recordID,
      stateFingerprint: undo.plan.stateFingerprint,
    });
    assert.equal(done.ok, true);
    assert.ok(done.recordID && done.recordID !== rec.recordID);
    const after = demo();
    const created = after.filter((e) => !before.some((b) => b.id === e.id));
    assert.deepEqual(
      created.map((e) => [e.name, e.archived]),
      [['created-by-the-lsp-undo-test', true]],
    );
    assert.deepEqual(
      after.filter((e) => !created.includes(e)),
      before,
    );
    const h2 = await c.request<HistoryRequest.Result>('resim/history', {});
    assert.equal(h2.records[0].kind, 'undo');
    assert.equal(h2.records[0].undoOf, rec.recordID);
  });

  it('an unknown record is one line, not a failure', async () => {
    const r = await c.request<UndoPreviewRequest.Result>('resim/undoPreview', { recordID: '20990101T000000Z-abcdef' });
    assert.equal(r.plan, null);
    assert.match(r.error!, /^No sync record "20990101T000000Z-abcdef" in \S+; `resim-sync history` lists them\.$/);
  });
});
