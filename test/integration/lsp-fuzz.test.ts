/**
 * Fuzz: 10,000 mutated configs (truncations, random bytes, deep nesting, huge scalars, 1 MB
 * lines, alias bombs, tabs) sent as `didChange` to one server (`node dist/server.js --stdio`,
 * live checks on against the sandbox). After each change the server must answer a request
 * (documentSymbol; hover or completion every few changes), and it must never exit. A request not
 * answered within HANG_MS is a hang (its input is saved); how fast the server answers is
 * `npm run bench`'s to measure, never a test's to assert (a loaded CI machine is slow, not broken).
 * Deterministic: the mutations come from a seeded PRNG (set LSP_FUZZ_SEED to vary them).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { seeded } from '../support/random';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { LspClient } from './lsp-helpers';

const ITERATIONS = Number(process.env.LSP_FUZZ_ITERATIONS ?? 10_000);
const SEED = Number(process.env.LSP_FUZZ_SEED ?? 20250106);

function generated(n: number): string {
  const out = ['# resim-project: demo', 'experiences:'];
  for (let i = 0; i < n; i++) {
    out.push(
      `  - name: fuzz-${i}`,
      `    description: Experience ${i}`,
      `    locations: [s3://fuzz/${i}]`,
      `    tags: [regression${i % 3 ? '' : ', nightly'}]`,
    );
    if (i % 4 === 0) out.push('    environmentVariables:', `      - name: K${i}`, `        value: "${i}"`);
  }
  out.push('managedTestSuites:', '  - name: Basic Suite', '    experiences: [fuzz-0, fuzz-1]', 'managedExperienceTags: [regression]');
  return out.join('\n') + '\n';
}

const BASES = [
  fs.readFileSync(path.resolve(__dirname, '../fixtures/seed-example.yaml'), 'utf8'),
  '# resim-project: demo\n' + fs.readFileSync(path.resolve(__dirname, '../fixtures/seed-example.yaml'), 'utf8').replace(/\t/g, '    '),
  generated(12),
  '# resim-project: demo\nexperiences:\n  - name: a\n    description: b\n    locations: [s3://c]\n    experienceID: e0000000-0000-4000-8000-000000000001\n',
];

const NASTY = [
  '\t',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\u2028',
  '"',
  "'",
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '!!binary ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '#',
  '|',
  '>',
  '?',
  '\r',
  '\n',
  '  ',
  'é',
  '😀',
  '<<: *a\n',
];

function mutate(rand: () => number, base: string, i: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const at = () => Math.floor(rand() * (base.length + 1));
  const kind =
    i % 499 === 0
      ? 'mega-line'
      : i % 211 === 0
        ? 'deep'
        : i % 101 === 0
          ? 'huge-scalar'
          : i % 157 === 0
            ? 'alias-bomb'
            : pick(['truncate', 'bytes', 'nasty', 'delete', 'dup-lines', 'swap-lines', 'indent']);
  switch (kind) {
    case 'mega-line': {
      const p = at();
      return base.slice(0, p) + 'x'.repeat(1_048_576) + base.slice(p);
    }
    case 'deep': {
      const depth = 100 + Math.floor(rand() * 900);
      return rand() < 0.5
        ? base + 'experiences: ' + '['.repeat(depth) + ']'.repeat(Math.floor(rand() * depth))
        : base + Array.from({ length: Math.min(depth, 500) }, (_, d) => ' '.repeat(d) + `k${d}:`).join('\n');
    }
    case 'huge-scalar':
      return base.replace(/name: [^\n]*/, `name: ${'n'.repeat(50_000 + Math.floor(rand() * 200_000))}`);
    case 'alias-bomb':
      return 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nexperiences: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    case 'truncate':
      return base.slice(0, at());
    case 'bytes': {
      let s = base;
      const n = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < n; k++) {
        const p = Math.floor(rand() * (s.length + 1));
        s = s.slice(0, p) + String.fromCharCode(Math.floor(rand() * 0x3000)) + s.slice(p);
      }
      return s;
    }
    case 'nasty': {
      let s = base;
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
        const p = Math.floor(rand() * (s.length + 1));
        s = s.slice(0, p) + pick(NASTY) + s.slice(p);
      }
      return s;
    }
    case 'delete': {
      const p = at();
      return base.slice(0, p) + base.slice(p + 1 + Math.floor(rand() * 40));
    }
    case 'dup-lines': {
      const lines = base.split('\n');
      const p = Math.floor(rand() * lines.length);
      lines.splice(p, 0, ...lines.slice(p, p + 1 + Math.floor(rand() * 6)));
      return lines.join('\n');
    }
    case 'swap-lines': {
      const lines = base.split('\n');
      const a = Math.floor(rand() * lines.length);
      const b = Math.floor(rand() * lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
    default: {
      const lines = base.split('\n');
      const p = Math.floor(rand() * lines.length);
      lines[p] = (rand() < 0.5 ? '\t' : ' '.repeat(1 + Math.floor(rand() * 5))) + lines[p];
      return lines.join('\n');
    }
  }
}

