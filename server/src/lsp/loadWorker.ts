/**
 * The language server's parsing thread (bundled as `dist/loadWorker.js`): loads a config text
 * and posts back the result, so that parsing a large file never holds up hover or completion on
 * the main thread (offThread.ts). With `fast`, a text the fast path takes (config/fast.ts: a
 * clean text, the usual case of a large generated config) comes back as a `FastSnapshot`; any
 * other text as the full loader's `LoadSnapshot`.
 */
import { parentPort } from 'worker_threads';
import { loadFastSnapshot, loadSnapshot } from '../config/load';

parentPort?.on('message', (m: { id: number; text: string; fast?: boolean }) => {
  try {
    const fast = m.fast ? loadFastSnapshot(m.text) : undefined;
    if (fast) parentPort!.postMessage({ id: m.id, fast }, fast.pieces ? [fast.pieces.buffer as ArrayBuffer] : []);
    else parentPort!.postMessage({ id: m.id, snapshot: loadSnapshot(m.text) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
