/**
 * The language server's parsing thread (bundled as `dist/loadWorker.js`): loads config texts and
 * posts back the results, so that parsing a large file never holds up hover or completion on the
 * main thread (offThread.ts). It keeps the last load of each document, so that the next version
 * is loaded incrementally here too (only the pieces that changed are parsed). A result whose
 * pieces are known (config/fast.ts, config/chunks.ts) comes back as a `FastSnapshot`, its config
 * as a change to the one posted before for the same document (configDelta.ts); a text loaded
 * whole comes back as a `LoadSnapshot`.
 */
import { parentPort } from 'worker_threads';
import { loadConfig, piecesSnapshotOf, snapshotOf } from '../config/load';
import type { LoadedConfig } from '../config/types';
import { configDelta } from './configDelta';

/** Experiences per message when a whole config is sent. */
const PART = 10_000;

/** The last load of each document, and the id of the reply that carried it. */
const documents = new Map<string, { loaded: LoadedConfig; reply: number }>();

export interface LoadRequest {
  id: number;
  text: string;
  fast?: boolean;
  /** The document: its last load here is the `previous` of this one. */
  uri?: string;
  /** The reply whose result the main thread holds for `uri` (the base of a delta). */
  base?: number;
  /** Forget `uri` (closed). */
  forget?: boolean;
}

// Compile the schema and warm the parsers before the first text arrives.
loadConfig('experiences:\n  - name: warm-up\n    description: d\n    locations: [l]\n', { fast: true });

parentPort?.on('message', (m: LoadRequest) => {
  if (m.forget) {
    if (m.uri) documents.delete(m.uri);
    return;
  }
  try {
    const known = m.uri ? documents.get(m.uri) : undefined;
    const loaded = known ? loadConfig(m.text, { previous: known.loaded }) : loadConfig(m.text, { fast: m.fast });
    if (m.uri) documents.set(m.uri, { loaded, reply: m.id });
    const fast = piecesSnapshotOf(loaded);
    if (!fast) {
      parentPort!.postMessage({ id: m.id, snapshot: snapshotOf(loaded) });
      return;
    }
    const transfer = fast.pieces ? [fast.pieces.buffer as ArrayBuffer] : [];
    if (known && m.base === known.reply) {
      const delta = configDelta(known.loaded.config, loaded.config);
      transfer.push(delta.experiences.from.buffer as ArrayBuffer, delta.managedTestSuites.from.buffer as ArrayBuffer);
      parentPort!.postMessage({ id: m.id, fast: { ...fast, config: undefined }, delta }, transfer);
    } else {
      // A large config crosses in parts, each received in its own task on the main thread, so
      // that receiving it (about 1 ms per 1,000 experiences) never holds up other requests there.
      const experiences = fast.config.experiences;
      for (let i = 0; i + PART < experiences.length; i += PART) parentPort!.postMessage({ id: m.id, part: experiences.slice(i, i + PART) });
      const last = experiences.slice(Math.floor(Math.max(0, experiences.length - 1) / PART) * PART);
      parentPort!.postMessage({ id: m.id, fast: { ...fast, config: { ...fast.config, experiences: last } } }, transfer);
    }
  } catch (err) {
    if (m.uri) documents.delete(m.uri);
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
