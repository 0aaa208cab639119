/**
 * The shapes every benchmark section reports, and the machine they ran on. A section runs in its
 * own Node process (bench/run.ts) and prints one `Section` as JSON on its last stdout line.
 */
import * as fs from 'fs';
import * as os from 'os';

/** One line of the results table: a measure of ours, the anchor's where there is one, and the target. */
export interface Row {
  /** The benchmark, e.g. "Ingest, 5,000 experiences at 50 ms latency". */
  benchmark: string;
  /** What is measured, with its unit, e.g. "wall time (ms)". */
  metric: string;
  ours: number | string;
  /** The anchor measured in the same run (resim CLI's call pattern, yaml-language-server); absent when there is none. */
  anchor?: number | string;
  /** ours / anchor, when both are numbers. */
  ratio?: number;
  /** The target in words, e.g. "≤ 0.25 ×" or "≤ 250 ms". */
  target?: string;
  /** Whether the target is met; null when the row has no target. */
  met: boolean | null;
  /** Why a target is missed, or what the number means. */
  note?: string;
  /**
   * The 1-minute load average when the figure was measured (`loadNow()`): the machine may be
   * shared, so a figure is read next to it, and figures are compared as ratios within one run.
   * Rows that do not set it get the load at the end of their section (`emit`).
   */
  load?: number;
}

export interface Section {
  /** Stable key, e.g. "plan". */
  name: string;
  title: string;
  rows: Row[];
  /** Raw measurements (every sample, call counts by operation, ...). */
  details: Record<string, unknown>;
  notes: string[];
  /** Set when the section could not run (e.g. a missing build); the table says so. */
  skipped?: string;
}

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism ? os.availableParallelism() : cpus.length,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** ours / anchor rounded to 3 decimals, when both are positive numbers. */
export function ratioOf(ours: number, anchor: number): number | undefined {
  return anchor > 0 ? Math.round((ours / anchor) * 1000) / 1000 : undefined;
}

/** The 1-minute load average now, to 2 decimals (os.loadavg). */
export function loadNow(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/** Writes a section as the last stdout line (the protocol of bench/run.ts) and to `--out FILE` if given. */
export function emit(section: Section): void {
  const load = loadNow();
  for (const r of section.rows) r.load ??= load;
  const i = process.argv.indexOf('--out');
  const text = JSON.stringify(section);
  if (i > 0 && process.argv[i + 1]) fs.writeFileSync(process.argv[i + 1], text);
  else process.stdout.write(`${text}\n`);
}

/** Runs a section's `main` when the file is executed directly; failures become a skipped section. */
export function runSection(name: string, title: string, main: () => Promise<Section>): void {
  main()
    .then((s) => {
      emit(s);
      process.exit(0);
    })
    .catch((err: unknown) => {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`${message}\n`);
      emit({ name, title, rows: [], details: {}, notes: [], skipped: `failed: ${err instanceof Error ? err.message : String(err)}` });
      process.exit(1);
    });
}
