/**
 * Loads large config texts on a worker thread (`dist/loadWorker.js`), so that the main thread
 * keeps answering hover and completion on other documents while a file is parsed: the
 * full-document parse of a big or alias-heavy file takes hundreds of milliseconds to seconds
 * and cannot yield. The result is the same `LoadedConfig` as `loadConfig(text)` (via
 * `LoadSnapshot`). Where the worker bundle is absent (running from sources) or the worker
 * fails, the text is loaded on the main thread instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { fromSnapshot, loadConfig, type LoadSnapshot, type LoadedConfig } from '../config/index';

/** Texts at least this long (UTF-16 units) are loaded off the main thread when no piece can be reused. */
export const OFF_THREAD_MIN_CHARS = 16 * 1024;

interface Pending {
  text: string;
  resolve: (loaded: LoadedConfig) => void;
}

let worker: Worker | null | undefined; // null: no worker bundle here
const pending = new Map<number, Pending>();
let nextId = 1;

function onMain(p: Pending): void {
  p.resolve(loadConfig(p.text));
}

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  const file = path.join(__dirname, 'loadWorker.js');
  if (!fs.existsSync(file)) return (worker = null);
  const w = new Worker(file);
  w.unref(); // never keeps the server process alive
  w.on('message', (m: { id: number; snapshot?: LoadSnapshot; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.snapshot) p.resolve(fromSnapshot(m.snapshot));
    else onMain(p);
  });
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

/** `loadConfig(text)`, computed on the parsing thread. Never rejects. */
export function loadOffThread(text: string): Promise<LoadedConfig> {
  let w: Worker | null;
  try {
    w = getWorker();
  } catch {
    w = worker = null;
  }
  if (!w) return Promise.resolve(loadConfig(text));
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { text, resolve });
    w!.postMessage({ id, text });
  });
}
