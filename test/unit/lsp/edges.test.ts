/**
 * The editor at the edges (issue 22), in process on caret fixtures: experience-name completion in
 * a suite's block list, one diagnostic for an empty suite entry, hover on a key gives the field's
 * documentation from the schema.
 */
import * as assert from 'assert';
import type { CompletionItem, Hover, MarkupContent } from 'vscode-languageserver';
import schemaJson from '../../../schema/experience-sync.schema.json';
import { completionsAt } from '../../../server/src/lsp/completion';
import { diagnosticsOf } from '../../../server/src/lsp/diagnostics';
import { formatConfigText, type FormatOptions } from '../../../server/src/lsp/format';
import { isHandledDocument } from '../../../server/src/lsp/documents';
import { hoverAt } from '../../../server/src/lsp/hover';
import { normalizeSettings } from '../../../server/src/lsp/settings';
import { listProjectItems, type ProjectItemsResult } from '../../../server/src/lsp/projectView';
import { analysisOf, at, caret, CONFIG } from './fixture';

const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (items: CompletionItem[] | undefined): string[] => (items ?? []).map((i) => i.label);
const experienceProps = (schemaJson as { definitions: { experience: { properties: Record<string, { description: string }> } } }).definitions
  .experience.properties;

describe('lsp at the edges: suites and keys', () => {
  const BLOCK = CONFIG.replace('experiences: [alpha, delta]', 'experiences:\n      - alpha\n      - ‸');

  it('completes the file’s experience names in a suite’s block list, without those already listed', () => {
    const { text, pos } = caret(BLOCK);
    const got = labels(completionsAt(text, pos, analysisOf(text))?.items);
    assert.deepEqual(got.sort(), ['beta', 'delta']);
    const typed = caret(BLOCK.replace('- ‸', '- de‸'));
    const items = completionsAt(typed.text, typed.pos, analysisOf(typed.text))?.items ?? [];
    const delta = items.find((i) => i.label === 'delta');
    assert.ok(delta, labels(items).join(', '));
    assert.deepEqual(delta.textEdit && 'range' in delta.textEdit ? delta.textEdit.range.start : undefined, {
      line: typed.pos.line,
      character: typed.pos.character - 2,
    });
  });

  it('right after the `-` trigger character, an item brings the space and keeps matching when the space is typed', () => {
    const { text, pos } = caret(BLOCK.replace('- ‸', '-‸'));
    const items = completionsAt(text, pos, analysisOf(text))?.items ?? [];
    const beta = items.find((i) => i.label === 'beta');
    assert.ok(beta && beta.textEdit, labels(items).join(', '));
    assert.equal(beta.textEdit.newText, ' beta');
    assert.equal(beta.filterText, ' beta');
  });

  it('an empty suite entry gets one diagnostic, not an error and a warning at the same place', () => {
    for (const empty of ['- ', '- ""']) {
      const text = CONFIG.replace('experiences: [alpha, delta]', `experiences:\n      - alpha\n      ${empty}\n`);
      const a = analysisOf(text);
      const line = text.split('\n').findIndex((l) => l.trimEnd() === `      ${empty}`.trimEnd());
      const here = diagnosticsOf(a).filter((d) => d.range.start.line === line);
      assert.equal(here.length, 1, JSON.stringify(here));
      assert.match(String(here[0].message), /must not be empty/);
    }
  });

  it('hover on a key gives the field’s documentation from the schema; on the value, the experience', () => {
    const { text, pos } = caret(
      CONFIG.replace('    locations: [s3://bucket/beta]', '    locations: [s3://bucket/beta]\n    pro‸file: full_stack'),
    );
    const h = hoverText(hoverAt(analysisOf(text), pos));
    assert.ok(h.includes(experienceProps.profile.description), h);
    assert.doesNotMatch(h, /Experience/);
    const desc = caret(at('description: changed', 3));
    assert.ok(hoverText(hoverAt(analysisOf(desc.text), desc.pos)).includes(experienceProps.description.description));
    const root = caret(at('managedTestSuites', 4));
    assert.match(hoverText(hoverAt(analysisOf(root.text), root.pos)), /managedTestSuites/);
    const value = caret(at('changed description', 3));
    assert.match(hoverText(hoverAt(analysisOf(value.text), value.pos)), /Experience.*alpha/);
  });
});

