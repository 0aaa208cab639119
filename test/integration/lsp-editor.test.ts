/**
 * Editor features of the language server over stdio against the sandbox's `demo` seed: Format
 * Document and range formatting, the quick fixes for will-archive, duplicate names and suite
 * members, fix-all for snake_case keys, "Write matched experience IDs" as a quick fix, no
 * "manage this tag" for a typo'd tag, completion that leaves out what is listed, and the project
 * view's requests (`resim/projectItems`, `resim/projectText`). Build first: `node esbuild.mjs`.
 */
import { strict as assert } from 'assert';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { SEED_IDS } from '../../sandbox/seed';
import { ProjectViewMethods, type ProjectItemsResult, type ProjectTextResult } from '../../protocol';
import { applyEdits, LspClient, posOf } from './lsp-helpers';

const ALPHA = SEED_IDS.demo.experiences['scenario-survey-alpha'];

const ONE = `# resim-project: demo
experiences:
  # the one we keep
  - name: scenario-survey-alpha  # keep me
    experienceID: ${ALPHA}
    description: Aerial survey
    locations: [s3://drone-missions/surveys/alpha]
`;

describe('language server editor features (stdio) against the sandbox', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: LspClient;
  let n = 0;
  const nextUri = (name: string) => `file:///work/ws/${name}-${++n}.experiences.yaml`;

  before(async () => {
    sb = await startSandbox({ seed: 'demo', token: 'lsp-editor-token' });
    c = await LspClient.startSignedIn(sb.url, 'lsp-editor-token');
  });
  after(async () => {
    await c?.stop();
    await sb?.close();
  });

  /** Opens `text` and waits for the live diagnostics (will-archive or the plan's errors). */
  async function openLive(
    text: string,
    name = 'doc',
    live = (ds: Diagnostic[]) => ds.some((d) => d.code === 'will-archive'),
  ): Promise<{ uri: string; diags: Diagnostic[] }> {
    const uri = nextUri(name);
    c.open(uri, text);
    return { uri, diags: await c.diagnosticsFor(uri, live) };
  }

  const edits = (a: CodeAction, uri: string): TextEdit[] => a.edit!.changes![uri];
  const fix = async (uri: string, d: Diagnostic, title: RegExp): Promise<CodeAction> => {
    const acts = await c.codeActions(uri, d.range, [d], ['quickfix']);
    const a = acts.find((x) => title.test(x.title));
    assert.ok(a, `no action ${title} in ${JSON.stringify(acts.map((x) => x.title))}`);
    return a;
  };

  describe('formatting', () => {
    const messy =
      '# resim-project: demo\n# a comment\nexperiences:\n- name:   alpha   # trailing\n  locations: [s3://x,  s3://y]\n  description: "quoted: yes"\n  tags:\n        - b\n        - a\n\n# between\n- name: beta\n  description: b\n  locations: []\n';

    it('Format Document indents as the clone does and keeps comments, key order and quoting', async () => {
      const { uri } = await openLive(messy, 'fmt', (ds) => ds.length > 0);
      const e: TextEdit[] = await c.request('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.ok(e.length > 0);
      const out = applyEdits(messy, e);
      assert.equal(
        out,
        '# resim-project: demo\n# a comment\nexperiences:\n  - name: alpha # trailing\n    locations: [s3://x, s3://y]\n    description: "quoted: yes"\n    tags:\n      - b\n      - a\n\n  # between\n  - name: beta\n    description: b\n    locations: []\n',
      );
      assert.deepEqual(parse(out), parse(messy), 'the same data');
      // Formatting a formatted text changes nothing.
      c.change(uri, out);
      const again: TextEdit[] = await c.request('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.deepEqual(again, []);
    });

    it('range formatting changes only the lines asked for; a text that does not parse is left alone', async () => {
      const { uri } = await openLive(messy, 'fmt-range', (ds) => ds.length > 0);
      const line = posOf(messy, '- name: beta').line;
      const e: TextEdit[] = await c.request('textDocument/rangeFormatting', {
        textDocument: { uri },
        range: { start: { line, character: 0 }, end: { line: line + 2, character: 0 } },
        options: { tabSize: 2, insertSpaces: true },
      });
      const out = applyEdits(messy, e);
      assert.match(out, /\n- name: {3}alpha {3}# trailing\n/, 'the first entry is untouched');
      assert.match(out, /\n {2}- name: beta\n {4}description: b\n/, 'the second entry is formatted');
      const broken = 'experiences:\n  - name: [unclosed\n';
      c.change(uri, broken);
      await c.diagnosticsFor(uri, (ds) => ds.some((d) => d.code === 'yaml-syntax'));
      assert.deepEqual(
        await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }),
        [],
      );
    });
  });

  describe('quick fixes', () => {
    it('will-archive: adds the unlisted experiences to the file, after which nothing is archived', async () => {
      const { uri, diags } = await openLive(ONE, 'archive');
      const d = diags.find((x) => x.code === 'will-archive')!;
      const a = await fix(uri, d, /^Add the \d+ unlisted experiences to the file/);
      const out = applyEdits(ONE, edits(a, uri));
      assert.ok(out.startsWith(ONE.trimEnd()), 'appended after the last entry, comments kept');
      assert.match(out, /legacy-night-flight/);
      c.change(uri, out);
      const after = await c.diagnosticsFor(uri, (ds) => !ds.some((x) => x.code === 'will-archive'), 10_000);
      assert.deepEqual(
        after.filter((x) => x.severity === 1),
        [],
        'no error in the fixed file',
      );
      const plan = await c.request<{ plan: { summary: { archive: number; create: number } } }>('resim/preview', { uri });
      assert.equal(plan.plan.summary.archive, 0);
      assert.equal(plan.plan.summary.create, 0);
    });

    it('duplicate-experience-name: renames to a free name', async () => {
      const text = ONE + '  - name: scenario-survey-alpha\n    description: again\n    locations: [s3://z]\n';
      const { uri, diags } = await openLive(text, 'dup');
      const d = diags.find((x) => x.code === 'duplicate-experience-name')!;
      assert.ok(d);
      const a = await fix(uri, d, /^Rename to "scenario-survey-alpha-2"$/);
      const out = applyEdits(text, edits(a, uri));
      c.change(uri, out);
      await c.diagnosticsFor(
        uri,
        (ds) => ds.some((x) => x.code === 'will-archive') && !ds.some((x) => x.code === 'duplicate-experience-name'),
      );
    });

    it('unknown-experience-in-suite: did you mean the closest experience of the file', async () => {
      const text = ONE + 'managedTestSuites:\n  - name: Basic Suite\n    experiences: [scenario-survey-alpah]\n';
      const { uri, diags } = await openLive(text, 'suite');
      const d = diags.find((x) => x.code === 'unknown-experience-in-suite')!;
      const a = await fix(uri, d, /^Change to "scenario-survey-alpha"$/);
      assert.match(applyEdits(text, edits(a, uri)), /experiences: \[scenario-survey-alpha\]\n$/);
    });

    it("a typo'd tag gets its did-you-mean only: no unmanaged-tag diagnostic, no 'Add to managedExperienceTags'", async () => {
      const text = ONE + '    tags: [regrssion]\nmanagedExperienceTags: [progression]\n';
      const { uri, diags } = await openLive(text, 'typo', (ds) => ds.some((d) => d.code === 'unknown-tag'));
      assert.deepEqual(
        diags.filter((d) => d.code === 'unmanaged-tag'),
        [],
        JSON.stringify(diags.map((d) => d.code)),
      );
      const d = diags.find((x) => x.code === 'unknown-tag')!;
      const acts = await c.codeActions(
        uri,
        d.range,
        diags.filter((x) => x.range.start.line === d.range.start.line),
        ['quickfix'],
      );
      assert.deepEqual(
        acts.map((x) => x.title),
        ['Change to "regression"'],
      );
      // A client holding an older unmanaged-tag diagnostic for the typo is not offered to manage it either.
      const old = { ...d, code: 'unmanaged-tag', data: { loader: { tag: 'regrssion' } } };
      assert.deepEqual(
        (await c.codeActions(uri, d.range, [old], ['quickfix'])).map((x) => x.title),
        [],
      );
      // A tag of the project that the file does not manage still gets both.
      const ok = ONE + '    tags: [nightly]\nmanagedExperienceTags: [progression]\n';
      const r = await openLive(ok, 'typo-ok', (ds) => ds.some((x) => x.code === 'unmanaged-tag'));
      await fix(
        r.uri,
        r.diags.find((x) => x.code === 'unmanaged-tag')!,
        /^Add "nightly" to managedExperienceTags$/,
      );
    });

    it('fix-all renames every snake_case key at once (source.fixAll and a quick fix)', async () => {
      const text = ONE.replace('experienceID:', 'experience_id:') + '    cache_exempt: true\n    container_timeout_seconds: 60\n';
      const { uri, diags } = await openLive(text, 'fixall', (ds) => ds.filter((d) => d.code === 'snake-case-key').length === 3);
      const all = await c.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']);
      assert.equal(all.length, 1, JSON.stringify(all));
      assert.equal(all[0].kind, 'source.fixAll.resim');
      const out = applyEdits(text, edits(all[0], uri));
      assert.doesNotMatch(out, /experience_id|cache_exempt|container_timeout_seconds/);
      assert.match(out, /experienceID: .*\n[\s\S]*cacheExempt: true\n {4}containerTimeoutSeconds: 60\n$/);
      const d = diags.find((x) => x.code === 'snake-case-key')!;
      const q = await fix(uri, d, /^Rename every snake_case key to camelCase \(3\)$/);
      assert.equal(applyEdits(text, edits(q, uri)), out);
    });

    it('"Write matched experience IDs" is also a quick fix on the name of an entry matched by name', async () => {
      const text = ONE.replace(`    experienceID: ${ALPHA}\n`, '');
      const { uri } = await openLive(text, 'ids-quick');
      const line = posOf(text, 'scenario-survey-alpha').line;
      const other = posOf(text, 'description').line;
      const none = await c.codeActions(uri, { start: { line: other, character: 4 }, end: { line: other, character: 4 } }, [], ['quickfix']);
      assert.deepEqual(
        none.map((a) => a.title),
        [],
        'only on the name the match is about',
      );
      const acts = await c.codeActions(uri, { start: { line, character: 12 }, end: { line, character: 12 } }, [], ['quickfix']);
      const w = acts.find((a) => /^Write matched experience IDs into the file/.test(a.title));
      assert.ok(w, JSON.stringify(acts.map((a) => a.title)));
      assert.equal(w.kind, 'quickfix');
      assert.match(applyEdits(text, edits(w, uri)), new RegExp(`experienceID: ${ALPHA}`));
    });
  });

  describe('go to definition', () => {
    it('F12 on a tag of an experience goes to its managedExperienceTags entry', async () => {
      const text = ONE + '    tags: [regression]\nmanagedExperienceTags:\n  - progression\n  - regression\n';
      const { uri } = await openLive(text, 'def');
      const loc = await c.definition(uri, posOf(text, 'tags: [regression]', 0, 9));
      assert.ok(loc, 'a location');
      assert.deepEqual(loc.range.start, posOf(text, '  - regression', 0, 4));
      assert.equal(await c.definition(uri, posOf(text, '  - progression', 0, 5)), null, 'the managed entry is the definition itself');
    });
  });

  describe('completion', () => {
    it('leaves out the tags already in the list and the keys already in the entry', async () => {
      const text = ONE + '    tags:\n      - regression\n      - \n';
      const { uri } = await openLive(text, 'comp');
      const pos = posOf(text, '      - \n', 0, 8);
      const list = await c.completion(uri, pos);
      const labels = (list?.items ?? []).map((i) => i.label);
      assert.ok(labels.includes('nightly'), JSON.stringify(labels));
      assert.ok(!labels.includes('regression'), 'regression is listed already');
      const flow = ONE + '    tags: [nightly, ]\n';
      c.change(uri, flow);
      const fl = await c.completion(uri, posOf(flow, 'nightly, ', 0, 9));
      const fLabels = (fl?.items ?? []).map((i) => i.label);
      assert.ok(fLabels.includes('regression') && !fLabels.includes('nightly'), JSON.stringify(fLabels));
      const keys = ONE + '    \n';
      c.change(uri, keys);
      const kl = await c.completion(uri, posOf(keys, '    \n', 0, 4));
      const kLabels = (kl?.items ?? []).map((i) => i.label);
      assert.ok(kLabels.includes('tags'), JSON.stringify(kLabels));
      for (const k of ['name', 'experienceID', 'description', 'locations']) assert.ok(!kLabels.includes(k), `${k} is in the entry already`);
    });
  });

  describe('project view requests', () => {
    it('resim/projectItems: groups with counts, statuses, positions, paging and a filter', async () => {
      const { uri } = await openLive(ONE, 'view');
      const groups = await c.request<ProjectItemsResult>(ProjectViewMethods.items, { uri });
      assert.equal(groups.project?.name, 'demo');
      const exp = groups.groups.find((g) => g.kind === 'experience')!;
      assert.equal(exp.counts.unchanged ?? 0, 0);
      assert.ok((exp.counts.update ?? 0) === 1, JSON.stringify(exp));
      assert.ok((exp.counts.archive ?? 0) >= 2, JSON.stringify(exp));
      const page = await c.request<ProjectItemsResult>(ProjectViewMethods.items, { uri, kind: 'experience', offset: 0, limit: 2 });
      assert.equal(page.items.length, 2);
      const all = await c.request<ProjectItemsResult>(ProjectViewMethods.items, { uri, kind: 'experience', limit: 1000 });
      assert.equal(all.items.length, exp.total);
      const alpha = all.items.find((i) => i.name === 'scenario-survey-alpha')!;
      assert.equal(alpha.status, 'update');
      assert.equal(alpha.line, posOf(ONE, 'scenario-survey-alpha').line, 'reveal goes to its name');
      assert.equal(alpha.url, undefined, 'the sandbox has no ReSim app to open');
      const filtered = await c.request<ProjectItemsResult>(ProjectViewMethods.items, { uri, kind: 'tag', filter: 'NIGHT' });
      assert.deepEqual(
        filtered.items.map((i) => [i.name, i.status]),
        [['nightly', 'unmanaged']],
      );
    });

    it("resim/projectText: the project as a config, the file's experiences first, which previews as no changes", async () => {
      const text =
        ONE.replace('  # the one we keep\n', '') +
        '  - name: hover-stability-baseline\n    experienceID: ' +
        SEED_IDS.demo.experiences['hover-stability-baseline'] +
        '\n    description: x\n    locations: [s3://x]\n';
      const { uri } = await openLive(text, 'text');
      const r = await c.request<ProjectTextResult>(ProjectViewMethods.text, { uri });
      const cfg = parse(r.text) as { experiences: { name: string }[] };
      assert.deepEqual(
        cfg.experiences.slice(0, 2).map((e) => e.name),
        ['scenario-survey-alpha', 'hover-stability-baseline'],
      );
      const uri2 = nextUri('text-clone');
      c.open(uri2, r.text);
      await c.diagnosticsFor(uri2, (ds) => ds.length === 0 || ds.every((d) => d.severity !== 1));
      const p = await c.request<{ plan: { summary: Record<string, number> } }>('resim/preview', { uri: uri2 });
      assert.equal(p.plan.summary.create + p.plan.summary.update + p.plan.summary.archive + p.plan.summary.restore, 0);
    });
  });
});
