/**
 * The language server's first analysis of a large document takes the fast path on its parsing
 * thread, then edits continue on the incremental path: at every step the server publishes what
 * the full loader gives for the same text (codes, ranges, messages), and hover reads paths and
 * ranges of the fast result. Block style (pieces) and a flow-style document on one line.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic } from 'vscode-languageserver';
import { loadConfig } from '../../server/src/config';
import { LspClient, posOf } from './lsp-helpers';

const N = 2000;

function blockText(n: number): string {
  let t = 'experiences:\n';
  for (let i = 0; i < n; i++) {
    t += `  - name: exp-${i}\n    description: "Experience ${i}"\n    locations:\n      - s3://b/${i}\n    cacheExempt: ${i % 2 ? 'true' : 'false'}\n`;
    if (i % 7 === 0) t += `    tags: [t${i % 3}]\n`;
  }
  return t + 'managedTestSuites:\n  - name: S\n    experiences: [exp-0, exp-1, nobody]\n';
}

const flowText = (n: number) =>
  `{experiences: [${Array.from({ length: n }, (_, i) => `{name: exp-${i}, description: "Experience ${i}", locations: [s3://b/${i}], cacheExempt: ${i % 2 ? 'true' : 'false'}}`).join(', ')}]}`;

/** The diagnostics the full loader gives for `text`, as the server publishes them. */
function expected(text: string): string[] {
  return loadConfig(text, { mode: 'whole' })
    .diagnostics.map((d) => `${d.severity} ${d.code} ${JSON.stringify(d.range)} ${d.message}`)
    .sort();
}
const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information' };
const published = (ds: Diagnostic[]) =>
  ds
    .filter((d) => d.code !== 'state-unavailable')
    .map((d) => `${SEVERITY[d.severity ?? 1]} ${d.code} ${JSON.stringify(d.range)} ${d.message}`)
    .sort();

describe('language server: first analysis on the fast path, then the incremental path', function () {
  this.timeout(120_000);
  let dir: string;
  let lsp: LspClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-first-'));
    lsp = await LspClient.start({ settings: { project: '', apiUrl: 'http://127.0.0.1:9/v1/' } });
  });
  after(async () => {
    await lsp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a large block config: the same diagnostics and ranges as the full loader at open and after edits; hover answers', async () => {
    const file = path.join(dir, 'big.experiences.yaml');
    let text = blockText(N).replace('name: exp-900\n', 'name: exp-10\n');
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    lsp.open(uri, text);
    let ds = await lsp.diagnosticsFor(uri, () => true, 60_000);
    assert.deepEqual(published(ds), expected(text));
    assert.ok(
      ds.some((d) => d.code === 'duplicate-experience-name'),
      'a cross-entry diagnostic, located',
    );
    // On a value: the matched experience; on a key: what the field means (from the schema).
    const hover = await lsp.hover(uri, posOf(text, 'cacheExempt: ', 1500, 'cacheExempt: '.length + 1));
    assert.ok(hover && JSON.stringify(hover.contents).includes('`exp-1500`'), JSON.stringify(hover));
    const keyHover = await lsp.hover(uri, posOf(text, 'cacheExempt', 1500, 2));
    assert.ok(keyHover && JSON.stringify(keyHover.contents).includes('boolean'), JSON.stringify(keyHover));
    const edits: [string, string][] = [
      ['cacheExempt: false\n', 'cacheExempt: maybe\n'],
      ['description: "Experience 1200"', 'description: ""'],
      ['name: exp-10\n', 'name: exp-900\n'],
      ['    cacheExempt: maybe\n', '    cacheExempt: false\n    locatoins: [x]\n'],
    ];
    for (const [from, to] of edits) {
      const at = posOf(text, from);
      const end = posOf(text, from, 0, from.length);
      text = text.replace(from, to);
      lsp.edit(uri, { start: at, end }, to);
      ds = await lsp.diagnosticsFor(uri, () => true, 60_000);
      assert.deepEqual(published(ds), expected(text), `after replacing ${JSON.stringify(from)}`);
      // The config the server holds after the edit (hover reads the entry at the position).
      for (const name of ['exp-0', 'exp-1000', 'exp-1999']) {
        const h = await lsp.hover(uri, posOf(text, `name: ${name}\n`, 0, 7));
        assert.ok(
          h && JSON.stringify(h.contents).includes(`\`${name}\``),
          `hover on ${name} after replacing ${JSON.stringify(from)}: ${JSON.stringify(h?.contents)}`,
        );
      }
    }
  });

  it('a flow-style config on one line (10,200 experiences): the same diagnostics as the full loader, and hover answers', async () => {
    const file = path.join(dir, 'flow.experiences.yaml');
    // 10,200 experiences (under 1 MB): the config crosses from the parsing thread in two parts.
    let text = flowText(10_200);
    assert.ok(text.length < 1_000_000);
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    lsp.open(uri, text);
    let ds = await lsp.diagnosticsFor(uri, () => true, 60_000);
    assert.deepEqual(published(ds), expected(text));
    const hover = await lsp.hover(uri, posOf(text, 'description: ', 1000, 'description: '.length + 2));
    assert.ok(hover && JSON.stringify(hover.contents).includes('`exp-1000`'), JSON.stringify(hover));
    const last = await lsp.hover(uri, posOf(text, 'name: exp-10150,', 0, 8));
    assert.ok(last && JSON.stringify(last.contents).includes('`exp-10150`'), JSON.stringify(last));
    const from = 'name: exp-1500,';
    const at = posOf(text, from);
    text = text.replace(from, 'name: exp-3,');
    lsp.edit(uri, { start: at, end: { line: at.line, character: at.character + from.length } }, 'name: exp-3,');
    ds = await lsp.diagnosticsFor(uri, () => true, 60_000);
    assert.deepEqual(published(ds), expected(text));
    assert.ok(ds.some((d) => d.code === 'duplicate-experience-name'));
  });
});
