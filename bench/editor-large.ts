/**
 * `npx tsx bench/editor-large.ts [experiences]`: our language server alone on the editor bench's
 * large file (editor.bench.ts), for measuring a change to the server without yaml-language-server's
 * minutes ($BENCH_NODE_ARGS: node options for the server): prints open, edit p50/p95, hover and completion while validating and peak RSS as JSON.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { editorDocument, measureServer } from './editor.bench';
import { MiB, percentile, round } from './lib/measure';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-editor-large-'));
  try {
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const r = await measureServer('ours', editorDocument(n), dir, {
      edits: 20,
      samples: 10,
      openTimeoutMs: 120_000,
      editTimeoutMs: 120_000,
      nodeArgs,
    });
    const p = (xs: number[]) => `${round(percentile(xs, 50))} / ${round(percentile(xs, 95))}`;
    process.stdout.write(
      `${JSON.stringify({
        experiences: n,
        incomplete: r.incomplete,
        openMs: round(r.openMs, 0),
        editMs: p(r.editMs),
        hoverWhileValidatingMs: p(r.hoverWhileValidatingMs),
        completionWhileValidatingMs: p(r.completionWhileValidatingMs),
        hoverIdleMs: p(r.hoverIdleMs),
        completionIdleMs: p(r.completionIdleMs),
        peakRssMiB: round(r.peakRss / MiB, 0),
      })}\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
