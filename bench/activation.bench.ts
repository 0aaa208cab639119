/**
 * Activation and package size of the extension (issue: ".vsix at most 3 MB; activation at most
 * 100 ms"), as a section of `npm run bench`: packages the .vsix, then runs bench/activation.mjs
 * (real VS Code in code-server; the figure is VS Code's own activation time from "Developer:
 * Show Running Extensions") and reads bench/activation.json.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runSection, type Section } from './lib/results';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 5);

async function main(): Promise<Section> {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [path.join(ROOT, 'bench/activation.mjs'), '--runs', String(RUNS)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const r = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/activation.json'), 'utf8')) as {
    vsixBytes: number;
    runs: { activationMs: number | null }[];
    median: { activationMs: number | null; serverReadyMs: number | null };
  };
  const samples = r.runs.map((x) => x.activationMs).filter((x): x is number => typeof x === 'number');
  const mib = r.vsixBytes / 1048576;
  return {
    name: 'activation',
    title: 'Extension',
    rows: [
      {
        benchmark: 'Activation in VS Code 1.100.3 (code-server), opening a config',
        metric: `activation time (ms, median of ${samples.length})`,
        ours: r.median.activationMs ?? 'n/a',
        target: '≤ 100 ms',
        met: r.median.activationMs === null ? null : r.median.activationMs <= 100,
        note: `VS Code's own figure (Developer: Show Running Extensions: code loading + activate()); runs: ${samples.join(', ')} ms`,
      },
      {
        benchmark: 'Packaged .vsix',
        metric: 'size (MiB)',
        ours: Math.round(mib * 100) / 100,
        target: '≤ 3 MB',
        met: r.vsixBytes <= 3 * 1000 * 1000,
      },
    ],
    details: r as unknown as Record<string, unknown>,
    notes: [
      'Activation: each run is a fresh user-data folder with the .vsix installed; the language server starts after activate() returns.',
    ],
  };
}

if (require.main === module) runSection('activation', 'Extension', main);
