/**
 * The language server's parsing thread (bundled as `dist/loadWorker.js`): loads a config text
 * with the full loader and posts back its `LoadSnapshot`, so that parsing a large file never
 * holds up hover or completion on the main thread (offThread.ts).
 */
import { parentPort } from 'worker_threads';
import { loadSnapshot } from '../config/load';

parentPort?.on('message', (m: { id: number; text: string }) => {
  try {
    parentPort!.postMessage({ id: m.id, snapshot: loadSnapshot(m.text) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
