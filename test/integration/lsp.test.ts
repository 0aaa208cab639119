/**
 * The language server over stdio (`node dist/server.js --stdio`) against the sandbox's `demo`
 * seed: diagnostics (every code at its exact range), quick fixes (the edit of each), hover,
 * completion, code lens, definition, symbols, and the custom requests. Build first:
 * `node esbuild.mjs`.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CompletionList, Diagnostic, Range } from 'vscode-languageserver-protocol';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { applyEdits, LspClient, msg, posOf, textAt } from './lsp-helpers';

const SEED_EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../fixtures/seed-example.yaml'), 'utf8');

const LIVE = `# resim-project: demo
experiences:
  - name: scenario-survey-alpha
    description: Aerial survey over test zone
    locations:
      - s3://drone-missions/surveys/alpha-test-zone
    tags:
      - regresion
    systems:
      - sil_clustr
  - name: legacy-night-flight
    description: Night flight
    locations: [s3://drone-missions/legacy/night-flight]
    experienceID: e0000000-0000-4000-8000-000000000005
  - name: brand-new
    description: A new one
    locations: [s3://b]
    experienceID: 00000000-0000-4000-8000-0000000000ff
  - name: hover-stability-baseline
    description: Hover in still air for 10 minutes
    locations: [s3://drone-missions/baselines/hover]
  - name: hover-renamed
    description: Hover again
    locations: [s3://c]
    experienceID: e0000000-0000-4000-8000-000000000004
  - name: new-scenario-system-check
    description: Regression validation run
    locations: [s3://drone-missions/system-checks/regression-1]
    tags: [nightly]
managedTestSuites:
  - name: Basic Suit
    experiences: [scenario-survey-alpha]
managedExperienceTags:
  - regression
  - nope-tag
`;

const STATIC = `# resim-project: demo
experiences:
  - name: alpha
    description: First
    locations: [s3://x]
    tagz: [regression]
    experienceID: e0000000-0000-4000-8000-000000000001
  - name: alpha
    description: Second
    locations: [s3://y]
    experienceID: e0000000-0000-4000-8000-000000000001
  - name: beta
    description: 42
    locations: []
    tags: [regression, regression]
    cache_exempt: true
managedTestSuites:
  - name: Basic Suite
    experiences: [alpha, gamma]
  - name: Basic Suite
    experiences: [alpha]
managedExperienceTags: [progression]
`;

/** The range of the `nth` occurrence of `needle` in `text`. */
function rangeOf(text: string, needle: string, nth = 0): Range {
  const start = posOf(text, needle, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function only(ds: Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}

function one(ds: Diagnostic[], code: string): Diagnostic {
  const found = only(ds, code);
  assert.equal(found.length, 1, `one ${code} in ${JSON.stringify(ds.map((d) => d.code))}`);
  assert.equal(found[0].source, 'resim');
  return found[0];
}

function labels(list: CompletionList | null): string[] {
  return (list?.items ?? []).map((i) => i.label);
}

describe('language server (stdio) against the sandbox', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: LspClient;
  let n = 0;
  const nextUri = (name: string) => `file:///work/ws/${name}-${++n}.experiences.yaml`;

  before(async () => {
    sb = await startSandbox({ seed: 'demo', token: 'lsp-test-token' });
    c = await LspClient.startSignedIn(sb.url, 'lsp-test-token');
  });
  after(async () => {
    await c?.stop();
    await sb?.close();
  });

  /** Opens `text` and waits for diagnostics that include the live ones (will-archive is always there). */
  async function openLive(text: string, name = 'doc'): Promise<{ uri: string; diags: Diagnostic[] }> {
    const uri = nextUri(name);
    c.open(uri, text);
    const diags = await c.diagnosticsFor(uri, (ds) => ds.some((d) => d.code === 'will-archive' || d.code === 'state-unavailable'));
    return { uri, diags };
  }

  describe('the seed example (tabs, snake_case keys)', () => {
    it('reports one tab-indent per tab line and no cascade of YAML errors', async () => {
      const uri = nextUri('seed');
      c.open(uri, SEED_EXAMPLE);
      const ds = await c.diagnosticsFor(uri, (d) => d.length > 0);
      const tabs = only(ds, 'tab-indent');
      const tabLines = SEED_EXAMPLE.split('\n')
        .map((l, i) => (/^[ ]*\t/.test(l) ? i : -1))
        .filter((i) => i >= 0);
      assert.deepEqual(
        tabs.map((d) => d.range.start.line),
        tabLines,
      );
      for (const d of tabs) {
        const line = SEED_EXAMPLE.split('\n')[d.range.start.line];
        assert.deepEqual(d.range, {
          start: { line: d.range.start.line, character: 0 },
          end: { line: d.range.start.line, character: line.length - line.trimStart().length },
        });
        assert.equal(d.severity, 1);
      }
      assert.equal(only(ds, 'yaml-syntax').length, 0, 'no yaml-syntax cascade');
      assert.equal(only(ds, 'schema').length, 0, 'no schema cascade');
      assert.equal(only(ds, 'will-archive').length, 0, 'no live checks on a file that does not parse');
      const snake = only(ds, 'snake-case-key');
      assert.deepEqual(
        snake.map((d) => textAt(SEED_EXAMPLE, d.range)),
        ['environment_variables', 'environment_variables', 'managed_test_suites', 'managed_experience_tags'],
      );
      assert.ok(snake.every((d) => d.severity === 2));
    });

    it('the tab fix gives a file without errors; the snake_case fixes give camelCase keys', async () => {
      const uri = nextUri('seedfix');
      c.open(uri, SEED_EXAMPLE.replace(/^/, '# resim-project: demo\n'));
      const text0 = '# resim-project: demo\n' + SEED_EXAMPLE;
      let ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'tab-indent'));
      const tab = only(ds, 'tab-indent');
      const actions = await c.codeActions(uri, tab[0].range, tab, ['quickfix']);
      assert.equal(actions.length, 1, 'one file-wide tab fix');
      assert.match(actions[0].title, /tabs with spaces/i);
      const text1 = applyEdits(text0, actions[0].edit!.changes![uri]);
      assert.ok(!text1.includes('\t'));
      c.change(uri, text1);
      ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
      assert.deepEqual(
        ds.filter((d) => d.severity === 1),
        [],
        'no error after the tab fix',
      );
      // snake_case → camelCase, one quick fix each (besides the fix-all, lsp-editor.test.ts).
      let text = text1;
      for (const d of only(ds, 'snake-case-key').reverse()) {
        const acts = (await c.codeActions(uri, d.range, [d], ['quickfix'])).filter(
          (a) => !a.title.startsWith('Rename every snake_case key'),
        );
        assert.equal(acts.length, 1);
        const edits = acts[0].edit!.changes![uri];
        assert.equal(edits.length, 1);
        const from = textAt(text, d.range);
        assert.equal(
          edits[0].newText,
          from.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()),
        );
        text = applyEdits(text, edits);
      }
      assert.ok(/managedTestSuites:/.test(text) && /managedExperienceTags:/.test(text) && !/_variables/.test(text));
      c.change(uri, text);
      ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
      assert.deepEqual(only(ds, 'snake-case-key'), []);
    });
  });

  describe('diagnostics', () => {
    it('reports every live code at the offending node', async () => {
      const { uri, diags } = await openLive(LIVE, 'live');
      assert.ok(uri);
      const at = (code: string, needle: string, nth = 0) => assert.deepEqual(one(diags, code).range, rangeOf(LIVE, needle, nth), code);
      at('unknown-tag', 'regresion');
      at('unknown-system', 'sil_clustr');
      at('unknown-test-suite', 'Basic Suit');
      at('unknown-managed-tag', 'nope-tag');
      at('unknown-experience-id', '00000000-0000-4000-8000-0000000000ff');
      at('name-taken', 'legacy-night-flight');
      at('ambiguous-match', 'e0000000-0000-4000-8000-000000000004');
      at('will-restore', 'new-scenario-system-check');
      at('will-archive', 'experiences');
      assert.match(msg(one(diags, 'unknown-tag')), /Did you mean "regression"/);
      const archive = one(diags, 'will-archive');
      assert.equal(archive.severity, 2);
      assert.match(msg(archive), /archive 2 experiences/);
      assert.equal(one(diags, 'will-restore').severity, 3);
      const amb = one(diags, 'ambiguous-match');
      assert.equal(amb.relatedInformation?.[0].location.range.start.line, posOf(LIVE, 'name: hover-stability-baseline').line);
      assert.equal(only(diags, 'state-unavailable').length, 0);
    });

    it('reports every static code at the offending node, with related information for duplicates', async () => {
      const { diags } = await openLive(STATIC, 'static');
      const at = (code: string, needle: string, nth = 0) => assert.deepEqual(one(diags, code).range, rangeOf(STATIC, needle, nth), code);
      at('unknown-key', 'tagz');
      at('duplicate-experience-name', 'alpha', 1);
      at('duplicate-experience-id', 'e0000000-0000-4000-8000-000000000001', 1);
      at('duplicate-tag', 'regression', 2);
      at('snake-case-key', 'cache_exempt');
      at('unknown-experience-in-suite', 'gamma');
      at('duplicate-test-suite', 'Basic Suite', 1);
      at('unmanaged-tag', 'regression', 1);
      const schema = only(diags, 'schema');
      assert.deepEqual(
        schema.map((d) => d.range),
        [rangeOf(STATIC, '[]')],
      );
      // An unquoted number where text is expected is its source text, as the resim CLI reads it.
      at('unquoted-scalar', '42');
      const dupName = one(diags, 'duplicate-experience-name');
      assert.equal(dupName.relatedInformation?.length, 1);
      assert.deepEqual(dupName.relatedInformation![0].location.range, rangeOf(STATIC, 'alpha', 0));
      assert.equal(one(diags, 'duplicate-tag').severity, 2);
      assert.equal(one(diags, 'unmanaged-tag').severity, 3);
    });

    it('reports yaml-syntax and keeps live checks off while the file does not parse', async () => {
      const text = '# resim-project: demo\nexperiences:\n  - name: "unterminated\n    description: x\n';
      const uri = nextUri('syntax');
      c.open(uri, text);
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'yaml-syntax'));
      assert.equal(one(ds, 'yaml-syntax').severity, 1);
      assert.equal(only(ds, 'will-archive').length, 0);
    });

    it('reports state-unavailable at line 0 when no project is set, saying how to set one', async () => {
      const uri = nextUri('noproject');
      const text = 'experiences:\n  - name: a\n    description: b\n    locations: [s3://x]\n';
      c.open(uri, text);
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'state-unavailable'));
      const d = one(ds, 'state-unavailable');
      assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'experiences:'.length } });
      assert.equal(d.severity, 2);
      assert.match(msg(d), /# resim-project:/);
      assert.match(msg(d), /resim\.project/);
      assert.deepEqual(await c.codeLens(uri), [], 'no lenses without state');
    });

    it('reports the API error for an unknown project', async () => {
      const uri = nextUri('unknownproject');
      c.open(uri, '# resim-project: no-such-project\nexperiences: []\n');
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'state-unavailable'));
      assert.match(msg(one(ds, 'state-unavailable')), /no-such-project/);
    });

    it('updates diagnostics on an incremental edit', async () => {
      const text = LIVE;
      const { uri } = await openLive(text, 'edit');
      const r = rangeOf(text, 'regresion');
      c.edit(uri, r, 'regression');
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive') && !d.some((x) => x.code === 'unknown-tag'));
      assert.equal(only(ds, 'unknown-tag').length, 0);
      assert.equal(only(ds, 'unknown-system').length, 1);
    });
  });

  describe('code actions', () => {
    it('did you mean: tag, system, test suite, managed tag', async () => {
      const { uri, diags } = await openLive(LIVE, 'dym');
      const expect: [string, string][] = [
        ['unknown-tag', 'regression'],
        ['unknown-system', 'sil_cluster'],
        ['unknown-test-suite', 'Basic Suite'],
      ];
      for (const [code, name] of expect) {
        const d = one(diags, code);
        const acts = await c.codeActions(uri, d.range, [d], ['quickfix']);
        assert.equal(acts.length, 1, code);
        assert.equal(acts[0].title, `Change to "${name}"`);
        assert.deepEqual(acts[0].edit!.changes![uri], [{ range: d.range, newText: name }]);
      }
      const d = one(diags, 'unknown-managed-tag');
      const acts = await c.codeActions(uri, d.range, [d], ['quickfix']);
      assert.deepEqual(
        acts.map((a) => a.title),
        [],
        'nope-tag is close to no tag: no suggestion',
      );
    });

    it('unknown-key → the closest key', async () => {
      const { uri, diags } = await openLive(STATIC, 'key');
      const d = one(diags, 'unknown-key');
      const acts = await c.codeActions(uri, d.range, [d], ['quickfix']);
      assert.equal(acts.length, 1);
      assert.deepEqual(acts[0].edit!.changes![uri], [{ range: rangeOf(STATIC, 'tagz'), newText: 'tags' }]);
    });

    it('unmanaged-tag → add it to managedExperienceTags (flow list, block list)', async () => {
      // Flow list.
      let r = await openLive(STATIC, 'managed-flow');
      let d = one(r.diags, 'unmanaged-tag');
      let acts = await c.codeActions(r.uri, d.range, [d], ['quickfix']);
      assert.equal(acts[0].title, 'Add "regression" to managedExperienceTags');
      assert.match(applyEdits(STATIC, acts[0].edit!.changes![r.uri]), /managedExperienceTags: \[progression, regression\]\n$/);
      // Block list.
      const block = LIVE.replace('tags: [nightly]', 'tags: [nightly]  # unmanaged');
      r = await openLive(block, 'managed-block');
      d = only(r.diags, 'unmanaged-tag').find((x) => textAt(block, x.range) === 'nightly')!;
      acts = await c.codeActions(r.uri, d.range, [d], ['quickfix']);
      assert.ok(
        applyEdits(block, acts[0].edit!.changes![r.uri]).endsWith('managedExperienceTags:\n  - regression\n  - nope-tag\n  - nightly\n'),
      );
    });

    it('source action: write matched experience IDs into the file, keeping comments', async () => {
      const text =
        '# resim-project: demo\nexperiences:\n  # the survey\n  - name: scenario-survey-alpha  # keep me\n    description: x\n    locations: [s3://x]\n  - name: not-yet-there\n    description: y\n    locations: [s3://y]\n';
      const { uri } = await openLive(text, 'ids');
      const acts = await c.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source']);
      const w = acts.find((a) => a.kind === 'source.resim.writeExperienceIDs');
      assert.ok(w, JSON.stringify(acts));
      const out = applyEdits(text, w.edit!.changes![uri]);
      assert.match(out, /# the survey/);
      assert.match(out, /# keep me/);
      assert.match(out, /experienceID: e0000000-0000-4000-8000-000000000001/);
      assert.equal(out.match(/experienceID/g)?.length, 1, 'only the matched entry gets an ID');
    });
  });

  describe('hover', () => {
    it('on an experience: action, match, changed fields; no app link for an API without a known app', async () => {
      const { uri } = await openLive(LIVE, 'hover');
      const h = await c.hover(uri, posOf(LIVE, 'scenario-survey-alpha', 0, 3));
      const md = (h?.contents as { value: string }).value;
      // IDs, names and values in code spans: verbatim for clients that render little markdown.
      assert.ok(md.includes('**Experience** `scenario-survey-alpha`'), md);
      assert.ok(md.includes('Matched by name to `e0000000-0000-4000-8000-000000000001`'), md);
      assert.match(md, /update/);
      assert.ok(md.includes('`description`: `"Aerial survey over the old test zone"` → `"Aerial survey over test zone"`'), md);
      assert.ok(!md.includes('Open in ReSim'), 'the sandbox has no ReSim app: no link to the production app');
      const broken = await c.hover(uri, posOf(LIVE, 'brand-new', 0, 2));
      assert.match((broken?.contents as { value: string }).value, /Not part of the plan/);
    });

    it('on a tag, a system, a test suite: ID and members', async () => {
      const text = LIVE.replace('regresion', 'regression').replace('sil_clustr', 'sil_cluster').replace('Basic Suit\n', 'Basic Suite\n');
      const { uri } = await openLive(text, 'hover2');
      const tag = (await c.hover(uri, posOf(text, 'regression', 0, 2)))?.contents as { value: string };
      assert.ok(tag.value.includes('**Tag** `regression`'), tag.value);
      assert.ok(tag.value.includes('ID `7a000000-0000-4000-8000-000000000001`'), tag.value);
      assert.ok(tag.value.includes('Members: 3 experiences (1 archived)'), tag.value);
      const sys = (await c.hover(uri, posOf(text, 'sil_cluster', 0, 2)))?.contents as { value: string };
      assert.ok(sys.value.includes('**System** `sil_cluster`'), sys.value);
      assert.ok(sys.value.includes('ID `5e000000-0000-4000-8000-000000000002`'), sys.value);
      const suite = (await c.hover(uri, posOf(text, 'Basic Suite', 0, 2)))?.contents as { value: string };
      assert.ok(suite.value.includes('**Test suite** `Basic Suite`'), suite.value);
      assert.ok(suite.value.includes('ID `5c000000-0000-4000-8000-000000000001`'), suite.value);
      assert.match(suite.value, /Members: 3 experiences/);
    });

    it('keeps names from the file in code spans, where markdown is inert', async () => {
      const text =
        '# resim-project: demo\nexperiences:\n  - name: "x](javascript:alert(1)) <img src=x> *b*"\n    description: d\n    locations: [s3://x]\n';
      const { uri } = await openLive(text, 'escape');
      const h = await c.hover(uri, posOf(text, 'javascript', 0, 1));
      const md = (h?.contents as { value: string }).value;
      assert.ok(md.includes('**Experience** `x](javascript:alert(1)) <img src=x> *b*`'), md);
    });
  });

  describe('completion', () => {
    const text = `# resim-project: demo
experiences:
  - name: scenario-survey-alpha
    description: d
    locations: [s3://x]
    tags:
      - 
    systems: [ ]
  - name: other
    description: e
    locations: [s3://y]
    
managedTestSuites:
  - name: 
    experiences:
      - 
managedExperienceTags:
  - 
`;
    let uri: string;
    before(async () => {
      uri = nextUri('completion');
      c.open(uri, text);
      await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
    });
    it('tag names in tags: and managedExperienceTags:', async () => {
      const inTags = labels(await c.completion(uri, posOf(text, '      - ', 0, 8)));
      for (const t of ['regression', 'progression', 'nightly']) assert.ok(inTags.includes(t), `${t} in ${inTags}`);
      const managed = labels(await c.completion(uri, { line: 17, character: 4 }));
      assert.ok(managed.includes('regression') && managed.includes('nightly'));
    });
    it('system names in systems: (flow list)', async () => {
      const l = labels(await c.completion(uri, posOf(text, 'systems: [', 0, 10)));
      assert.deepEqual(l.sort(), ['mbauer_tmp_hil_repro', 'sil_cluster']);
    });
    it('test suite names in managedTestSuites[].name, quoted when needed', async () => {
      const list = await c.completion(uri, posOf(text, '  - name: ', 2, 10));
      assert.deepEqual(labels(list).sort(), ['Basic Suite', 'Nightly Suite']);
      assert.equal(list!.items.find((i) => i.label === 'Basic Suite')!.textEdit!.newText, 'Basic Suite');
    });
    it("experience names in a suite's experiences: (from the file)", async () => {
      const l = labels(await c.completion(uri, { line: 15, character: 8 }));
      assert.deepEqual(l.sort(), ['other', 'scenario-survey-alpha']);
    });
    it('keys from the schema at key positions', async () => {
      const expKeys = labels(await c.completion(uri, { line: 11, character: 4 }));
      for (const k of ['experienceID', 'tags', 'systems', 'environmentVariables']) assert.ok(expKeys.includes(k), `${k} in ${expKeys}`);
      for (const k of ['name', 'description', 'locations']) assert.ok(!expKeys.includes(k), `${k} is in the entry already`);
      const rootKeys = labels(await c.completion(uri, { line: 18, character: 0 }));
      assert.deepEqual(rootKeys.sort(), [], 'the file has every root key already');
    });
  });

  describe('code lens, definition, symbols', () => {
    it('code lens per experience and a summary with Preview and Apply', async () => {
      const fixed = `# resim-project: demo
experiences:
  - name: scenario-survey-alpha
    description: Aerial survey over test zone
    locations:
      - s3://drone-missions/surveys/alpha-test-zone
    tags:
      - regression
    systems:
      - sil_cluster
  - name: brand-new
    description: A new one
    locations: [s3://b]
  - name: hover-stability-baseline
    description: Hover in still air for 10 minutes
    locations: [s3://drone-missions/baselines/hover, s3://drone-missions/baselines/hover-imu]
  - name: new-scenario-system-check
    description: Regression validation run
    locations: [s3://drone-missions/system-checks/regression-1]
    tags: [nightly]
managedTestSuites:
  - name: Basic Suite
    experiences: [scenario-survey-alpha]
managedExperienceTags:
  - regression
`;
      const { uri, diags } = await openLive(fixed, 'lens');
      assert.deepEqual(
        diags.filter((d) => d.severity === 1),
        [],
      );
      const lenses = await c.codeLens(uri);
      const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}`);
      const line = (needle: string) => posOf(fixed, needle).line;
      assert.deepEqual(titles, [
        '0:Plan: 1 to create, 2 to update, 1 to restore, 2 to archive, 3 membership changes, 1 suite revision',
        '0:Apply',
        `${line('- name: scenario-survey-alpha')}:~ update: description, locations, tags`,
        `${line('- name: brand-new')}:+ create`,
        `${line('- name: hover-stability-baseline')}:~ update: tags`,
        `${line('- name: new-scenario-system-check')}:↺ restore: tags`,
      ]);
      assert.equal(lenses[0].command?.command, 'resim.previewSync');
      assert.deepEqual(lenses[0].command?.arguments, [uri]);
      assert.equal(lenses[1].command?.command, 'resim.applySync');
      const h = await c.hover(uri, posOf(fixed, 'brand-new', 0, 2));
      assert.match((h?.contents as { value: string }).value, /New: no experience of the project matches/);
    });

    it("definition: a suite's experience name → its entry", async () => {
      const { uri } = await openLive(LIVE, 'def');
      const loc = await c.definition(uri, posOf(LIVE, 'experiences: [scenario-survey-alpha]', 0, 16));
      assert.deepEqual(loc, { uri, range: rangeOf(LIVE, 'scenario-survey-alpha') });
    });

    it('document symbols: experiences and suites', async () => {
      const { uri } = await openLive(LIVE, 'sym');
      const syms = await c.symbols(uri);
      assert.deepEqual(
        syms.map((s) => s.name),
        ['experiences', 'managedTestSuites', 'managedExperienceTags'],
      );
      assert.deepEqual(
        syms[0].children!.map((s) => s.name),
        [
          'scenario-survey-alpha',
          'legacy-night-flight',
          'brand-new',
          'hover-stability-baseline',
          'hover-renamed',
          'new-scenario-system-check',
        ],
      );
      assert.deepEqual(syms[0].children![0].selectionRange, rangeOf(LIVE, 'scenario-survey-alpha'));
      assert.deepEqual(
        syms[1].children!.map((s) => s.name),
        ['Basic Suit'],
      );
    });
  });

  describe('custom requests', () => {
    it('resim/preview: the CLI plan JSON plus stateFetchedAt; errors with line and column', async () => {
      const { uri } = await openLive(LIVE, 'preview');
      const res = await c.request<{ plan: Record<string, any>; errors?: { code: string; line: number; column: number }[] }>(
        'resim/preview',
        { uri },
      );
      assert.equal(res.plan.project.name, 'demo');
      assert.match(res.plan.stateFingerprint, /^[0-9a-f]{64}$/);
      assert.ok(!Number.isNaN(Date.parse(res.plan.stateFetchedAt)));
      for (const k of ['summary', 'experiences', 'tags', 'systems', 'testSuites', 'warnings']) assert.ok(k in res.plan, k);
      const tagErr = res.errors!.find((e) => e.code === 'unknown-tag')!;
      const p = posOf(LIVE, 'regresion');
      assert.deepEqual([tagErr.line, tagErr.column], [p.line + 1, p.character + 1]);
    });

    it('resim/listProjects and resim/clone; a clone previews as No changes', async () => {
      const projects = await c.request<{ id: string; name: string }[]>('resim/listProjects', {});
      assert.ok(projects.some((p) => p.name === 'demo' && p.id === 'd0000000-0000-4000-8000-000000000001'));
      const { text } = await c.request<{ text: string }>('resim/clone', { project: 'demo' });
      assert.match(text, /scenario-survey-alpha/);
      const withProject = text.startsWith('# resim-project:') ? text : `# resim-project: demo\n${text}`;
      const uri = nextUri('clone');
      c.open(uri, withProject);
      await c.diagnosticsFor(uri);
      const res = await c.request<{ plan: { summary: Record<string, number> } }>('resim/preview', { uri });
      assert.ok(
        Object.entries(res.plan.summary).every(([k, v]) => k === 'unchanged' || v === 0),
        JSON.stringify(res.plan.summary),
      );
      const ls = await c.codeLens(uri);
      assert.equal(ls[0].command?.title, 'No changes');
    });
  });
});
