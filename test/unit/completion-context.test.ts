/**
 * Completion finds its line and the keys it sits under through a line index (the document's own
 * line offsets in the server), passing over the lines that cannot hold an ancestor by their first
 * characters: the context must be the same whichever index is used, and the same at the end of a
 * long `experiences:` list as at its start.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completionContext, completionsAt, lineIndexOf, type LineIndex } from '../../server/src/lsp/completion';

function experiences(n: number): string {
  let s = '# resim-project: p\nexperiences:\n';
  for (let i = 0; i < n; i++) {
    s += `  - name: exp-${i}\n    description: d\n\n    # a comment\n    locations:\n      - s3://b/${i}\n    tags:\n      - t\n`;
  }
  return `${s}managedTestSuites:\n  - name: suite\n    experiences:\n      - exp-1\n`;
}

function docIndex(doc: TextDocument): LineIndex {
  return { lineCount: doc.lineCount, lineStart: (line) => doc.offsetAt({ line, character: 0 }) };
}

describe('completion context through a line index', () => {
  it('reads the parents of a line at the end of a long list', () => {
    const text = `${experiences(20_000)}  - name: last\n    `;
    const lines = text.split('\n');
    const last = lines.length - 1;
    assert.deepEqual(completionContext(text, { line: last, character: 4 }), { kind: 'key', map: 'testSuite', prefix: '', start: 4 });
    const lastDescription = lines.lastIndexOf('    description: d');
    assert.ok(lastDescription > 150_000);
    assert.deepEqual(completionContext(text, { line: lastDescription, character: 4 }), {
      kind: 'key',
      map: 'experience',
      prefix: '',
      start: 4,
    });
    // A tag list item under the last experience but one, and a test suite's experience.
    const tagLine = lines.lastIndexOf('      - t');
    assert.deepEqual(completionContext(text, { line: tagLine, character: 9 }), {
      kind: 'name',
      names: 'tag',
      prefix: 't',
      start: 8,
      flow: false,
    });
    const suiteExp = lines.indexOf('      - exp-1');
    assert.deepEqual(completionContext(text, { line: suiteExp, character: 13 }), {
      kind: 'name',
      names: 'experience',
      prefix: 'exp-1',
      start: 8,
      flow: false,
    });
    assert.deepEqual(completionContext(text, { line: 0, character: 0 }), { kind: 'key', map: 'root', prefix: '', start: 0 });
    assert.equal(completionContext(text, { line: lines.length, character: 0 }), undefined);
  });

  it('leaves out the keys the entry already has, read through the index (LF and CRLF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `${experiences(2_000)}`.replace(/\n/g, eol);
      const lines = text.split(eol);
      // The start of the last experience's `locations:` line: its other keys are there already.
      const at = lines.lastIndexOf('    locations:');
      assert.ok(at > 10_000);
      const labels = (completionsAt(text, { line: at, character: 4 }, undefined)?.items ?? []).map((i) => i.label);
      assert.ok(labels.includes('profile'), `${JSON.stringify(eol)}: ${labels.join(',')}`);
      for (const present of ['name', 'description', 'tags'])
        assert.ok(!labels.includes(present), `${JSON.stringify(eol)}: ${present} offered again`);
    }
  });

  it("gives the same context and items with the document's line offsets after edits as with lineStarts", () => {
    const base = experiences(3);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat(),
            del: fc.nat({ max: 12 }),
            ins: fc.constantFrom('', '\n', '  ', '- ', 'tags:\n      - ', '#', '\r\n', 'name: x', '\n  - '),
          }),
          { maxLength: 6 },
        ),
        fc.nat(),
        fc.nat({ max: 20 }),
        (edits, lineSeed, character) => {
          const doc = TextDocument.create('file:///c.yaml', 'yaml', 1, base);
          let v = 1;
          for (const e of edits) {
            const text = doc.getText();
            const start = e.at % (text.length + 1);
            const end = Math.min(text.length, start + e.del);
            TextDocument.update(doc, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: e.ins }], ++v);
          }
          const text = doc.getText();
          const pos = { line: lineSeed % (doc.lineCount + 1), character };
          assert.deepEqual(completionContext(text, pos, docIndex(doc)), completionContext(text, pos, lineIndexOf(text)));
          // The items too: the keys and names already present are read through the same index.
          assert.deepEqual(completionsAt(text, pos, undefined, docIndex(doc)), completionsAt(text, pos, undefined));
        },
      ),
      { numRuns: 300 },
    );
  });
});
