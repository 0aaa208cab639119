/**
 * The plan webview's HTML (client/src/planHtml.ts) and panel (client/src/planView.ts, with a
 * stub `vscode` module): every config/API string escaped, word-level diffs, the "No changes"
 * state, suites' before/after members, the strict CSP with a nonce, localResourceRoots = media.
 */
import * as assert from 'assert';
import Module from 'module';
import type { ApplyResult, DiagnosticCode, PlanJson, PreviewResult } from '../../protocol';
import { configErrors } from '../../protocol';
import {
  contentSecurityPolicy,
  escapeHtml,
  PAGE_SIZE,
  renderApplyResultBody,
  renderDocument,
  renderFieldChange,
  renderPlanBody,
  VIRTUAL_MIN,
  virtualRows,
} from '../../client/src/planHtml';

const XSS = '<img src=x onerror=alert(1)>';
const NOW = new Date('2025-01-01T12:00:00Z');

function plan(over: Partial<PlanJson> = {}): PlanJson {
  return {
    project: { id: 'p-1', name: 'demo' },
    stateFingerprint: 'f'.repeat(64),
    configFingerprint: 'c'.repeat(64),
    archiveUnlisted: true,
    stateFetchedAt: '2025-01-01T11:57:00Z',
    summary: {
      create: 0,
      update: 0,
      restore: 0,
      archive: 0,
      unchanged: 0,
      tagAdditions: 0,
      tagRemovals: 0,
      systemAdditions: 0,
      testSuiteRevisions: 0,
    },
    experiences: [],
    tags: [],
    systems: [],
    testSuites: [],
    warnings: [],
    massArchive: { tripped: false, archiveCount: 0, activeCount: 3, threshold: 10 },
    ...over,
  };
}

/** Text between tags, roughly what a reader sees. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every tag name in the HTML: an injected `<img>` or `<script>` would show up here. */
function tagNames(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
}

