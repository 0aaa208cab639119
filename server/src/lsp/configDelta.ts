/**
 * A config sent from the parsing thread to the main thread as a change to the one sent before
 * (offThread.ts): at 50,000 experiences, copying the whole config across threads costs about
 * 100 ms of the main thread, while an edit changes one entry. Entries are matched by identity:
 * the incremental loader hands back the same object for every piece it reused.
 */
import type { SyncConfig } from '../config/model';

/** For each list, where each entry comes from: the index in the base config, or -1 (then the next of `added`). */
export interface ConfigDelta {
  experiences: { from: Int32Array; added: SyncConfig['experiences'] };
  managedTestSuites: { from: Int32Array; added: SyncConfig['managedTestSuites'] };
  managedExperienceTags: string[];
}

function listDelta<T extends object>(base: readonly T[], next: readonly T[]): { from: Int32Array; added: T[] } {
  const at = new Map<T, number>();
  base.forEach((e, i) => at.set(e, i));
  const from = new Int32Array(next.length);
  const added: T[] = [];
  next.forEach((e, i) => {
    const j = at.get(e);
    if (j === undefined) {
      from[i] = -1;
      added.push(e);
    } else from[i] = j;
  });
  return { from, added };
}

/** `next` as a change to `base` (both on the parsing thread). */
export function configDelta(base: SyncConfig, next: SyncConfig): ConfigDelta {
  return {
    experiences: listDelta(base.experiences, next.experiences),
    managedTestSuites: listDelta(base.managedTestSuites, next.managedTestSuites),
    managedExperienceTags: next.managedExperienceTags,
  };
}

function applyList<T>(base: readonly T[], d: { from: Int32Array; added: T[] }): T[] {
  const out = new Array<T>(d.from.length);
  let k = 0;
  for (let i = 0; i < d.from.length; i++) out[i] = d.from[i] < 0 ? d.added[k++] : base[d.from[i]];
  return out;
}

/** The config a delta describes, given the base it was computed against (on the main thread). */
export function applyConfigDelta(base: SyncConfig, d: ConfigDelta): SyncConfig {
  return {
    experiences: applyList(base.experiences, d.experiences),
    managedTestSuites: applyList(base.managedTestSuites, d.managedTestSuites),
    managedExperienceTags: d.managedExperienceTags,
  };
}
