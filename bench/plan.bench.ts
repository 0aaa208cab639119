/**
 * Plan: compute time and memory of `computePlan` (server/src/sync/plan.ts, pure) at 1,000,
 * 10,000 and 50,000 experiences with 200 tags, 50 systems and 100 test suites. The state is read
 * from a generated sandbox project with our `ingest` (no latency); the config is that project's
 * clone (`stateToConfig`) with 1% of descriptions edited, 1% retagged, 0.5% new experiences and
 * 0.5% dropped (to be archived), every suite and tag managed.
 * Targets: 50,000 in ≤ 250 ms; time growing linearly (time per experience at 50,000 within
 * 1.5 × that at 10,000).
 * Run with --expose-gc for the memory figures.
 */
import { startSandbox, generateStore, GENERATED_PROJECT_ID } from '../sandbox/server';
import { stateToConfig } from '../server/src/sync/clone';
import type { SyncConfig } from '../server/src/config/model';
import type { ProjectState } from '../server/src/sync/model';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { computePlan as ComputePlan } from '../server/src/sync/plan';
import { seeded, stateOf } from './lib/configs';
import { MiB, now, percentile, round } from './lib/measure';
import { runSection, type Row, type Section } from './lib/results';

export const PLAN_SIZES = [1000, 10_000, 50_000];
const SHAPE = { tags: 200, systems: 50, suites: 100 };
const RUNS = 7;

/** The clone of `state`, changed a little everywhere (see the file comment). */
export function driftedConfig(state: ProjectState, seed = 1): SyncConfig {
  const { config } = stateToConfig(state);
  const rnd = seeded(seed);
  const tagNames = state.tags.map((t) => t.name);
  const dropped = new Set<string>();
  const experiences = config.experiences.flatMap((e) => {
    const r = rnd();
    if (r < 0.005) {
      dropped.add(e.name);
      return [];
    }
    if (r < 0.015) return [{ ...e, description: `${e.description} (edited)` }];
    if (r < 0.025) return [{ ...e, tags: [tagNames[Math.floor(rnd() * tagNames.length)]] }];
    return [e];
  });
  const added = Math.round(config.experiences.length * 0.005);
  for (let i = 0; i < added; i++) {
    experiences.push({
      name: `added-${i}`,
      description: `Added ${i}`,
      locations: [`s3://bench/added/${i}`],
      tags: [tagNames[i % tagNames.length]],
      systems: [state.systems[i % state.systems.length].name],
    });
  }
  return {
    experiences,
    managedTestSuites: config.managedTestSuites.map((s) => ({ ...s, experiences: s.experiences.filter((n) => !dropped.has(n)) })),
    managedExperienceTags: config.managedExperienceTags,
  };
}

/**
 * computePlan as it ships: bundled by esbuild like dist/ (tsx, which runs this file, adds a
 * `__name` call to every function it creates, which costs about 10% in this loop).
 */
async function shippedComputePlan(): Promise<typeof ComputePlan> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plan-')), 'plan.js');
  await esbuild.build({
    absWorkingDir: path.resolve(__dirname, '..'),
    entryPoints: ['server/src/sync/plan.ts'],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(out) as { computePlan: typeof ComputePlan }).computePlan;
}

async function main(): Promise<Section> {
  const computePlan = await shippedComputePlan();
  const gc = (globalThis as { gc?: () => void }).gc;
  const results: { n: number; medianMs: number; samplesMs: number[]; retainedMiB?: number; allocatedMiB?: number; summary: unknown }[] = [];
  for (const n of PLAN_SIZES) {
    const sb = await startSandbox({ store: generateStore({ experiences: n, ...SHAPE }) });
    let state: ProjectState;
    try {
      state = await stateOf(sb, { id: GENERATED_PROJECT_ID, name: 'bench' });
    } finally {
      await sb.close();
    }
    const config = driftedConfig(state);
    const samples: number[] = [];
    let retained: number | undefined;
    let allocated: number | undefined;
    let summary: unknown;
    for (let i = 0; i < RUNS; i++) {
      gc?.();
      const h0 = process.memoryUsage().heapUsed;
      const t0 = now();
      let plan: ReturnType<typeof ComputePlan> | undefined = computePlan(config, state, { archiveUnlisted: true });
      samples.push(now() - t0);
      const h1 = process.memoryUsage().heapUsed;
      if (plan.errors.length)
        throw new Error(
          `plan has errors: ${plan.errors
            .slice(0, 3)
            .map((e) => e.message)
            .join('; ')}`,
        );
      summary = plan.summary;
      if (gc) {
        gc();
        const h2 = process.memoryUsage().heapUsed;
        retained = h2 - h0;
        allocated = h1 - h0;
      }
      plan = undefined;
    }
    results.push({
      n,
      medianMs: percentile(samples.slice(1), 50),
      samplesMs: samples.map((x) => round(x)),
      retainedMiB: retained === undefined ? undefined : round(retained / MiB),
      allocatedMiB: allocated === undefined ? undefined : round(allocated / MiB),
      summary,
    });
  }
  const perK = (r: (typeof results)[number]) => (r.medianMs / r.n) * 1000;
  const big = results[results.length - 1];
  const mid = results[results.length - 2];
  const growth = perK(big) / perK(mid);
  const rows: Row[] = results.map((r) => ({
    benchmark: `Plan ${r.n.toLocaleString('en')} experiences (200 tags, 50 systems, 100 suites)`,
    metric: 'compute time (ms, median)',
    ours: round(r.medianMs, 1),
    target: r.n === 50_000 ? '≤ 250 ms' : undefined,
    met: r.n === 50_000 ? r.medianMs <= 250 : null,
    note: `${round(perK(r), 2)} ms per 1,000 experiences${r.allocatedMiB !== undefined ? `; heap: ${r.allocatedMiB} MiB allocated, ${r.retainedMiB} MiB retained (the plan)` : ''}`,
  }));
  rows.push({
    benchmark: `Plan ${big.n.toLocaleString('en')} experiences, first plan against a newly read state`,
    metric: 'compute time (ms, first run)',
    ours: round(big.samplesMs[0], 1),
    met: null,
    note: 'includes building the per-state lookups and the state fingerprint, which later plans against the same state (the editor, on every edit) reuse; the rows above are those later plans',
  });
  rows.push({
    benchmark: 'Plan: growth 10,000 → 50,000',
    metric: 'time per experience, 50k / 10k',
    ours: round(growth, 2),
    target: 'linear (≤ 1.5)',
    met: growth <= 1.5,
  });
  return {
    name: 'plan',
    title: 'Plan',
    rows,
    details: { shape: SHAPE, runs: RUNS, results },
    notes: [
      `computePlan only (pure, no I/O), bundled by esbuild as it ships; median of ${RUNS - 1} runs after one warm-up. The state comes from our ingest of a generated sandbox project; the config is its clone with drift.`,
    ],
  };
}

if (require.main === module) runSection('plan', 'Plan', main);
