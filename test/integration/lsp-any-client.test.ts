/**
 * The language server as a good citizen of LSP for clients other than VS Code (issue "Every
 * editor first class"; docs/editors.md), over stdio with a bare vscode-jsonrpc client against the
 * sandbox:
 * - `initialize` with `params: {}` is a client that offers nothing (no TypeError);
 * - the lens commands run through the server (`executeCommandProvider`): preview shows the plan
 *   (`window/showDocument` of a plan file, or a message with the counts); apply asks with
 *   `window/showMessageRequest`, reports `$/progress` on a token it creates, and writes only on
 *   "Apply"; the VS Code client (`clientCommands: true`) gets no provider;
 * - code actions only for the diagnostics that meet the requested range, the fix under the
 *   cursor first and the only preferred one, found from code + range when `data` is not sent back;
 * - hover in plain text for a client without Markdown; completion never offers the typed word;
 * - the "no project" message names the first line, the setting and RESIM_PROJECT.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import type { CodeAction, Diagnostic, InitializeResult } from 'vscode-languageserver-protocol';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';
import { LspClient, msg, posOf, ROOT } from './lsp-helpers';

const TOKEN = 'any-client-token';
/** A client that declares only what ALE 3.3 and eglot 1.9 have in common: no Markdown, no `data` echo. */
const BARE_CAPS = {
  workspace: { configuration: false },
  textDocument: { hover: { contentFormat: ['plaintext'] }, codeAction: {} },
  window: {},
};
const live = (ds: Diagnostic[]) => ds.some((d) => d.code === 'will-archive');

/** A diagnostic as ALE sends it back: code, message and range only (no source, no data). */
const rebuilt = (d: Diagnostic): Diagnostic => ({ range: d.range, code: d.code, message: msg(d), severity: d.severity });