/** An answer later than this is a hang, not a slow answer: generous for a loaded 2-core machine. */
const HANG_MS = 30_000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}

describe('language server fuzz', function () {
  // A bound on a hang, not a speed target: 10,000 changes on a loaded 2-core machine.
  this.timeout(1_200_000);
  let sb: Sandbox;
  let c: LspClient;

  before(async () => {
    sb = await startSandbox({ seed: 'demo' });
    c = await LspClient.startSignedIn(sb.url, 'fuzz');
  });
  after(async () => {
    await c?.stop();
    await sb?.close();
  });

  it(`survives ${ITERATIONS} mutated configs and answers after each`, async () => {
    const rand = seeded(SEED);
    const uri = 'file:///fuzz/fuzz.experiences.yaml';
    c.open(uri, BASES[0]);
    let exited = false;
    c.proc.once('exit', () => (exited = true));
    let slowest = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const base = BASES[i % BASES.length];
      const text = mutate(rand, base, i);
      if (i % 5 === 4) {
        // An incremental edit at a random place (possibly past the end: clients may send that).
        const line = Math.floor(rand() * 60);
        c.edit(
          uri,
          {
            start: { line, character: Math.floor(rand() * 20) },
            end: { line: line + Math.floor(rand() * 3), character: Math.floor(rand() * 20) },
          },
          rand() < 0.5 ? '\t- ' : 'x: [',
        );
      } else {
        c.change(uri, text);
      }
      const started = Date.now();
      const symbols = await within(c.symbols(uri), HANG_MS, `documentSymbol after change ${i}`).catch((err: Error) => {
        // Keep the input that made it hang, for a reproduction.
        const file = path.join(os.tmpdir(), `lsp-fuzz-${SEED}-${i}.yaml`);
        fs.writeFileSync(file, i % 5 === 4 ? `(incremental edit after change ${i - 1})` : text);
        throw new Error(`${err.message} (input saved to ${file})`);
      });
      assert.ok(Array.isArray(symbols), `change ${i}: documentSymbol answered ${JSON.stringify(symbols)}`);
      if (i % 7 === 0) {
        const pos = { line: Math.floor(rand() * 40), character: Math.floor(rand() * 30) };
        // Every feature handler in turn: hover, completion, code lens, definition, code actions.
        const k = (i / 7) % 5;
        const range = { start: pos, end: { line: pos.line + 1, character: 0 } };
        const req: Promise<unknown> =
          k === 0
            ? c.hover(uri, pos)
            : k === 1
              ? c.completion(uri, pos)
              : k === 2
                ? c.codeLens(uri)
                : k === 3
                  ? c.definition(uri, pos)
                  : c.codeActions(uri, range, c.diagnostics.get(uri)?.diagnostics ?? []);
        await within<unknown>(req, HANG_MS, `feature request ${k} after change ${i}`);
      }
      slowest = Math.max(slowest, Date.now() - started);
      assert.equal(exited, false, `the server exited after change ${i}`);
    }
    // Still healthy: a valid document gets its diagnostics.
    c.change(uri, BASES[3]);
    await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
    assert.ok(!/Uncaught|Unhandled rejection/.test(c.stderr), c.stderr.slice(-2000));
    // A handler that threw is answered with a fallback, so only its log tells: there must be none.
    const failures = c.logs.filter((l) => l.type === 1).map((l) => l.message.slice(0, 500));
    assert.equal(c.handlerFailures, 0, `handler failures:\n${failures.join('\n')}`);
    console.log(`      slowest answer: ${slowest} ms`);
  });
});
