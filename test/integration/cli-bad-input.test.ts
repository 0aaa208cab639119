/**
 * Bad input to the CLI (`node dist/cli.js apply --yes`, the path that could write): a truncated
 * file, binary files, a 100 MB file and deeply nested YAML. Each must end with a clear error
 * naming the file, exit 1, no stack trace, nothing sent that writes, the file untouched, and a
 * peak RSS (getrusage at exit) within 500 MB.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { runNode } from '../../bench/lib/measure';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const MAX_RSS = 500 * 1024 * 1024;
const STACK = /\n\s+at .+[(\s]\S+:\d+:\d+\)?/;

function validConfig(n: number): string {
  let s = 'experiences:\n';
  for (let i = 0; i < n; i++)
    s += `  - name: bad-input-${i}\n    description: "Experience number ${i}, with a quoted description"\n    locations:\n      - s3://bad-input/${i}\n`;
  return s;
}

describe('CLI: bad input gives a clear error, exit 1, bounded memory', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(cliPath), 'dist/cli.js is missing: run `node esbuild.mjs` first');
    sb = await startSandbox({ port: 0, seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-bad-input-'));
  });
  after(async () => {
    await sb?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function expectClearFailure(name: string, content: Buffer | string | (() => void), pattern: RegExp): Promise<void> {
    const file = path.join(dir, name);
    if (typeof content === 'function') content();
    else fs.writeFileSync(file, content);
    const before = fs.statSync(file);
    sb.requestLog.length = 0;
    const r = await runNode(cliPath, ['apply', '--yes', '--project', 'demo', '--experience-config', file], {
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', RESIM_URL: sb.url, RESIM_TOKEN: 'test-token' },
      timeoutMs: 90_000,
      maxOutput: 200_000,
    });
    const out = `exit ${r.code ?? r.signal}, ${Math.round(r.peakRss / 1048576)} MB\n--- stderr\n${r.stderr.slice(0, 3000)}\n--- stdout\n${r.stdout.slice(0, 1000)}`;
    assert.equal(r.code, 1, out);
    assert.ok(r.stderr.includes(name), `the error names the file. ${out}`);
    assert.match(r.stderr, pattern, out);
    assert.ok(!STACK.test(r.stderr), `no stack trace. ${out}`);
    assert.ok(r.stderr.split('\n').length < 120, `the error fits a few screens. ${out}`);
    assert.ok(r.peakRss > 0 && r.peakRss <= MAX_RSS, `peak RSS ${Math.round(r.peakRss / 1048576)} MB ≤ 500 MB (${r.rssSource})`);
    assert.deepEqual(
      sb.requestLog.filter((x) => x.method !== 'GET'),
      [],
      'nothing written to ReSim',
    );
    const after = fs.statSync(file);
    assert.equal(after.size, before.size, 'the file is untouched');
    assert.equal(after.mtimeMs, before.mtimeMs, 'the file is untouched');
  }

  it('a truncated file (cut inside a quoted string)', async () => {
    const text = validConfig(200);
    const cut = text.indexOf('"Experience number 150') + 12;
    await expectClearFailure('truncated.yaml', text.slice(0, cut), /truncated\.yaml:\d+:\d+: error: .*yaml-syntax/);
  });

  it('a truncated file (cut inside a key)', async () => {
    const text = validConfig(200);
    const cut = text.indexOf('    description: "Experience number 99,') + 9;
    await expectClearFailure('truncated-key.yaml', text.slice(0, cut), /truncated-key\.yaml:\d+:\d+: error: /);
  });

  it('a binary file (NUL bytes)', async () => {
    const bytes = Buffer.alloc(256 * 1024);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    bytes[100] = 0;
    await expectClearFailure('binary.bin', bytes, /not a text file/);
  });

  it('a binary file without NUL bytes (invalid UTF-8)', async () => {
    const bytes = Buffer.alloc(256 * 1024);
    let x = 777;
    for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 | ((x = (x * 1103515245 + 12345) >>> 0) >>> 25);
    await expectClearFailure('binary-utf8.bin', bytes, /error/);
  });

  it('a 100 MB file', async () => {
    const file = path.join(dir, 'huge.yaml');
    await expectClearFailure(
      'huge.yaml',
      () => {
        const chunk = Buffer.from(validConfig(2000));
        const fd = fs.openSync(file, 'w');
        for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) fs.writeSync(fd, chunk);
        fs.closeSync(fd);
      },
      /MB/,
    );
    fs.rmSync(file, { force: true });
  });

  it('deeply nested flow sequences (100,000 levels)', async () => {
    await expectClearFailure(
      'nested-flow.yaml',
      `experiences: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      /nested-flow\.yaml:\d+:\d+: error: /,
    );
  });

  it('deeply nested block maps (2,000 levels)', async () => {
    let s = 'experiences:\n  - name: deep\n    description: d\n    locations: [s3://x]\n    customFields:\n';
    for (let i = 0; i < 2000; i++) s += `${' '.repeat(6 + 2 * i)}n${i}:\n`;
    s += `${' '.repeat(6 + 4000)}leaf\n`;
    await expectClearFailure('nested-block.yaml', s, /nested-block\.yaml:\d+:\d+: error: /);
  });
});
