/**
 * Every shape a person or a generator writes (bench/lib/shapes.ts), at about 10 MB each: block
 * YAML, a one-line flow list under a block key, a whole-document flow map, JSON on one line and
 * pretty, compact `- {…}` entries, flow leaves, CRLF and CR-only line ends. For each:
 *   - `node dist/cli.js validate --json`: wall time and peak RSS (target ≤ 3 s and ≤ 600 MB), and
 *     its time per byte against block style's in the same run (1 = as fast);
 *   - the language server: `didOpen` of the file, then hover on another, small document in a loop
 *     until the file's diagnostics arrive (target: every hover ≤ 100 ms while it is parsed).
 * Plus the 20,000-alias file of the hostile corpus (80 KB): validate ≤ 1 s.
 * Every figure carries the load average at the time it was measured.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hostileCorpus } from '../test/support/hostile';
import { serverWhileParsing, validate } from './flow.bench';
import { SHAPES, experiencesForBytes, shapeConfig, writeShape, type Shape } from './lib/shapes';
import { MiB, percentile, round } from './lib/measure';
import { loadNow, ratioOf, runSection, type Row, type Section } from './lib/results';

const root = path.resolve(__dirname, '..');
const cli = process.env.BENCH_CLI ?? path.join(root, 'dist', 'cli.js');
const server = process.env.BENCH_SERVER ?? path.join(root, 'dist', 'server.js');
const TARGET_BYTES = Number(process.env.BENCH_SHAPE_BYTES ?? 10_000_000);
/** `BENCH_SHAPES_SERVER=0` skips the language-server half (the CLI rows alone). */
const WITH_SERVER = process.env.BENCH_SHAPES_SERVER !== '0';

interface ShapeRun {
  shape: Shape;
  bytes: number;
  experiences: number;
  validate: { ms: number; rss: number; ok: boolean; detail: string; load: number };
  server?: { diagnosticsMs: number; hovers: number[]; peakRss: number; errors: number; load: number };
}

async function main(): Promise<Section> {
  const title = 'Every shape of a 10 MB config';
  if (!fs.existsSync(cli) || !fs.existsSync(server))
    return { name: 'shapes', title, rows: [], details: {}, notes: [], skipped: 'dist/ is missing (run node esbuild.mjs)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-shapes-'));
  try {
    const runs: ShapeRun[] = [];
    for (const shape of SHAPES) {
      const n = experiencesForBytes(shape, TARGET_BYTES);
      const text = writeShape(shapeConfig(n), shape);
      const file = path.join(dir, 'shape.experiences.yaml');
      fs.writeFileSync(file, text);
      const load = loadNow();
      const v = await validate(file, dir);
      const run: ShapeRun = { shape, bytes: Buffer.byteLength(text), experiences: n, validate: { ...v, load } };
      if (WITH_SERVER) {
        const sload = loadNow();
        run.server = { ...(await serverWhileParsing(text, dir)), load: sload };
      }
      runs.push(run);
      process.stderr.write(`shapes: ${shape}: validate ${round(v.ms, 0)} ms, ${round(v.rss / 1e6, 0)} MB (load ${load})\n`);
    }
    const block = runs.find((r) => r.shape === 'block')!;
    const perByte = (r: ShapeRun) => r.validate.ms / r.bytes;
    const rows: Row[] = [];
    for (const r of runs) {
      const v = r.validate;
      const size = `${round(r.bytes / 1e6, 1)} MB, ${r.experiences.toLocaleString('en')} experiences`;
      const slow = v.ms > 3000 || v.rss > 600e6;
      rows.push({
        benchmark: `validate, ${r.shape} (${size})`,
        metric: 'wall time (ms); peak RSS (MB)',
        ours: `${round(v.ms, 0)}; ${round(v.rss / 1e6, 0)}`,
        target: '≤ 3,000 ms and ≤ 600 MB',
        met: v.ok && !slow,
        load: v.load,
        note: v.ok
          ? `time per byte / block style's in this run: ${ratioOf(perByte(r), perByte(block)) ?? '–'}${slow ? '; the fast path (js-yaml) takes this shape, and the time is the parse itself on a loaded machine: compare the ratio' : ''}`
          : v.detail,
      });
    }
    for (const r of runs) {
      if (!r.server) continue;
      const s = r.server;
      const max = s.hovers.length ? Math.max(...s.hovers) : NaN;
      rows.push({
        benchmark: `Language server: hover on another document while ${r.shape} is parsed`,
        metric: `slowest / p95 (ms, ${s.hovers.length} hovers); open → diagnostics (ms); peak RSS (MiB)`,
        ours: s.hovers.length
          ? `${round(max, 0)} / ${round(percentile(s.hovers, 95), 0)}; ${round(s.diagnosticsMs, 0)}; ${round(s.peakRss / MiB, 0)}`
          : `none answered before the diagnostics; ${round(s.diagnosticsMs, 0)}; ${round(s.peakRss / MiB, 0)}`,
        target: 'every hover ≤ 100 ms',
        met: s.hovers.length > 0 && max <= 100,
        load: s.load,
        ...(s.hovers.length > 0 && max > 100
          ? {
              note: 'the parse runs on the parsing thread; the slowest answers wait for the main thread to take in the 10 MB didOpen message and the result (the config of every experience)',
            }
          : {}),
      });
    }
    // The 20,000-alias file (80 KB) of the hostile corpus: its timing left test/integration/hostile-corpus.test.ts.
    const aliases = hostileCorpus().find((f) => f.name === 'aliases-20k.yaml');
    if (aliases) {
      const file = path.join(dir, aliases.name);
      fs.writeFileSync(file, aliases.bytes);
      const samples: number[] = [];
      let load = 0;
      for (let i = 0; i < 3; i++) {
        load = loadNow();
        samples.push((await validate(file, dir)).ms);
      }
      const best = Math.min(...samples);
      rows.push({
        benchmark: 'validate, 20,000 aliases in 80 KB (hostile corpus)',
        metric: 'wall time (ms, best of 3)',
        ours: round(best, 0),
        target: '≤ 1,000 ms',
        met: best <= 1000,
        load,
        note: `all three: ${samples.map((x) => round(x, 0)).join(', ')} ms`,
      });
    }
    return {
      name: 'shapes',
      title,
      rows,
      details: {
        runs: runs.map((r) => ({ ...r, server: r.server && { ...r.server, hovers: r.server.hovers.map((x) => round(x, 1)) } })),
      },
      notes: [
        'Each shape holds the same kind of clean experiences (`name`, `description`, one location, two tags), as many as make about 10 MB in that shape (bench/lib/shapes.ts); test/unit/loader-contract.test.ts holds the fast path to the full loader on each shape, with problems and without.',
        'A shape whose text has a problem needs the full loader (positions for every node): about 1 s per MB, so a 10 MB file with a problem on one line is slow to validate; the editor keeps answering meanwhile (its parse runs on the parsing thread).',
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runSection('shapes', 'Every shape of a 10 MB config', main);
