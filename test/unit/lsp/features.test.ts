/**
 * Every feature of the language server (server/src/lsp/), in process, on caret-marked fixtures
 * (fixture.ts): diagnostics, hover, completion, code actions, code lens, definition, document
 * symbols, the suspicious-characters check and which documents are handled.
 */
import * as assert from 'assert';
import type { CompletionItem, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver';
import { DIAGNOSTIC_SEVERITY } from '../../../protocol';
import { codeActionsFor, WRITE_IDS_KIND } from '../../../server/src/lsp/codeActions';
import { APPLY_COMMAND, codeLensesFor, PREVIEW_COMMAND } from '../../../server/src/lsp/codeLens';
import { completionsAt } from '../../../server/src/lsp/completion';
import { diagnosticsOf, SOURCE } from '../../../server/src/lsp/diagnostics';
import { isHandledDocument, matchesGlobs } from '../../../server/src/lsp/documents';
import { hoverAt } from '../../../server/src/lsp/hover';
import { normalizeSettings } from '../../../server/src/lsp/settings';
import { suspiciousCharacterDiagnostics } from '../../../server/src/config/suspicious';
import { lineStarts } from '../../../server/src/config/text';
import { definitionAt, documentSymbolsFor } from '../../../server/src/lsp/symbols';
import { analysisOf, at, caret, CONFIG, documentOf } from './fixture';

const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (items: CompletionItem[] | undefined): string[] => (items ?? []).map((i) => i.label);
const severityName = { 1: 'error', 2: 'warning', 3: 'information' } as const;

describe('lsp features in process (caret fixtures)', () => {
  describe('diagnostics', () => {
    it('a live error sits on the offending node, with the severity of docs/diagnostics.md', () => {
      const { text, pos } = caret(at('regresion', 0, 0, CONFIG.replace('tags: [regression]', 'tags: [regresion]')));
      const d = diagnosticsOf(analysisOf(text)).find((x) => x.code === 'unknown-tag');
      assert.ok(d, 'unknown-tag reported');
      assert.deepEqual(d.range.start, pos);
      assert.equal(d.source, SOURCE);
      assert.equal(severityName[d.severity as 1 | 2 | 3], DIAGNOSTIC_SEVERITY['unknown-tag']);
      assert.match(String(d.message), /Did you mean "regression"/);
    });

    it('every code published carries the severity its table gives', () => {
      const text = CONFIG.replace('tags: [regression]', 'tags: [regresion]').replace(
        '  - name: beta\n',
        '  - name: beta\n    colour: red\n',
      );
      const ds = diagnosticsOf(analysisOf(text));
      assert.ok(ds.length >= 3, JSON.stringify(ds.map((d) => d.code)));
      for (const d of ds)
        assert.equal(
          severityName[d.severity as 1 | 2 | 3],
          DIAGNOSTIC_SEVERITY[d.code as keyof typeof DIAGNOSTIC_SEVERITY],
          String(d.code),
        );
    });

    it('the restore of an archived experience is a note at its name', () => {
      const { text, pos } = caret(at('beta', 0, 0));
      const d = diagnosticsOf(analysisOf(text)).find((x) => x.code === 'will-restore');
      assert.ok(d);
      assert.deepEqual(d.range.start, pos);
    });
  });

  describe('hover', () => {
    it('on an experience: its action and the fields that change', () => {
      const { text, pos } = caret(at('alpha', 2, 0));
      const h = hoverText(hoverAt(analysisOf(text), pos));
      assert.match(h, /update/i);
      assert.match(h, /description/);
    });

    it('on a tag: its ID', () => {
      const { text, pos } = caret(at('regression]', 3, 0));
      assert.match(hoverText(hoverAt(analysisOf(text), pos)), /t-regression/);
    });

    it('on a new experience: create', () => {
      const { text, pos } = caret(at('delta', 1, 0));
      assert.match(hoverText(hoverAt(analysisOf(text), pos)), /create/i);
    });

    it('on the project comment: nothing', () => {
      const { text, pos } = caret(at('resim-project', 2));
      assert.equal(hoverAt(analysisOf(text), pos), null);
    });
  });

  describe('completion', () => {
    it('tag names of the project in tags:', () => {
      const { text, pos } = caret(CONFIG.replace('tags: [nightly]', 'tags: [‸]'));
      const got = labels(completionsAt(text, pos, analysisOf(text.replace('tags: []', 'tags: [nightly]')))?.items);
      assert.ok(got.includes('regression') && got.includes('nightly'), got.join(', '));
    });

    it('system names of the project in systems:', () => {
      const { text, pos } = caret(CONFIG.replace('systems: [drone]', 'systems: [‸]'));
      const got = labels(completionsAt(text, pos, analysisOf(CONFIG))?.items);
      assert.ok(got.includes('rover'), got.join(', '));
    });

    it('schema keys at a key position of an experience', () => {
      const { text, pos } = caret(CONFIG.replace('    tags: [nightly]\n', '    tags: [nightly]\n    ‸\n'));
      const got = labels(completionsAt(text, pos, analysisOf(CONFIG))?.items);
      for (const k of ['profile', 'environmentVariables', 'customFields']) assert.ok(got.includes(k), `${k} in ${got.join(', ')}`);
    });

    it('experience names of the file in a suite', () => {
      const { text, pos } = caret(CONFIG.replace('experiences: [alpha, delta]', 'experiences: [alpha, ‸]'));
      const got = labels(completionsAt(text, pos, analysisOf(CONFIG))?.items);
      assert.ok(got.includes('delta') && got.includes('beta'), got.join(', '));
    });
  });

  describe('code actions', () => {
    it('did you mean: the closest tag replaces the unknown one', () => {
      const text = CONFIG.replace('tags: [regression]', 'tags: [regresion]');
      const a = analysisOf(text);
      const doc = documentOf(text);
      const d = diagnosticsOf(a).find((x) => x.code === 'unknown-tag') as Diagnostic;
      const actions = codeActionsFor(a, doc, { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [d] } });
      const fix = actions.find((x) => /regression/.test(x.title));
      assert.ok(fix, JSON.stringify(actions.map((x) => x.title)));
      assert.equal(fix.edit?.changes?.[doc.uri]?.[0].newText, 'regression');
    });

    it('source action: write the matched experience IDs into the file', () => {
      const a = analysisOf(CONFIG);
      const doc = documentOf(CONFIG);
      const actions = codeActionsFor(a, doc, {
        textDocument: { uri: doc.uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: [WRITE_IDS_KIND] },
      });
      assert.equal(actions.length, 1, JSON.stringify(actions.map((x) => x.title)));
      const edits = actions[0].edit?.changes?.[doc.uri] ?? [];
      assert.ok(
        edits.some((e) => e.newText.includes('00000000-0000-4000-8000-000000000001')),
        JSON.stringify(edits),
      );
    });
  });

  describe('code lens', () => {
    it('a summary with Preview and Apply, and one lens per experience at its entry', () => {
      const a = analysisOf(CONFIG);
      const lenses = codeLensesFor(a);
      assert.equal(lenses[0].command?.command, PREVIEW_COMMAND);
      assert.ok(lenses.some((l) => l.command?.command === APPLY_COMMAND && l.command.title === 'Apply'));
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.ok(titles.includes('+ create'), titles.join(' | '));
      assert.ok(
        titles.some((t) => t.startsWith('~ update') && t.includes('description')),
        titles.join(' | '),
      );
      const { pos } = caret(at('- name: delta', 0));
      const delta = lenses.find((l) => l.command?.title === '+ create');
      assert.deepEqual(delta?.range.start.line, pos.line);
    });

    it('no Apply while the file has errors', () => {
      const lenses = codeLensesFor(analysisOf(CONFIG.replace('tags: [regression]', 'tags: [regresion]')));
      assert.ok(!lenses.some((l) => l.command?.command === APPLY_COMMAND));
      assert.match(lenses[0].command?.title ?? '', /1 error to fix first/);
    });
  });

  describe('definition and symbols', () => {
    it("a suite's experience name leads to its entry", () => {
      const { text, pos } = caret(at('delta]', 1, 1)); // the second: the suite's member, not the location
      const loc = definitionAt(analysisOf(text), pos);
      assert.ok(loc, 'a location');
      assert.equal(loc.range.start.line, caret(at('- name: delta')).pos.line);
    });

    it('symbols: the experiences and the suites', () => {
      const names = documentSymbolsFor(analysisOf(CONFIG)).flatMap((s) => [s.name, ...(s.children ?? []).map((c) => c.name)]);
      for (const n of ['alpha', 'beta', 'delta', 'smoke'])
        assert.ok(
          names.some((x) => x.includes(n)),
          `${n} in ${names.join(', ')}`,
        );
    });
  });

  describe('suspicious characters and handled documents', () => {
    it('a bidi control is a warning at its place, with a fix that removes it', () => {
      const { text, pos } = caret(CONFIG.replace('name: alpha', 'name: al‸\u202Epha'));
      const ds = suspiciousCharacterDiagnostics(text, lineStarts(text));
      assert.equal(ds.length, 1);
      assert.equal(ds[0].code, 'suspicious-characters');
      assert.deepEqual(ds[0].range.start, pos);
      assert.deepEqual(
        ds[0].fix?.edits.map((e) => e.newText),
        [''],
      );
      // The editor publishes it with the same position.
      const published = diagnosticsOf(analysisOf(text)).find((d) => d.code === 'suspicious-characters');
      assert.deepEqual(published?.range.start, pos);
    });

    it('handles *.experiences.yaml, first-line links (with a BOM too) and resim.configFiles; not other YAML', () => {
      const s = normalizeSettings({ configFiles: ['sync/*.yaml'] }, {});
      const doc = (uri: string, text = 'a: 1\n', languageId = 'yaml') => ({ uri, languageId, getText: () => text });
      assert.ok(isHandledDocument(doc('file:///ws/x.experiences.yaml'), s));
      assert.ok(isHandledDocument(doc('file:///ws/x.yaml', '\uFEFF#resim-project: demo\n'), s));
      assert.ok(isHandledDocument(doc('file:///ws/sync/a.yaml'), s, ['file:///ws']));
      assert.ok(!isHandledDocument(doc('file:///ws/other.yaml'), s, ['file:///ws']));
      assert.ok(matchesGlobs('file:///ws/b/sync/a.yaml', ['sync/*.yaml'], ['file:///ws/a', 'file:///ws/b']));
    });
  });
});
