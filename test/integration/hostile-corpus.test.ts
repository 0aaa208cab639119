/**
 * One loader contract, end to end: on a corpus of hostile files (aliases, deep nesting, BOM, NUL,
 * invalid UTF-8, UTF-16, CRLF, CR-only, a 10 MB single line, numbers as names), `resim-sync validate
 * --json` and the language server's diagnostics give exactly the same codes at the same lines.
 * The server gets what an editor hands it (text decoded from the bytes, a BOM dropped, invalid
 * UTF-8 as U+FFFD) and reads the file's bytes itself. Plus the alias file's behaviour: 20,000
 * aliases validate clean, and hover on another document answers while they parse. How fast is
 * `npm run bench`'s (bench/shapes.bench.ts): a test never asserts wall-clock time.
 */
import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic } from 'vscode-languageserver';
import { hostileCorpus, type HostileFile } from '../support/hostile';
import { LspClient, ROOT } from './lsp-helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Validate {
  codes: string[];
}

function validate(file: string): Promise<Validate> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'validate', '--experience-config', file, '--json'],
      { env: { PATH: process.env.PATH, HOME: os.tmpdir(), NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && (err as { code?: unknown }).code !== 1) return reject(new Error(`validate ${file}: ${err.message}\n${stderr}`));
        try {
          const out = JSON.parse(stdout) as {
            errors: { code: string; line: number | null }[];
            warnings?: { code: string; line: number | null }[];
          };
          const codes = [
            ...out.errors.map((e) => `error ${e.code}@${e.line}`),
            ...(out.warnings ?? []).map((e) => `warning ${e.code}@${e.line}`),
          ];
          resolve({ codes: codes.sort() });
        } catch (e) {
          reject(new Error(`validate ${file}: not JSON (${String(e)}): ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
        }
      },
    );
  });
}

/** The text an editor shows for these bytes (VS Code: BOMs dropped, UTF-16 decoded, invalid UTF-8 replaced). */
function editorText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (bytes.length > 3 && bytes[0] !== 0 && bytes[1] === 0) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length > 3 && bytes[0] === 0 && bytes[1] !== 0) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM, replaces invalid bytes with U+FFFD
}

const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning' };
const lspCodes = (ds: Diagnostic[]) =>
  ds
    .filter((d) => SEVERITY[d.severity ?? 1] && d.code !== 'state-unavailable')
    .map((d) => `${SEVERITY[d.severity ?? 1]} ${d.code}@${d.range.start.line + 1}`)
    .sort();

describe('hostile corpus: resim-sync validate --json ≡ the language server', function () {
  this.timeout(300_000);
  let dir: string;
  let lsp: LspClient;
  let corpus: HostileFile[];

  before(async () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `node esbuild.mjs` first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-hostile-'));
    corpus = hostileCorpus({ big: true });
    for (const f of corpus) fs.writeFileSync(path.join(dir, f.name), f.bytes);
    lsp = await LspClient.start({ settings: { project: '', apiUrl: 'http://127.0.0.1:9/v1/' } });
  });
  after(async () => {
    await lsp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every file: the same codes at the same lines', async () => {
    const mismatches: string[] = [];
    for (const f of corpus) {
      const file = path.join(dir, f.name);
      const cli = await validate(file);
      const uri = pathToFileURL(file).href;
      lsp.open(uri, editorText(f.bytes));
      const diags = await lsp.diagnosticsFor(uri, () => true, 120_000);
      lsp.close(uri);
      assert.ok(cli.codes.length > 0 || f.name.startsWith('single-line'), `${f.name}: the corpus file has problems to report`);
      if (f.name === 'cr-only.yaml')
        // A lone CR ends a line on both sides: the problems sit on the lines a CR-only editor shows.
        assert.deepEqual(cli.codes, ['error duplicate-experience-name@6', 'error unknown-key@9', 'warning empty-test-suite@11'], f.name);
      if (JSON.stringify(lspCodes(diags)) !== JSON.stringify(cli.codes))
        mismatches.push(`${f.name}:\n  cli: ${cli.codes.join(', ')}\n  lsp: ${lspCodes(diags).join(', ')}`);
    }
    assert.deepEqual(mismatches, []);
  });

  it('20,000 aliases in 80 KB: validate reads them without an error (its time: npm run bench)', async () => {
    const file = path.join(dir, 'aliases-20k.yaml');
    assert.ok(fs.statSync(file).size <= 81 * 1024, 'about 80 KB');
    const r = await validate(file);
    assert.equal(r.codes.filter((c) => c.startsWith('error')).length, 0, r.codes.slice(0, 5).join(', '));
  });

  it('while the 20,000-alias file is parsed, hover and completion on another document answer (their latency: npm run bench)', async () => {
    const small = pathToFileURL(path.join(dir, 'small.experiences.yaml')).href;
    const smallText = 'experiences:\n  - name: hover-me\n    description: d\n    locations: [s3://b/l]\n';
    lsp.open(small, smallText);
    await lsp.diagnosticsFor(small);
    // A document the server has not seen (the corpus test opened aliases-20k.yaml already).
    const bigFile = path.join(dir, 'aliases-hover.yaml');
    fs.copyFileSync(path.join(dir, 'aliases-20k.yaml'), bigFile);
    const big = pathToFileURL(bigFile).href;
    const text = editorText(fs.readFileSync(bigFile));
    const latencies: number[] = [];
    let parsed = false;
    lsp.open(big, text);
    const done = lsp.diagnosticsFor(big, () => true, 60_000).then(() => (parsed = true));
    while (!parsed) {
      const t = Date.now();
      if (latencies.length % 2) assert.ok(await lsp.completion(small, { line: 3, character: 4 }), 'completion answers');
      else assert.ok(await lsp.hover(small, { line: 1, character: 12 }), 'hover answers');
      latencies.push(Date.now() - t);
    }
    await done;
    lsp.close(big);
    // A server that parsed on its main thread would answer the first request only after the
    // parse, and the diagnostics would end the loop: several answers mean it was not held up.
    assert.ok(latencies.length >= 3, `${latencies.length} hovers and completions answered while the file was parsed`);
  });
});