describe('plan webview HTML', () => {
  it('escapes the five HTML-special characters', () => {
    assert.strictEqual(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.strictEqual(escapeHtml(42), '42');
    assert.strictEqual(escapeHtml(undefined), '');
  });

  it('shows an experience named like an HTML tag as text, in every place a name appears', () => {
    const result: PreviewResult = {
      plan: plan({
        project: { id: XSS, name: XSS },
        summary: { ...plan().summary, create: 1, tagAdditions: 1, systemAdditions: 1, testSuiteRevisions: 1 },
        experiences: [
          {
            name: XSS,
            action: 'create',
            experienceID: null,
            matchedBy: null,
            changes: [
              { field: 'description', before: null, after: `${XSS} desc` },
              { field: XSS, before: XSS, after: `${XSS}<script>alert(2)</script>` },
            ],
          },
        ],
        tags: [{ name: XSS, add: [XSS], remove: [] }],
        systems: [{ name: XSS, add: [XSS] }],
        testSuites: [{ name: XSS, before: [], after: [XSS], changed: true }],
        warnings: [XSS],
      }),
      errors: [{ code: XSS as DiagnosticCode, message: XSS, line: 1, column: 2 }],
    };
    const html = renderPlanBody(result, { now: NOW, fileLabel: XSS });
    const tags = tagNames(html);
    assert.ok(!tags.has('img'), 'no <img> element');
    assert.ok(!tags.has('script'), 'no <script> element');
    assert.ok(!/onerror=/.test(html.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, '')), 'no live onerror attribute');
    assert.ok(visibleText(html).includes(XSS), 'the name is readable as text');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('renders a word-level diff for long text and keeps the common words', () => {
    const li = renderFieldChange({
      field: 'description',
      before: 'Aerial survey over the test zone',
      after: 'Aerial survey over the north test zone',
    });
    assert.match(li, /<ins>north <\/ins>|<ins>north<\/ins>/);
    assert.ok(!li.includes('<del>'), 'nothing removed');
    assert.ok(visibleText(li).includes('Aerial survey over the'));
    const li2 = renderFieldChange({ field: 'description', before: 'one <b>two</b> three', after: 'one <i>two</i> three' });
    assert.ok(!tagNames(li2).has('b') && !tagNames(li2).has('i'), 'diffed words are escaped');
    assert.ok(li2.includes('<span>one &lt;</span><del>b</del><ins>i</ins>'), li2);
  });

  it('diffs string lists item by item and short values as before → after', () => {
    const li = renderFieldChange({ field: 'locations', before: ['s3://a', 's3://b'], after: ['s3://a', 's3://c'] });
    assert.match(li, /class="removed"><span class="sign">−<\/span> s3:\/\/b/);
    assert.match(li, /class="added"><span class="sign">\+<\/span> s3:\/\/c/);
    assert.match(li, /class="same"><span class="sign"> <\/span> s3:\/\/a/);
    const env = renderFieldChange({
      field: 'environmentVariables',
      before: [
        { name: 'MAX_ALTITUDE_M', value: '100' },
        { name: 'A', value: '<b>' },
      ],
      after: [
        { name: 'MAX_ALTITUDE_M', value: '120' },
        { name: 'A', value: '<b>' },
      ],
    });
    assert.match(env, /class="removed"><span class="sign">−<\/span> MAX_ALTITUDE_M=100/);
    assert.match(env, /class="added"><span class="sign">\+<\/span> MAX_ALTITUDE_M=120/);
    assert.match(env, /class="same"><span class="sign"> <\/span> A=&lt;b&gt;/);
    const cf = renderFieldChange({ field: 'customFields', before: [], after: [{ name: 'team', type: 'text', values: ['nav', 'ops'] }] });
    assert.match(cf, /class="added"><span class="sign">\+<\/span> team \(text\): nav, ops/);
    const li2 = renderFieldChange({ field: 'cacheExempt', before: false, after: true });
    assert.match(li2, /<del>false<\/del> <span class="arrow">→<\/span> <ins>true<\/ins>/);
  });

  it('shows project, state age, counts, and the "No changes" state with Apply disabled', () => {
    const html = renderPlanBody(
      {
        plan: plan({
          summary: { ...plan().summary, unchanged: 2 },
          experiences: [{ name: 'a', action: 'unchanged', experienceID: 'e-1', matchedBy: 'name', changes: [] }],
        }),
      },
      { now: NOW, fileLabel: 'demo.experiences.yaml' },
    );
    const text = visibleText(html);
    assert.match(text, /Project demo/);
    assert.match(text, /state read 3 min ago/);
    assert.match(text, /No changes/);
    assert.match(html, /<button id="apply" class="primary" data-can-apply="false" disabled>/);
    assert.match(text, /1 unchanged experience\b/);
  });

  it('enables Apply for a plan with changes, and disables it when the config has errors', () => {
    const changed = plan({
      summary: { ...plan().summary, update: 1 },
      experiences: [
        {
          name: 'a',
          action: 'update',
          experienceID: 'e-1',
          matchedBy: 'id',
          previousName: 'old',
          changes: [{ field: 'name', before: 'old', after: 'a' }],
        },
      ],
    });
    const ok = renderPlanBody({ plan: changed }, { now: NOW, fileLabel: 'f' });
    assert.match(ok, /data-can-apply="true"/);
    assert.match(visibleText(ok), /~ update a was “old” e-1 matched by id/);
    const bad = renderPlanBody(
      { plan: changed, errors: [{ code: 'unknown-tag', message: 'tag "x" does not exist', line: 4, column: 9 }] },
      { now: NOW, fileLabel: 'f' },
    );
    assert.match(bad, /data-can-apply="false" disabled/);
    assert.match(visibleText(bad), /1 error: this plan cannot be applied.*unknown-tag tag "x" does not exist \[Ln 4, Col 9\]/s);
  });

  it('counts errors as Problems does: state-unavailable (a warning) says why there is no plan, it is not an error', () => {
    const errors: PreviewResult['errors'] = [
      { code: 'state-unavailable', reason: 'not-signed-in', message: 'Not signed in to the ReSim API.', line: 1, column: 1 },
      ...Array.from({ length: 5 }, (_, i) => ({ code: 'schema' as const, message: `bad ${i}`, line: i + 2, column: 1 })),
    ];
    const text = visibleText(renderPlanBody({ plan: null, errors }, { now: NOW, fileLabel: 'f' }));
    assert.match(text, /5 errors: this plan cannot be applied/);
    assert.doesNotMatch(text, /6 errors/);
    assert.match(text, /No plan: Not signed in to the ReSim API\./);
    assert.equal(configErrors(errors).length, 5, 'the status bar and the messages count with the same rule');
  });

  it('lists test suites with their members before and after, and the mass-archive warning', () => {
    const html = renderPlanBody(
      {
        plan: plan({
          summary: { ...plan().summary, archive: 12, testSuiteRevisions: 1 },
          testSuites: [{ name: 'Basic Suite', before: ['a', 'b'], after: ['b', 'c'], changed: true }],
          massArchive: { tripped: true, archiveCount: 12, activeCount: 20, threshold: 10 },
        }),
      },
      { now: NOW, fileLabel: 'f' },
    );
    const text = visibleText(html);
    assert.match(text, /new revision Basic Suite 2 → 2 experiences/);
    assert.match(text, /before\s*ab\s*after\s*bc/);
    assert.match(html, /class="added"><span class="sign">\+<\/span> c/);
    assert.match(html, /class="removed"><span class="sign">−<\/span> a/);
    assert.match(text, /archives 12 of 20 active experiences \(guard: 10\)/);
  });

  it('lists every failed call of an apply result, escaped', () => {
    const result: ApplyResult = {
      ok: false,
      failures: 1,
      calls: [
        { operation: 'CreateExperience', target: 'a', ok: true },
        { operation: 'AddTagsToExperiences', target: XSS, ok: false, error: `409 ${XSS}` },
      ],
      experienceIDs: {},
      cancelled: false,
    };
    const html = renderApplyResultBody(result, { fileLabel: 'f', projectName: 'demo' });
    assert.ok(!tagNames(html).has('img'));
    assert.match(visibleText(html), /1 of 2 calls failed/);
    assert.ok(visibleText(html).includes(`AddTagsToExperiences ${XSS}: 409 ${XSS}`));
  });

  it('leaves a plan of 50,000 entries to the page to virtualise: an empty list in the body, the escaped rows apart', () => {
    const experiences = Array.from({ length: 50_000 }, (_, i) => ({
      name: i === 49_999 ? XSS : `exp-${i}`,
      action: 'update' as const,
      experienceID: `e-${i}`,
      matchedBy: 'id' as const,
      changes: [{ field: 'description', before: 'a', after: 'b' }],
    }));
    const big: PreviewResult = { plan: plan({ summary: { ...plan().summary, update: 50_000 }, experiences }) };
    const html = renderPlanBody(big, { now: NOW, fileLabel: 'f' });
    assert.strictEqual((html.match(/<li class="experience /g) ?? []).length, 0, 'no row in the body');
    assert.match(html, /<ul class="virtual" data-virtual="changed" data-count="50000"><\/ul>/);
    assert.ok(html.length < 10_000, `the body stays small (${html.length})`);
    const rows = virtualRows(big);
    assert.strictEqual(rows.changed.length, 50_000);
    assert.match(rows.changed[0], /^<li class="experience action-update">.*exp-0/);
    assert.ok(!tagNames(rows.changed.join('')).has('img'), 'rows are escaped too');
    assert.ok(rows.changed[49_999].includes(escapeHtml(XSS)));
    // A short list stays in the body.
    const small = renderPlanBody({ plan: plan({ experiences: experiences.slice(0, VIRTUAL_MIN) }) }, { now: NOW, fileLabel: 'f' });
    assert.strictEqual((small.match(/<li class="experience /g) ?? []).length, VIRTUAL_MIN);
    assert.deepStrictEqual(virtualRows({ plan: plan({ experiences: experiences.slice(0, VIRTUAL_MIN) }) }), {});
  });

  it('links names and [Ln, Col] to the config, says why an experience is archived, and counts in the right number', () => {
    const html = renderPlanBody(
      {
        plan: plan({
          summary: { ...plan().summary, update: 1, archive: 2, tagAdditions: 1 },
          experiences: [
            { name: XSS, action: 'update', experienceID: 'e-1', matchedBy: 'name', changes: [] },
            { name: 'gone', action: 'archive', experienceID: 'e-2', matchedBy: null, changes: [] },
            { name: 'flagged', action: 'archive', experienceID: 'e-3', matchedBy: 'id', changes: [] },
          ],
        }),
        errors: [{ code: 'unknown-tag', message: 'x', line: 7, column: 3 }],
      },
      { now: NOW, fileLabel: 'f' },
    );
    assert.ok(html.includes(`<a href="#" class="name reveal" data-kind="experience" data-name="${escapeHtml(XSS)}"`));
    assert.match(html, /<a href="#" class="muted reveal" data-line="7" data-column="3"[^>]*>\[Ln 7, Col 3\]<\/a>/);
    const text = visibleText(html);
    assert.match(text, /gone e-2 not listed in the file/);
    assert.match(text, /flagged e-3 matched by id archived: true in the file/);
    assert.doesNotMatch(html, /data-name="gone"/, 'an unlisted experience has no entry to reveal');
    assert.match(text, /1 tag addition(?!s)/);
    assert.match(text, /0 tag removals/);
    assert.doesNotMatch(html, /summary-text/, 'the counts are not repeated as a sentence');
  });

  it('summarises the calls a cancel skipped instead of listing them as failures', () => {
    const calls = [
      ...Array.from({ length: 3 }, (_, i) => ({ operation: 'UpdateExperience', target: `a${i}`, ok: true })),
      { operation: 'UpdateExperience', target: 'boom', ok: false, error: '500' },
      ...Array.from({ length: 40 }, (_, i) => ({
        operation: 'UpdateExperience',
        target: `s${i}`,
        ok: false,
        skipped: true,
        error: 'cancelled',
      })),
    ];
    const html = renderApplyResultBody(
      { ok: false, failures: 41, cancelled: true, experienceIDs: {}, calls },
      { fileLabel: 'f', projectName: 'demo' },
    );
    const text = visibleText(html);
    assert.match(text, /3 made, 40 not made \(cancelled\), 1 failed\./);
    assert.doesNotMatch(text, /40 calls were not made/, 'the count is said once');
    assert.match(text, /boom: 500/);
    assert.doesNotMatch(text, /s12/, 'skipped calls are not listed one by one');
    assert.match(text, /All 4 calls made/);
    const done = renderApplyResultBody(
      { ok: false, failures: 1, cancelled: false, experienceIDs: {}, calls: calls.slice(0, 4) },
      { fileLabel: 'f', projectName: 'demo' },
    );
    assert.match(visibleText(done), /1 of 4 calls failed/);
  });

  it("builds a document whose CSP allows only the nonce'd script and the webview's own styles", () => {
    const csp = contentSecurityPolicy('https://wv.example', 'abc123');
    assert.strictEqual(
      csp,
      "default-src 'none'; style-src https://wv.example; font-src https://wv.example; img-src https://wv.example; script-src 'nonce-abc123';",
    );
    const doc = renderDocument({
      cspSource: 'https://wv.example',
      nonce: 'abc123',
      scriptUri: 'https://wv.example/plan.js',
      styleUri: 'https://wv.example/plan.css',
      title: XSS,
      body: '<p>x</p>',
    });
    assert.ok(doc.includes(`content="${escapeHtml(csp)}"`));
    assert.ok(!doc.includes('unsafe-inline'));
    assert.match(doc, /<script nonce="abc123" src="https:\/\/wv.example\/plan.js"><\/script>/);
    assert.strictEqual((doc.match(/<script/g) ?? []).length, 1, 'one script element');
    assert.ok(doc.includes('<title>&lt;img src=x onerror=alert(1)&gt;</title>'));
  });
});

// ---------------------------------------------------------------------------------------------
// The panel, with a stub `vscode` module
// ---------------------------------------------------------------------------------------------

interface StubPanel {
  viewType: string;
  title: string;
  options: { enableScripts?: boolean; localResourceRoots?: { path: string }[]; retainContextWhenHidden?: boolean };
  webview: {
    html: string;
    cspSource: string;
    posted: unknown[];
    listener?: (m: unknown) => void;
    asWebviewUri(u: { path: string }): { toString(): string };
    postMessage(m: unknown): Promise<boolean>;
    onDidReceiveMessage(l: (m: unknown) => void): { dispose(): void };
  };
  visible: boolean;
  iconPath?: unknown;
  disposeListener?: () => void;
  onDidDispose(l: () => void): { dispose(): void };
  reveal(): void;
  dispose(): void;
}

function stubVscode(panels: StubPanel[]) {
  class Uri {
    constructor(
      readonly scheme: string,
      readonly path: string,
    ) {}
    static file(p: string) {
      return new Uri('file', p);
    }
    static parse(s: string) {
      return new Uri(s.split(':')[0], s.replace(/^[a-z]+:\/\//, ''));
    }
    static joinPath(base: Uri, ...parts: string[]) {
      return new Uri(base.scheme, [base.path, ...parts].join('/'));
    }
    toString() {
      return `${this.scheme}://${this.path}`;
    }
  }
  return {
    Uri,
    ViewColumn: { Beside: -2 },
    workspace: {
      isTrusted: true,
      docListeners: [] as ((e: { document: { uri: Uri }; contentChanges: unknown[] }) => void)[],
      configListeners: [] as ((e: { affectsConfiguration(s: string): boolean }) => void)[],
      onDidChangeTextDocument(l: (e: { document: { uri: Uri }; contentChanges: unknown[] }) => void) {
        this.docListeners.push(l);
        return { dispose() {} };
      },
      onDidChangeConfiguration(l: (e: { affectsConfiguration(s: string): boolean }) => void) {
        this.configListeners.push(l);
        return { dispose() {} };
      },
    },
    window: {
      createWebviewPanel(viewType: string, title: string, _col: unknown, options: StubPanel['options']): StubPanel {
        const panel: StubPanel = {
          viewType,
          title,
          options,
          visible: true,
          webview: {
            html: '',
            cspSource: 'https://csp.stub',
            posted: [],
            asWebviewUri: (u) => ({ toString: () => `https://csp.stub${u.path}` }),
            postMessage(m) {
              this.posted.push(m);
              return Promise.resolve(true);
            },
            onDidReceiveMessage(l) {
              this.listener = l;
              return { dispose() {} };
            },
          },
          onDidDispose(l) {
            this.disposeListener = l;
            return { dispose() {} };
          },
          reveal() {
            this.visible = true;
          },
          dispose() {
            this.disposeListener?.();
          },
        };
        panels.push(panel);
        return panel;
      },
    },
  };
}

describe('PlanView (stub vscode)', () => {
  const panels: StubPanel[] = [];
  const stub = stubVscode(panels);
  const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const realLoad = mod._load;
  let PlanViewClass: typeof import('../../client/src/planView').PlanView;

  before(() => {
    mod._load = function (req: string, ...rest: unknown[]) {
      return req === 'vscode' ? stub : realLoad.call(this, req, ...rest);
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    PlanViewClass = require('../../client/src/planView').PlanView;
  });
  after(() => {
    mod._load = realLoad;
  });

  it('opens one panel with scripts, media/ as the only resource root, no retained context, and a fresh nonce per render', () => {
    const applied: string[] = [];
    const refreshed: string[] = [];
    const revealed: unknown[] = [];
    const ext = stub.Uri.file('/ext');
    const view = new PlanViewClass(ext as never, {
      apply: (uri, fp) => applied.push(`${uri.toString()} ${fp.stateFingerprint} ${fp.configFingerprint}`),
      refresh: (uri) => {
        refreshed.push(uri.toString());
      },
      reveal: (_uri, where) => {
        revealed.push(where);
      },
    });
    const uri = stub.Uri.file('/ws/demo.experiences.yaml');
    const result: PreviewResult = {
      plan: plan({
        summary: { ...plan().summary, create: 1 },
        experiences: [{ name: XSS, action: 'create', experienceID: null, matchedBy: null, changes: [] }],
      }),
    };
    view.showPlan(uri as never, result);
    assert.strictEqual(panels.length, 1);
    const p = panels[0];
    assert.strictEqual(p.viewType, 'resim.plan');
    assert.strictEqual(p.title, 'ReSim Plan: demo.experiences.yaml → demo');
    assert.match(
      p.webview.html,
      /<button id="apply"[^>]*>Apply demo\.experiences\.yaml to demo<\/button>/,
      'the Apply button names the file and the project',
    );
    assert.strictEqual(p.options.enableScripts, true);
    assert.strictEqual(p.options.retainContextWhenHidden, false);
    assert.deepStrictEqual(
      p.options.localResourceRoots?.map((r) => r.path),
      ['/ext/media'],
    );
    const nonce1 = /script-src &#39;nonce-([^&]+)&#39;/.exec(p.webview.html)?.[1];
    assert.ok(nonce1 && nonce1.length >= 16);
    assert.ok(p.webview.html.includes(`<script nonce="${nonce1}" src="https://csp.stub/ext/media/plan.js">`));
    assert.ok(!tagNames(p.webview.html).has('img'));

    view.showPlan(uri as never, result);
    assert.strictEqual(panels.length, 1, 'the panel is reused');
    const nonce2 = /script-src &#39;nonce-([^&]+)&#39;/.exec(p.webview.html)?.[1];
    assert.notStrictEqual(nonce1, nonce2);

    p.webview.listener?.({ type: 'apply' });
    p.webview.listener?.({ type: 'refresh' });
    assert.deepStrictEqual(applied, [`file:///ws/demo.experiences.yaml ${'f'.repeat(64)} ${'c'.repeat(64)}`]);
    assert.deepStrictEqual(refreshed, ['file:///ws/demo.experiences.yaml']);

    view.setBusy(true);
    assert.deepStrictEqual(p.webview.posted.at(-1), { type: 'busy', busy: true });
    p.webview.listener?.({ type: 'reveal', name: 'x', kind: 'experience' });
    p.webview.listener?.({ type: 'reveal', line: 7, column: 3 });
    assert.deepStrictEqual(revealed, [
      { name: 'x', kind: 'experience' },
      { line: 7, column: 3 },
    ]);
    p.dispose();
    assert.strictEqual(view.currentUri, undefined, 'a closed panel shows nothing');
  });

  it('follows its document and the settings: an edit or a settings change makes the plan stale and Apply disabled', () => {
    const applied: string[] = [];
    const refreshed: string[] = [];
    const view = new PlanViewClass(stub.Uri.file('/ext') as never, {
      apply: (uri) => applied.push(uri.toString()),
      refresh: (uri) => {
        refreshed.push(uri.toString());
      },
      reveal: () => undefined,
    });
    const uri = stub.Uri.file('/ws/stale.experiences.yaml');
    const other = stub.Uri.file('/ws/other.experiences.yaml');
    const result: PreviewResult = { plan: plan({ summary: { ...plan().summary, update: 1 } }) };
    const applyButton = (html: string) => /<button id="apply"[^>]*>/.exec(html)?.[0] ?? '';
    for (const fire of [
      () => stub.workspace.docListeners.forEach((l) => l({ document: { uri }, contentChanges: [{}] })),
      () => stub.workspace.configListeners.forEach((l) => l({ affectsConfiguration: (s: string) => s === 'resim' })),
    ]) {
      view.showPlan(uri as never, result);
      const p = panels.at(-1)!;
      assert.doesNotMatch(applyButton(p.webview.html), /disabled/);
      stub.workspace.docListeners.forEach((l) => l({ document: { uri: other }, contentChanges: [{}] }));
      stub.workspace.configListeners.forEach((l) => l({ affectsConfiguration: () => false }));
      assert.doesNotMatch(p.webview.html, /Stale plan/, 'another file or unrelated settings leave the plan as is');
      fire();
      assert.match(p.webview.html, /Stale plan/);
      assert.match(applyButton(p.webview.html), /disabled/);
      p.webview.listener?.({ type: 'apply' });
      assert.deepStrictEqual(applied, [], 'a stale plan is never applied');
      assert.deepStrictEqual(refreshed.splice(0), [uri.toString()], 'a click on a stale plan previews again');
      view.showPlan(uri as never, result);
      assert.doesNotMatch(p.webview.html, /Stale plan/, 'a new preview is not stale');
    }
  });

  it('renders the rows the page asks for (at most 500); "Show more" renders the next page; a restored panel (after a reload) previews again', () => {
    const refreshed: string[] = [];
    const applied: string[] = [];
    const view = new PlanViewClass(stub.Uri.file('/ext') as never, {
      apply: (uri) => applied.push(uri.toString()),
      refresh: (uri) => {
        refreshed.push(uri.toString());
      },
      reveal: () => undefined,
    });
    const uri = stub.Uri.file('/ws/big.experiences.yaml');
    const experiences = Array.from({ length: 5000 }, (_, i) => ({
      name: `e${i}`,
      action: 'create' as const,
      experienceID: null,
      matchedBy: null,
      changes: [],
    }));
    const testSuites = Array.from({ length: 1000 }, (_, i) => ({ name: `s${i}`, before: [], after: [], changed: false }));
    view.showPlan(uri as never, { plan: plan({ summary: { ...plan().summary, create: 5000 }, experiences, testSuites }) });
    const p = panels.at(-1)!;
    p.webview.listener?.({ type: 'rows', list: 'changed', start: 4950, end: 5000 });
    p.webview.listener?.({ type: 'rows', list: 'changed', start: 0, end: 100_000 });
    p.webview.listener?.({ type: 'rows', list: 'nope', start: 0, end: 10 });
    const rows = p.webview.posted.filter((m) => (m as { type: string }).type === 'rows') as {
      list: string;
      start: number;
      rows: string[];
    }[];
    assert.deepStrictEqual(
      rows.map((m) => [m.list, m.start, m.rows.length]),
      [
        ['changed', 4950, 50],
        ['changed', 0, 500],
      ],
    );
    assert.match(rows[0].rows[0], /^<li class="experience action-create">.*e4950/);
    const suites = () => (p.webview.html.match(/<li class="suite">/g) ?? []).length;
    assert.strictEqual(suites(), PAGE_SIZE);
    p.webview.listener?.({ type: 'more', key: 'suites' });
    assert.strictEqual(suites(), 2 * PAGE_SIZE);
    p.dispose();

    const restored = stubVscode([]).window.createWebviewPanel('resim.plan', 'ReSim Plan: big.experiences.yaml', undefined, {});
    view.restore(restored as never, { docId: `plan:${uri.toString()}` });
    assert.deepStrictEqual(refreshed, [], 'a restored tab previews nothing on its own');
    assert.match(restored.webview.html, /Stale plan/);
    assert.match(restored.webview.html, /<button id="apply"[^>]*disabled[^>]*>/, 'a restored tab cannot apply');
    assert.match(restored.webview.html, /restored after a reload/);
    assert.match(restored.webview.html, /<span class="file">big\.experiences\.yaml<\/span>/, 'the restored tab names its file');
    restored.webview.listener?.({ type: 'apply' });
    assert.deepStrictEqual(applied, [], 'Apply on a restored tab applies nothing');
    restored.webview.listener?.({ type: 'refresh' });
    assert.deepStrictEqual(refreshed, [uri.toString()], 'Preview again previews its file');
    view.showPlan(uri as never, { plan: plan() });
    assert.strictEqual(panels.at(-1), p, 'no new panel was created');
    assert.match(restored.webview.html, /Sync plan/, 'the new plan goes into the restored panel');
  });
});
