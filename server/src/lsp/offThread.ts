/**
 * Loads large config texts on a worker thread (`dist/loadWorker.js`), so that the main thread
 * keeps answering hover and completion while a file is parsed: the full-document parse of a big
 * or alias-heavy file takes hundreds of milliseconds to seconds and cannot yield. The worker
 * keeps each document's last load and loads its next version incrementally; the result is the
 * same as `loadConfig(text, ...)`: a clean text's first load takes the fast path (`fast`), and a
 * result whose pieces are known comes back without its parse (ranges and paths from single
 * pieces, `fromFastSnapshot`) and with its config as a change to the last one (configDelta.ts),
 * so that the main thread does little more than receive it. Where the worker bundle is absent
 * (running from sources) or the worker fails, the text is loaded on the main thread instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { Worker } from 'worker_threads';
import { fromFastSnapshot, fromSnapshot, loadConfig, type FastSnapshot, type LoadSnapshot, type LoadedConfig } from '../config/index';
import { applyConfigDelta, type ConfigDelta } from './configDelta';
import type { SyncConfig } from '../config/model';
import type { LoadRequest } from './loadWorker';

/**
 * How far (percent) V8 lets each heap of the server process grow past what the last full
 * collection kept before it collects again (V8's `--heap-growing-percent`; by default it lets a
 * heap grow up to 4 ×). Every edit of a large document leaves a copy of its text and of its
 * changed parse behind on each thread (20–50 MB at 50,000 experiences): with V8's default both
 * heaps grew to 300–500 MB of such garbage between collections and the server's peak RSS reached
 * 800–960 MiB. Measured at 50,000 (bench/editor-large.ts): 10 % keeps it near 400 MiB but adds a
 * full collection to nearly every edit (edit → diagnostics +50 ms, hover while validating
 * +10–40 ms); 30 % keeps it near 430–450 MiB at the edit and hover times of V8's default.
 * Process-wide: the parsing thread follows it.
 */
export const HEAP_GROWING_PERCENT = 30;
/** The parsing thread's young generation (MiB; V8's default is 3 × a 16 MiB semi-space): what a parse keeps is promoted sooner, and the thread's RSS is that much lower. */
const WORKER_YOUNG_GENERATION_MIB = 8;
v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

/** Texts at least this long (UTF-16 units) are loaded off the main thread. */
export const OFF_THREAD_MIN_CHARS = 16 * 1024;

interface Pending {
  text: string;
  fast: boolean;
  previous?: LoadedConfig;
  /** Experiences received in parts ahead of the result (loadWorker.ts). */
  parts?: SyncConfig['experiences'][];
  resolve: (loaded: LoadedConfig) => void;
}

let worker: Worker | null | undefined; // null: no worker bundle here
const pending = new Map<number, Pending>();
let nextId = 1;
/** The worker's reply each result came from (the base of the next delta), while that worker lives. */
const replyOf = new WeakMap<LoadedConfig, { worker: Worker; id: number }>();

function onMain(p: Pending): void {
  p.resolve(loadConfig(p.text, p.previous ? { previous: p.previous } : { fast: p.fast }));
}

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  const file = path.join(__dirname, 'loadWorker.js');
  if (!fs.existsSync(file)) return (worker = null);
  const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB } });
  w.unref(); // never keeps the server process alive
  w.on(
    'message',
    (m: {
      id: number;
      snapshot?: LoadSnapshot;
      fast?: FastSnapshot;
      delta?: ConfigDelta;
      part?: SyncConfig['experiences'];
      error?: string;
    }) => {
      const p = pending.get(m.id);
      if (!p) return;
      if (m.part) {
        (p.parts ??= []).push(m.part);
        return;
      }
      pending.delete(m.id);
      if (m.fast?.config && p.parts) m.fast.config.experiences = [...p.parts.flat(), ...m.fast.config.experiences];
      let loaded: LoadedConfig | undefined;
      if (m.fast && m.delta && p.previous)
        loaded = fromFastSnapshot(p.text, { ...m.fast, config: applyConfigDelta(p.previous.config, m.delta) });
      else if (m.fast && m.fast.config) loaded = fromFastSnapshot(p.text, m.fast);
      else if (m.snapshot) loaded = fromSnapshot(m.snapshot);
      if (!loaded) return onMain(p);
      replyOf.set(loaded, { worker: w, id: m.id });
      p.resolve(loaded);
    },
  );
  const lost = () => {
    if (worker === w) worker = undefined; // started again for the next text
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) onMain(p);
  };
  w.on('error', lost);
  w.on('exit', lost);
  return (worker = w);
}

/**
 * `loadConfig(text, ...)`, computed on the parsing thread. Never rejects. `uri`: the document, whose
 * last load the worker reuses; `previous`: this thread's result for its last version (the base of
 * the config change the worker sends back); `fast`: a clean text loaded afresh takes the fast path.
 */
export function loadOffThread(text: string, opts: { fast?: boolean; uri?: string; previous?: LoadedConfig } = {}): Promise<LoadedConfig> {
  const fast = opts.fast ?? false;
  let w: Worker | null;
  try {
    w = getWorker();
  } catch {
    w = worker = null;
  }
  if (!w) return Promise.resolve(loadConfig(text, opts.previous ? { previous: opts.previous } : { fast }));
  const id = nextId++;
  const reply = opts.previous ? replyOf.get(opts.previous) : undefined;
  const base = reply && reply.worker === w ? reply.id : undefined;
  return new Promise((resolve) => {
    pending.set(id, { text, fast, previous: base !== undefined ? opts.previous : undefined, resolve });
    const request: LoadRequest = { id, text, fast, ...(opts.uri ? { uri: opts.uri } : {}), ...(base !== undefined ? { base } : {}) };
    w!.postMessage(request);
  });
}

/** Starts the parsing thread ahead of the first large text (its bundle and schema take a moment to load). */
export function warmUpOffThread(): void {
  try {
    getWorker();
  } catch {
    worker = null;
  }
}

/** The document is closed: the worker forgets its last load. */
export function forgetOffThread(uri: string): void {
  if (worker) worker.postMessage({ id: 0, text: '', uri, forget: true } satisfies LoadRequest);
}
