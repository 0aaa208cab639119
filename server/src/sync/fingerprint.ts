/**
 * Fingerprints for stale-plan protection (docs/sync-rules.md, "Guards"): a plan carries
 * the sha-256 of the state it was computed from; apply re-reads the state and refuses when the
 * fingerprint differs.
 */
import { createHash } from 'crypto';
import type { SyncConfig } from '../config/model';
import type { Experience } from '../resim/model';
import type { ProjectState } from './model';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

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

/**
 * One line per experience with every field a plan reads (fixed order; NUL-separated, so no
 * field can run into the next). Nested lists go through JSON.stringify, which only they need.
 */
function experienceLine(e: Experience): string {
  const nested = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));
  return [
    e.experienceID,
    e.name,
    e.description,
    (e.locations ?? []).join('\u0001'),
    e.profile ?? '',
    nested(e.environmentVariables),
    String(e.cacheExempt ?? ''),
    String(e.containerTimeoutSeconds ?? ''),
    nested(e.customFields),
    String(e.archived),
    e.updateTimestamp ?? '',
  ].join('\u0000');
}

function computeStateFingerprint(state: ProjectState): string {
  const hash = createHash('sha256');
  hash.update(`project ${state.project.id}\n`);
  const lines: [string, string][] = state.experiences.map((e) => [e.experienceID, experienceLine(e)]);
  lines.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [, line] of lines) hash.update(line + '\n');
  const sets = (kind: string, xs: { id: string; name: string; experienceIDs: string[] }[]) => {
    for (const x of [...xs].sort(byKey((v) => v.id)))
      hash.update(`${kind} ${x.id} ${JSON.stringify(x.name)} ${[...x.experienceIDs].sort().join(',')}\n`);
  };
  sets('tag', state.tags);
  sets('system', state.systems);
  sets(
    'suite',
    state.testSuites.map((t) => ({ id: t.testSuiteID, name: t.name, experienceIDs: t.experiences })),
  );
  return hash.digest('hex');
}

/**
 * sha-256 (hex) of the normalised config and of the one option that shapes a plan besides it
 * (`archiveUnlisted`, `--no-archive`): a plan is only applied for the same config and option.
 * The loader builds every config object with the same key order, so plain JSON is canonical here.
 */
export function fingerprintConfig(config: SyncConfig, archiveUnlisted: boolean): string {
  let byOption = configFingerprints.get(config);
  if (!byOption) configFingerprints.set(config, (byOption = new Map()));
  let fp = byOption.get(archiveUnlisted);
  if (fp === undefined) byOption.set(archiveUnlisted, (fp = sha256(JSON.stringify({ archiveUnlisted, config }))));
  return fp;
}

/** A loaded config is not mutated (each edit loads a new one), so its fingerprints are cached: previews ask on every edit. */
const configFingerprints = new WeakMap<SyncConfig, Map<boolean, string>>();