describe('Format Document follows the FormattingOptions the editor sends', () => {
  const TEXT = '# resim-project: demo\nexperiences:\n - name: a\n   description: d\n   locations: [s3://a]\n   tags:\n   - x\n';

  it('indents by tabSize (2 when the editor sends none), as LSP says', () => {
    const two = formatConfigText(TEXT);
    assert.equal(
      two,
      '# resim-project: demo\nexperiences:\n  - name: a\n    description: d\n    locations: [s3://a]\n    tags:\n      - x\n',
    );
    const four = formatConfigText(TEXT, { tabSize: 4, insertSpaces: true } as FormatOptions);
    assert.equal(
      four,
      '# resim-project: demo\nexperiences:\n    - name: a\n      description: d\n      locations: [s3://a]\n      tags:\n          - x\n',
    );
    assert.equal(formatConfigText(TEXT, { tabSize: 2 }), two);
  });

  it('insertFinalNewline adds the final newline a text lacks; without it the text keeps its ending', () => {
    const bare = TEXT.replace(/\n$/, '');
    assert.ok(!formatConfigText(bare, { tabSize: 2 })!.endsWith('\n'));
    assert.ok(formatConfigText(bare, { tabSize: 2, insertFinalNewline: true })!.endsWith('x\n'));
  });
});

describe('project view: markers while the config does not parse', () => {
  it('keeps the last good markers, marked out of date, instead of "not managed" for everything', () => {
    const uri = 'file:///ws/edges-stale.experiences.yaml';
    const good = listProjectItems(analysisOf(CONFIG, undefined, uri), { uri, kind: 'experience' });
    assert.equal(good.stale, undefined);
    const statuses = (r: ProjectItemsResult) => r.items.map((i) => `${i.name}:${i.status}`).sort();
    assert.ok(statuses(good).includes('alpha:update'), statuses(good).join(', '));
    const broken = CONFIG.replace('  - name: beta\n', '  - name: [beta\n');
    const a = analysisOf(broken, undefined, uri);
    assert.equal(a.plan, undefined, 'the broken text does not plan');
    const r = listProjectItems(a, { uri, kind: 'experience' });
    assert.equal(r.stale, true);
    assert.match(r.problem ?? '', /does not parse.*out of date/);
    assert.deepEqual(statuses(r), statuses(good));
    const tags = listProjectItems(a, { uri, kind: 'tag' });
    assert.deepEqual(
      tags.items.map((i) => `${i.name}:${i.status}`).sort(),
      listProjectItems(analysisOf(CONFIG, undefined, uri), { uri, kind: 'tag' })
        .items.map((i) => `${i.name}:${i.status}`)
        .sort(),
    );
    // Another document never borrows these markers.
    const other = listProjectItems(analysisOf(broken, undefined, 'file:///ws/other.experiences.yaml'), { uri, kind: 'experience' });
    assert.notEqual(other.stale, true);
  });
});

describe('only config files drive the editor', () => {
  it('a read-only or virtual document is never a config, whatever its language or first line', () => {
    const settings = normalizeSettings({ project: 'demo' }, {});
    const doc = (uri: string, languageId = 'resim-experiences') => ({ uri, languageId, getText: () => CONFIG });
    assert.equal(isHandledDocument(doc('file:///ws/demo.experiences.yaml'), settings), true);
    assert.equal(isHandledDocument(doc('untitled:Untitled-1'), settings), true);
    for (const uri of [
      'resim-project:/demo%20(ReSim).yaml?file%3A%2F%2F%2Fws%2Fdemo.experiences.yaml',
      'git:/ws/demo.experiences.yaml?%7B%7D',
      'output:extension-output-resim',
    ]) {
      assert.equal(isHandledDocument(doc(uri), settings), false, uri);
      assert.equal(isHandledDocument(doc(uri, 'yaml'), settings), false, uri);
    }
  });
});
