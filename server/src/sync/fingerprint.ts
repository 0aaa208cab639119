/**
 * Fingerprints for stale-plan protection (DESIGN.md, "Stale-plan protection"): a plan carries
 * the sha-256 of the state it was computed from; apply re-reads the state and refuses when the
 * fingerprint differs.
 */
import { createHash } from 'crypto';
import type { ProjectState, SyncConfig } from './model';

/** JSON with object keys sorted, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * sha-256 (hex, 64 chars) of everything in the state that a plan depends on: experiences
 * (all fields), tag and system memberships, test suites' members. `fetchedAt` is left out, and
 * list order does not matter.
 */
export function fingerprintState(state: ProjectState): string {
  let fp = stateFingerprints.get(state);
  if (fp === undefined) stateFingerprints.set(state, (fp = computeStateFingerprint(state)));
  return fp;
}

/** States are not mutated once read (ingest builds a new one each time), so a state's fingerprint is cached. */
const stateFingerprints = new WeakMap<ProjectState, string>();

function computeStateFingerprint(state: ProjectState): string {
  const sets = (xs: { id: string; name: string; experienceIDs: string[] }[]) =>
    xs.map((x) => ({ id: x.id, name: x.name, m: [...x.experienceIDs].sort() })).sort(byKey((x) => x.id));
  return sha256(
    canonicalJson({
      project: state.project.id,
      experiences: [...state.experiences].sort(byKey((e) => e.experienceID)),
      tags: sets(state.tags),
      systems: sets(state.systems),
      testSuites: state.testSuites
        .map((s) => ({ id: s.testSuiteID, name: s.name, m: [...s.experiences].sort() }))
        .sort(byKey((s) => s.id)),
    }),
  );
}

/**
 * sha-256 (hex) of the normalised config: a saved plan is only valid for the same config.
 * The loader builds every config object with the same key order, so plain JSON is canonical here.
 */
export function fingerprintConfig(config: SyncConfig): string {
  return sha256(JSON.stringify(config));
}
