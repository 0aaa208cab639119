/**
 * Timing and memory helpers: wall clock in ms, percentiles, peak RSS of child processes (from
 * getrusage via a preloaded hook, and from /proc/PID/status VmHWM while they run).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Rounds to `digits` decimals. */
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The p-th percentile (0..100) of samples, nearest-rank; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}

export const MiB = 2 ** 20;

/** VmHWM (peak resident set) of a live process in bytes, or undefined once it is gone. */
export function peakRssOfPid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Polls a process's VmHWM every `everyMs` ms; `stop()` returns the highest value seen (bytes). */
export function watchPeakRss(pid: number, everyMs = 20): { stop(): number; peak(): number } {
  let peak = 0;
  const poll = () => {
    const v = peakRssOfPid(pid);
    if (v !== undefined && v > peak) peak = v;
  };
  poll();
  const t = setInterval(poll, everyMs);
  return {
    peak: () => (poll(), peak),
    stop: () => {
      poll();
      clearInterval(t);
      return peak;
    },
  };
}

/**
 * A preload script that writes the process's own peak RSS (getrusage ru_maxrss, bytes) and CPU
 * time (user + system, all threads, µs) to $BENCH_RSS_FILE at exit, separated by a space.
 */
const RSS_HOOK = `'use strict';
process.on('exit', () => {
  try { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.BENCH_RSS_FILE, u.maxRSS * 1024 + ' ' + (u.userCPUTime + u.systemCPUTime)); } catch {}
});
`;

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak RSS in bytes: getrusage at exit where the hook ran, else the highest VmHWM polled. */
  peakRss: number;
  /** Where `peakRss` came from. */
  rssSource: 'getrusage' | 'VmHWM';
  /** CPU time of the process (user + system, all its threads, ms), when its exit hook ran. */
  cpuMs?: number;
}

/**
 * Runs `node [nodeArgs] script args` with the peak-RSS hook preloaded, capturing output
 * (stdout up to `maxOutput` characters) and wall time from spawn to exit.
 */
export function runNode(
  script: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; nodeArgs?: string[]; timeoutMs?: number; maxOutput?: number; input?: string } = {},
): Promise<ChildRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'));
  const hook = path.join(dir, 'rss-hook.js');
  const rssFile = path.join(dir, 'rss');
  fs.writeFileSync(hook, RSS_HOOK);
  const maxOutput = opts.maxOutput ?? 1_000_000;
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '-r', hook, script, ...args], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), BENCH_RSS_FILE: rssFile },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const watch = watchPeakRss(child.pid!, 25);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (stdout.length < maxOutput) stdout += d.toString('utf8');
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < maxOutput) stderr += d.toString('utf8');
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = now() - t0;
      if (timer) clearTimeout(timer);
      const polled = watch.stop();
      let peakRss = polled;
      let rssSource: ChildRun['rssSource'] = 'VmHWM';
      let cpuMs: number | undefined;
      try {
        const [rss, cpu] = fs.readFileSync(rssFile, 'utf8').split(' ').map(Number);
        if (cpu >= 0) cpuMs = cpu / 1000;
        const v = rss;
        if (v > 0) {
          peakRss = Math.max(v, polled);
          rssSource = 'getrusage';
        }
      } catch {
        /* the process died before its exit hook: keep the polled value */
      }
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, wallMs, peakRss, rssSource, ...(cpuMs !== undefined ? { cpuMs } : {}) });
    });
  });
}