describe('language server: any LSP client', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let c: LspClient | undefined;

  beforeEach(async () => {
    sb = await startSandbox({ seed: 'demo', token: TOKEN });
  });
  afterEach(async () => {
    await c?.stop();
    c = undefined;
    await sb?.close();
  });

  const env = () => ({ RESIM_URL: sb.url, RESIM_TOKEN: TOKEN });

  it('answers initialize with params {} and then serves requests', async () => {
    c = await LspClient.start({ settings: null, env: env() });
    // A second server, initialised by hand with nothing at all.
    const raw = await LspClient.start({ settings: null, env: env(), rawInitialize: {} });
    try {
      const init = raw.initializeResult as InitializeResult;
      assert.ok(init.capabilities.hoverProvider);
      assert.deepEqual(init.capabilities.executeCommandProvider?.commands, ['resim.previewSync', 'resim.applySync']);
      const uri = 'file:///any/empty-init.experiences.yaml';
      raw.open(uri, demoConfig('x'));
      await raw.request('resim/preview', { uri }); // waits for the project's state
      const h = await raw.hover(uri, posOf(demoConfig('x'), 'scenario-survey-alpha', 0, 3));
      assert.equal((h?.contents as { kind: string }).kind, 'plaintext', 'no contentFormat: plain text');
      assert.equal(raw.handlerFailures, 0);
    } finally {
      await raw.stop();
    }
  });

  it('the VS Code client (clientCommands) gets no executeCommandProvider; others do', async () => {
    c = await LspClient.start({ settings: null, env: env(), initializationOptions: { clientCommands: true } });
    assert.equal(c.initializeResult!.capabilities.executeCommandProvider, undefined);
    await c.stop();
    c = await LspClient.start({ settings: null, env: env() });
    const provider = c.initializeResult!.capabilities.executeCommandProvider as { commands: string[] } | undefined;
    assert.deepEqual(provider?.commands, ['resim.previewSync', 'resim.applySync']);
  });

  it('resim.previewSync shows the plan file (showDocument), else a message with the counts', async () => {
    c = await LspClient.start({ settings: null, env: env(), capabilities: { window: { showDocument: { support: true } } } });
    const shown: { uri: string; takeFocus?: boolean }[] = [];
    c.conn.onRequest('window/showDocument', (p: { uri: string }) => {
      shown.push(p);
      return { success: true };
    });
    const uri = 'file:///any/preview.experiences.yaml';
    c.open(uri, demoConfig('made-by-preview'));
    await c.diagnosticsFor(uri);
    const res = await c.request<{ plan: { summary: { create: number } } }>('workspace/executeCommand', {
      command: 'resim.previewSync',
      arguments: [uri],
    });
    assert.equal(res.plan.summary.create, 1);
    assert.equal(shown.length, 1);
    const text = fs.readFileSync(fileURLToPath(shown[0].uri), 'utf8');
    assert.match(text, /^ReSim project "demo"/);
    assert.match(text, /\+ create\s+made-by-preview/);
    assert.equal(fs.statSync(fileURLToPath(shown[0].uri)).mode & 0o077, 0, 'the plan file is private');
    await c.stop();

    c = await LspClient.start({ settings: null, env: env(), capabilities: BARE_CAPS });
    const messages: { type: number; message: string }[] = [];
    c.conn.onNotification('window/showMessage', (p: { type: number; message: string }) => void messages.push(p));
    c.open(uri, demoConfig('made-by-preview'));
    await c.diagnosticsFor(uri);
    await c.request('workspace/executeCommand', { command: 'resim.previewSync', arguments: [uri] });
    await c.until(() => messages.length > 0, 5000, 'a message');
    assert.match(messages[0].message, /project "demo" from preview\.experiences\.yaml: 1 to create, 1 to update/);
    assert.equal(sb.requestLog.filter((r) => r.method !== 'GET').length, 0, 'a preview writes nothing');
  });

  it('resim.applySync asks first (showMessageRequest), writes nothing on Cancel, applies with $/progress on Apply', async () => {
    c = await LspClient.start({ settings: null, env: env() });
    const asked: string[] = [];
    let answer = 'Cancel';
    c.conn.onRequest('window/showMessageRequest', (p: { message: string; actions: { title: string }[] }) => {
      asked.push(p.message);
      assert.deepEqual(
        p.actions.map((a) => a.title),
        ['Apply', 'Cancel'],
      );
      return { title: answer };
    });
    const created: unknown[] = [];
    c.conn.onRequest('window/workDoneProgress/create', (p: { token: unknown }) => void created.push(p.token));
    const uri = 'file:///any/apply.experiences.yaml';
    // Lists every experience of the demo project but one new: a create, no mass archive.
    const text = demoConfig('made-by-apply', { withArchived: true });
    c.open(uri, text);
    await c.diagnosticsFor(uri, (ds) => ds.some((d) => d.code === 'will-archive' || d.code === 'will-restore'));
    const cancelled = await c.request('workspace/executeCommand', { command: 'resim.applySync', arguments: [uri] });
    assert.equal(cancelled, null);
    assert.match(asked[0], /^Apply \d+ changes to project "demo" from apply\.experiences\.yaml\?/);
    assert.equal(sb.requestLog.filter((r) => r.method !== 'GET').length, 0, 'Cancel writes nothing');

    answer = 'Apply';
    const result = await c.request<{ ok: boolean; calls: { operation: string }[] }>('workspace/executeCommand', {
      command: 'resim.applySync',
      arguments: [uri],
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok(result.calls.some((x) => x.operation === 'CreateExperience'));
    assert.equal(created.length, 1, 'one progress token created (the client offers workDoneProgress)');
    const kinds = c.progress
      .map((p) => p as { token: unknown; value: { kind: string } })
      .filter((p) => p.token === created[0])
      .map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.ok(sb.store.experiences['d0000000-0000-4000-8000-000000000001'].some((e) => e.name === 'made-by-apply'));
  });

  it('code actions: only at the cursor, its fix first and preferred, found without data', async () => {
    c = await LspClient.start({ settings: null, env: env(), capabilities: BARE_CAPS });
    const uri = 'file:///any/seed.experiences.yaml';
    const text = fs.readFileSync(`${ROOT}/test/fixtures/seed-example.yaml`, 'utf8');
    c.open(uri, text);
    const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'tab-indent') && d.some((x) => x.code === 'snake-case-key'));
    const tab = ds.find((d) => d.code === 'tab-indent')!;
    // eglot at column 0 of a tab line: every diagnostic of the buffer in the context, none with data.
    const cursor = { start: { line: tab.range.start.line, character: 0 }, end: { line: tab.range.start.line, character: 0 } };
    const actions = await c.codeActions(uri, cursor, ds.map(rebuilt));
    assert.ok(actions.length > 0, 'fixes found from code and range');
    assert.match(actions[0].title, /tab/i);
    assert.equal(actions[0].isPreferred, true);
    assert.equal(actions.filter((a) => a.isPreferred).length, 1, JSON.stringify(actions.map((a) => a.title)));
    const snake = ds.filter((d) => d.code === 'snake-case-key').map((d) => d.range.start.line);
    for (const a of actions as CodeAction[])
      for (const d of a.diagnostics ?? [])
        assert.ok(d.range.start.line === tab.range.start.line, `${a.title} is about line ${d.range.start.line}`);
    assert.ok(!snake.includes(tab.range.start.line));
    assert.ok(!actions.some((a) => /camelCase/.test(a.title)), 'no rename of a key on another line');
    // `data` from a client that did not declare dataSupport is not trusted: a forged fix is ignored.
    const forged = { ...tab, data: { fix: { title: 'Forged', edits: [{ range: tab.range, newText: 'x' }] } } };
    const again = await c.codeActions(uri, cursor, [forged]);
    assert.ok(!again.some((a) => a.title === 'Forged'), JSON.stringify(again.map((a) => a.title)));
  });

  it('hover without Markdown is plain text; completion never offers the word being typed', async () => {
    c = await LspClient.start({ settings: null, env: env(), capabilities: BARE_CAPS });
    const uri = 'file:///any/hover.experiences.yaml';
    const text = '# resim-project: demo\nexperiences:\n  - name: scenario-survey-alpha\n    locations: [s3://x]\n    tags:\n      - ni\n';
    c.open(uri, text);
    await c.diagnosticsFor(uri, live);
    const h = await c.hover(uri, posOf(text, 'scenario-survey-alpha', 0, 3));
    const contents = h?.contents as { kind: string; value: string };
    assert.equal(contents.kind, 'plaintext');
    assert.ok(contents.value.includes('e0000000-0000-4000-8000-000000000001'), contents.value);
    assert.doesNotMatch(contents.value, /\\[!-/:-@[-`{-~]|\*\*|`/, contents.value);
    const list = await c.completion(uri, posOf(text, '- ni', 0, 4));
    const labels = (list?.items ?? []).map((i) => i.label);
    assert.ok(labels.length > 0, 'tags offered');
    assert.ok(!labels.includes('ni'), JSON.stringify(labels));
  });

  it('a file with no project: the message names the first line, resim.project and RESIM_PROJECT', async () => {
    c = await LspClient.start({ settings: null, env: env(), capabilities: BARE_CAPS });
    const uri = 'file:///any/no-project.experiences.yaml';
    c.open(uri, 'experiences:\n  - name: a\n    locations: [s3://x]\n');
    const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'state-unavailable'));
    const text = msg(ds.find((d) => d.code === 'state-unavailable')!);
    for (const fix of ['# resim-project:', 'resim.project', 'RESIM_PROJECT']) assert.ok(text.includes(fix), `${fix} in: ${text}`);
  });
});
