/**
 * Sandbox contents: the `demo` and `empty` seeds (fixed UUIDs and timestamps, so runs are
 * reproducible) and `generateStore` for benchmarks (deterministic, O(n)).
 *
 * The `demo` project is shaped so that `test/fixtures/seed-example.yaml` (the design doc's
 * example) has something of every kind to do: update `scenario-survey-alpha` (description,
 * locations, environment; `progression` removed since it is a managed tag, `regression`
 * added, the unmanaged `nightly` kept), restore the archived `new-scenario-system-check`,
 * archive the unlisted `legacy-night-flight`, `hover-stability-baseline` and
 * `wind-gust-landing`, and revise `Basic Suite`.
 */
import type { ConfigExperience } from '../server/src/config/model';
import type { ExperienceTag, Project, System } from '../server/src/resim/model';
import { emptyStore, type SandboxStore, type StoredExperience, type StoredTestSuite } from './store';

export type SeedKind = 'demo' | 'empty';

/** A fixed UUID: `group` is 8 hex digits naming the kind of object, `n` its number. */
export function fixedID(group: string, n: number): string {
  return `${group}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The fixed IDs of the seeds, for tests that want to address objects directly. */
export const SEED_IDS = {
  demoProject: fixedID('d0000000', 1),
  perceptionProject: fixedID('d0000000', 2),
  emptyProject: fixedID('d0000000', 3),
  demo: {
    systems: { mbauer_tmp_hil_repro: fixedID('5e000000', 1), sil_cluster: fixedID('5e000000', 2) },
    tags: { regression: fixedID('7a000000', 1), progression: fixedID('7a000000', 2), nightly: fixedID('7a000000', 3) },
    suites: { 'Basic Suite': fixedID('5c000000', 1), 'Nightly Suite': fixedID('5c000000', 2) },
    experiences: {
      'scenario-survey-alpha': fixedID('e0000000', 1),
      'new-scenario-system-check': fixedID('e0000000', 2),
      'legacy-night-flight': fixedID('e0000000', 3),
      'hover-stability-baseline': fixedID('e0000000', 4),
      'wind-gust-landing': fixedID('e0000000', 5),
      'old-battery-endurance': fixedID('e0000000', 6),
    },
  },
  perception: {
    systems: { perception_stack: fixedID('5e000000', 11) },
    tags: { regression: fixedID('7a000000', 11), camera: fixedID('7a000000', 12) },
    suites: { 'Perception Smoke': fixedID('5c000000', 11) },
    experiences: {
      'scenario-survey-alpha': fixedID('e0000000', 101),
      'lidar-rain-calibration': fixedID('e0000000', 102),
      'camera-glare-night': fixedID('e0000000', 103),
      'pedestrian-crossing-dusk': fixedID('e0000000', 104),
    },
  },
} as const;

const SEED_TIME = Date.parse('2025-01-06T09:00:00.000Z');

/** The seed's i-th timestamp: one minute apart, so creation order is also timestamp order. */
function seedTime(i: number): string {
  return new Date(SEED_TIME + i * 60_000).toISOString();
}

/** Default values the sandbox gives optional experience fields that a create leaves out. */
export const EXPERIENCE_DEFAULTS = {
  profile: '',
  cacheExempt: false,
  containerTimeoutSeconds: 3600,
} as const;

/** A seeded experience: the config's fields (model.ts), with tags and systems by ID. */
interface ExperienceSpec extends Omit<ConfigExperience, 'experienceID' | 'tags' | 'systems'> {
  tagIDs?: string[];
  systemIDs?: string[];
}

function experience(store: SandboxStore, projectID: string, id: string, spec: ExperienceSpec, time: string): StoredExperience {
  return {
    experienceID: id,
    projectID,
    name: spec.name,
    description: spec.description,
    locations: spec.locations,
    profile: spec.profile ?? EXPERIENCE_DEFAULTS.profile,
    environmentVariables: spec.environmentVariables ?? [],
    cacheExempt: spec.cacheExempt ?? EXPERIENCE_DEFAULTS.cacheExempt,
    containerTimeoutSeconds: spec.containerTimeoutSeconds ?? EXPERIENCE_DEFAULTS.containerTimeoutSeconds,
    customFields: spec.customFields ?? [],
    archived: spec.archived ?? false,
    creationTimestamp: time,
    updateTimestamp: time,
    userID: store.userID,
    orgID: store.orgID,
    experienceTagIDs: spec.tagIDs ?? [],
    systemIDs: spec.systemIDs ?? [],
  };
}

function project(store: SandboxStore, id: string, name: string, description: string, time: string): Project {
  const p: Project = { projectID: id, name, description, archived: false, orgID: store.orgID, creationTimestamp: time };
  store.projects.push(p);
  store.experiences[id] = [];
  store.experienceTags[id] = [];
  store.systems[id] = [];
  store.testSuites[id] = [];
  return p;
}

function tag(store: SandboxStore, projectID: string, id: string, name: string, description: string): ExperienceTag {
  const t: ExperienceTag = { experienceTagID: id, name, description, projectID };
  store.experienceTags[projectID].push(t);
  return t;
}

function system(store: SandboxStore, projectID: string, id: string, name: string, description: string): System {
  const s: System = { systemID: id, name, description, archived: false, projectID };
  store.systems[projectID].push(s);
  return s;
}

/**
 * A test suite whose history is `revisions` (member lists, oldest first); the current revision
 * number is `revisions.length - 1` (ReSim numbers revisions from 0).
 */
function suite(
  store: SandboxStore,
  projectID: string,
  id: string,
  name: string,
  systemID: string,
  revisions: string[][],
  time: number,
): StoredTestSuite {
  const history = revisions.map((experiences, i) => ({ testSuiteRevision: i, experiences, creationTimestamp: seedTime(time + i) }));
  const current = history[history.length - 1];
  const s: StoredTestSuite = {
    testSuiteID: id,
    name,
    description: `${name} (sandbox seed)`,
    systemID,
    experiences: current.experiences.slice(),
    testSuiteRevision: current.testSuiteRevision,
    archived: false,
    projectID,
    creationTimestamp: history[0].creationTimestamp,
    revisions: history,
  };
  store.testSuites[projectID].push(s);
  return s;
}

function demoProject(store: SandboxStore): void {
  const ids = SEED_IDS.demo;
  const pid = SEED_IDS.demoProject;
  project(store, pid, 'demo', 'Drone missions: the sandbox demo project', seedTime(0));
  system(store, pid, ids.systems.mbauer_tmp_hil_repro, 'mbauer_tmp_hil_repro', 'Hardware-in-the-loop rig');
  system(store, pid, ids.systems.sil_cluster, 'sil_cluster', 'Software-in-the-loop cluster');
  tag(store, pid, ids.tags.regression, 'regression', 'Must keep passing');
  tag(store, pid, ids.tags.progression, 'progression', 'Expected to start passing');
  tag(store, pid, ids.tags.nightly, 'nightly', 'Runs every night (not managed by the example config)');
  const e = ids.experiences;
  const specs: [string, ExperienceSpec][] = [
    [
      e['scenario-survey-alpha'],
      {
        name: 'scenario-survey-alpha',
        description: 'Aerial survey over the old test zone',
        locations: ['s3://drone-missions/surveys/alpha-old-zone'],
        profile: 'full_stack',
        environmentVariables: [{ name: 'MAX_ALTITUDE_M', value: '100' }],
        tagIDs: [ids.tags.progression, ids.tags.nightly],
        systemIDs: [ids.systems.sil_cluster],
      },
    ],
    [
      e['new-scenario-system-check'],
      {
        name: 'new-scenario-system-check',
        description: 'Regression validation run',
        locations: ['s3://drone-missions/system-checks/regression-1'],
        profile: 'planner_stack',
        environmentVariables: [{ name: 'TEST_MODE', value: 'true' }],
        archived: true,
      },
    ],
    [
      e['legacy-night-flight'],
      {
        name: 'legacy-night-flight',
        description: 'Night flight on the retired airframe',
        locations: ['s3://drone-missions/legacy/night-flight'],
        profile: 'full_stack',
        tagIDs: [ids.tags.regression, ids.tags.nightly],
        systemIDs: [ids.systems.mbauer_tmp_hil_repro],
      },
    ],
    [
      e['hover-stability-baseline'],
      {
        name: 'hover-stability-baseline',
        description: 'Hover in still air for 10 minutes',
        locations: ['s3://drone-missions/baselines/hover', 's3://drone-missions/baselines/hover-imu'],
        profile: 'controls_stack',
        cacheExempt: true,
        containerTimeoutSeconds: 1800,
        customFields: [{ name: 'airframe', type: 'text', values: ['quad-x'] }],
        tagIDs: [ids.tags.nightly, ids.tags.regression],
        systemIDs: [ids.systems.sil_cluster, ids.systems.mbauer_tmp_hil_repro],
      },
    ],
    [
      e['wind-gust-landing'],
      {
        name: 'wind-gust-landing',
        description: 'Landing with 15 m/s gusts',
        locations: ['s3://drone-missions/landing/gusts'],
        tagIDs: [ids.tags.progression],
        systemIDs: [ids.systems.sil_cluster],
      },
    ],
    [
      e['old-battery-endurance'],
      {
        name: 'old-battery-endurance',
        description: 'Endurance run on the old battery pack',
        locations: ['s3://drone-missions/legacy/battery'],
        archived: true,
        tagIDs: [ids.tags.regression],
      },
    ],
  ];
  specs.forEach(([id, spec], i) => store.experiences[pid].push(experience(store, pid, id, spec, seedTime(1 + i))));
  suite(
    store,
    pid,
    ids.suites['Basic Suite'],
    'Basic Suite',
    ids.systems.mbauer_tmp_hil_repro,
    [
      [e['scenario-survey-alpha']],
      [e['scenario-survey-alpha'], e['legacy-night-flight']],
      [e['scenario-survey-alpha'], e['legacy-night-flight'], e['hover-stability-baseline']],
    ],
    10,
  );
  suite(
    store,
    pid,
    ids.suites['Nightly Suite'],
    'Nightly Suite',
    ids.systems.sil_cluster,
    [[e['legacy-night-flight'], e['hover-stability-baseline']]],
    20,
  );
}

function perceptionProject(store: SandboxStore): void {
  const ids = SEED_IDS.perception;
  const pid = SEED_IDS.perceptionProject;
  project(store, pid, 'perception', 'Perception regressions (a second project: pick the right one)', seedTime(30));
  system(store, pid, ids.systems.perception_stack, 'perception_stack', 'Perception stack on replay');
  tag(store, pid, ids.tags.regression, 'regression', 'Perception regressions');
  tag(store, pid, ids.tags.camera, 'camera', 'Camera-only scenarios');
  const e = ids.experiences;
  const specs: [string, ExperienceSpec][] = [
    [
      e['scenario-survey-alpha'],
      {
        name: 'scenario-survey-alpha',
        description: 'Same name as in the demo project, different experience',
        locations: ['s3://perception-logs/survey-alpha'],
        tagIDs: [ids.tags.regression],
        systemIDs: [ids.systems.perception_stack],
      },
    ],
    [
      e['lidar-rain-calibration'],
      {
        name: 'lidar-rain-calibration',
        description: 'Lidar returns in heavy rain',
        locations: ['s3://perception-logs/lidar/rain'],
        profile: 'perception',
        tagIDs: [ids.tags.regression],
        systemIDs: [ids.systems.perception_stack],
      },
    ],
    [
      e['camera-glare-night'],
      {
        name: 'camera-glare-night',
        description: 'Oncoming headlights at night',
        locations: ['s3://perception-logs/camera/glare'],
        tagIDs: [ids.tags.camera],
      },
    ],
    [
      e['pedestrian-crossing-dusk'],
      {
        name: 'pedestrian-crossing-dusk',
        description: 'Pedestrian crossing at dusk',
        locations: ['s3://perception-logs/camera/dusk-crossing'],
        tagIDs: [ids.tags.camera, ids.tags.regression],
        systemIDs: [ids.systems.perception_stack],
      },
    ],
  ];
  specs.forEach(([id, spec], i) => store.experiences[pid].push(experience(store, pid, id, spec, seedTime(31 + i))));
  suite(
    store,
    pid,
    ids.suites['Perception Smoke'],
    'Perception Smoke',
    ids.systems.perception_stack,
    [[e['lidar-rain-calibration'], e['pedestrian-crossing-dusk']]],
    40,
  );
}

/**
 * A fresh store for a seed: `empty` holds one project, "empty-project", with nothing in it;
 * `demo` holds the projects `demo` (see the file comment) and `perception`.
 */
export function seedStore(kind: SeedKind): SandboxStore {
  const store = emptyStore();
  if (kind === 'demo') {
    demoProject(store);
    perceptionProject(store);
  } else {
    project(store, SEED_IDS.emptyProject, 'empty-project', 'A project with nothing in it', seedTime(0));
  }
  return store;
}

/** Sizes for `generateStore`. */
export interface GenerateOptions {
  /** Experiences in the project (up to 50,000 and more). */
  experiences: number;
  /** Tags (default 10); experience i has tag i mod tags, and every 7th also tag (i+1) mod tags. */
  tags?: number;
  /** Systems (default 3); experience i has system i mod systems. */
  systems?: number;
  /** Test suites (default 5); suite k holds the unarchived experiences i with i mod max(10, suites) = k. */
  suites?: number;
  /** Every n-th experience is archived (default 20; 0 = none). */
  archivedEvery?: number;
  /** Project name (default "bench"). */
  projectName?: string;
}

/** The project ID of `generateStore`'s project. */
export const GENERATED_PROJECT_ID = fixedID('b0000000', 1);

/**
 * A deterministic store with one big project (`GENERATED_PROJECT_ID`, named "bench"), for
 * benchmarks and scale tests. O(experiences); IDs are `fixedID` values, names
 * `exp-000001`… so that name order equals creation order.
 */
export function generateStore(opts: GenerateOptions): SandboxStore {
  const n = Math.max(0, Math.floor(opts.experiences));
  const tagCount = opts.tags ?? 10;
  const systemCount = opts.systems ?? 3;
  const suiteCount = opts.suites ?? 5;
  const archivedEvery = opts.archivedEvery ?? 20;
  const store = emptyStore();
  const pid = GENERATED_PROJECT_ID;
  project(store, pid, opts.projectName ?? 'bench', 'Generated by generateStore', seedTime(0));
  const tagIDs: string[] = [];
  for (let t = 0; t < tagCount; t++)
    tagIDs.push(tag(store, pid, fixedID('b7000000', t + 1), `tag-${t}`, `generated tag ${t}`).experienceTagID);
  const systemIDs: string[] = [];
  for (let s = 0; s < systemCount; s++)
    systemIDs.push(system(store, pid, fixedID('b5000000', s + 1), `system-${s}`, `generated system ${s}`).systemID);
  const width = String(n).length;
  const list = store.experiences[pid];
  const suiteMembers: string[][] = Array.from({ length: suiteCount }, () => []);
  const suiteStride = Math.max(10, suiteCount);
  for (let i = 0; i < n; i++) {
    const id = fixedID('be000000', i + 1);
    const archived = archivedEvery > 0 && i % archivedEvery === archivedEvery - 1;
    const tags: string[] = [];
    if (tagCount > 0) {
      tags.push(tagIDs[i % tagCount]);
      if (i % 7 === 0 && tagCount > 1) tags.push(tagIDs[(i + 1) % tagCount]);
    }
    const time = new Date(SEED_TIME + i * 1000).toISOString();
    list.push(
      experience(
        store,
        pid,
        id,
        {
          name: `exp-${String(i + 1).padStart(width, '0')}`,
          description: `Generated experience ${i + 1}`,
          locations: [`s3://bench/experiences/${i + 1}`],
          profile: i % 2 ? 'full_stack' : '',
          environmentVariables: i % 3 === 0 ? [{ name: 'SEED', value: String(i) }] : [],
          archived,
          tagIDs: tags,
          systemIDs: systemCount > 0 ? [systemIDs[i % systemCount]] : [],
        },
        time,
      ),
    );
    if (!archived && i % suiteStride < suiteCount) suiteMembers[i % suiteStride].push(id);
  }
  for (let k = 0; k < suiteCount; k++) {
    suite(store, pid, fixedID('bc000000', k + 1), `suite-${k}`, systemIDs[k % Math.max(1, systemCount)] ?? '', [suiteMembers[k]], 0);
  }
  return store;
}
