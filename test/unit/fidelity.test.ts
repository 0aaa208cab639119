/**
 * Fidelity to the resim CLI (`resim experiences sync`, resim-ai/api-client
 * cmd/resim/commands/sync/): one test per class of input where this project used to differ.
 * docs/sync-rules.md lists the rules and the deliberate differences.
 */
import { strict as assert } from 'assert';
import { applyTextEdits, loadConfig } from '../../server/src/config';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { Experience } from '../../server/src/resim/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan, planHasChanges } from '../../server/src/sync/plan';
import { parseUUID } from '../../server/src/util/uuid';

const id = (n: number) => `a7e6ea61-61f5-42cd-a444-${String(n).padStart(12, '0')}`;
const exp = (n: number, name: string, extra: Partial<Experience> = {}): Experience => ({
  experienceID: id(n),
  name,
  description: `${name} d`,
  locations: [`s3://b/${name}`],
  archived: false,
  ...extra,
});
const entry = (name: string, extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name,
  description: `${name} d`,
  locations: [`s3://b/${name}`],
  ...extra,
});
const cfg = (experiences: ConfigExperience[], extra: Partial<SyncConfig> = {}): SyncConfig => ({
  experiences,
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});
function state(experiences: Experience[], extra: Partial<ProjectState> = {}): ProjectState {
  return {
    project: { id: id(999), name: 'demo' },
    experiences,
    tags: [{ id: id(501), name: 'regression', experienceIDs: [] }],
    systems: [{ id: id(601), name: 'hil', experienceIDs: [] }],
    testSuites: [{ testSuiteID: id(701), name: 'Suite', experiences: [] }],
    fetchedAt: 'now',
    ...extra,
  };
}
const on = { archiveUnlisted: true };
const off = { archiveUnlisted: false };
const codes = (text: string) => loadConfig(text).diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`);

describe('fidelity: experience IDs are UUIDs, whatever their spelling', () => {
  const spellings = (u: string) => [
    u.toUpperCase(),
    `urn:uuid:${u}`,
    `URN:UUID:${u.toUpperCase()}`,
    `{${u}}`,
    u.replace(/-/g, ''),
    u.replace(/-/g, '').toUpperCase(),
  ];

  it('parseUUID reads the four spellings of google/uuid in any case, and nothing else', () => {
    for (const s of spellings(id(1))) assert.equal(parseUUID(s), id(1), s);
    for (const bad of [
      '',
      id(1).slice(1),
      `${id(1)}0`,
      `{${id(1)}`,
      `urn:uid:${id(1)}`,
      id(1).replace('a', 'g'),
      id(1).replace(/-/g, '_'),
      `(${id(1)})`,
    ])
      assert.equal(parseUUID(bad), undefined, bad);
  });

  it('an upper-case or urn:uuid ID of the experience matched by name is that experience (no name-taken)', () => {
    for (const s of spellings(id(1))) {
      const plan = computePlan(cfg([entry('a', { experienceID: s })]), state([exp(1, 'a')]), on);
      assert.deepEqual(plan.errors, [], s);
      assert.equal(plan.experiences[0].action, 'unchanged', s);
    }
  });

  it('a rename by an ID in any spelling matches by ID (no unknown-experience-id)', () => {
    for (const s of spellings(id(1))) {
      const plan = computePlan(cfg([entry('renamed', { experienceID: s })]), state([exp(1, 'a')]), on);
      assert.deepEqual(plan.errors, [], s);
      assert.equal(plan.experiences[0].matchedBy, 'id');
      assert.equal(plan.experiences[0].previousName, 'a');
      assert.equal(plan.summary.archive, 0);
    }
  });

  it('the loader accepts every spelling and finds duplicates across spellings', () => {
    const text = [
      'experiences:',
      ...spellings(id(1))
        .slice(0, 3)
        .map((s, i) => `  - {name: e${i}, description: d, locations: [l], experienceID: "${s}"}`),
    ].join('\n');
    assert.deepEqual(codes(text), ['duplicate-experience-id@3', 'duplicate-experience-id@4']);
    assert.deepEqual(codes(`experiences:\n  - {name: e, description: d, locations: [l], experienceID: "{${id(1)}"}\n`), ['schema@2']);
  });
});

describe('fidelity: archived: true entries', () => {
  it('an archived entry is archived and nothing else: no field update, no tags, no systems, no unknown-tag error', () => {
    const live = state([exp(1, 'a'), exp(2, 'b', { archived: true })], {
      tags: [{ id: id(501), name: 'regression', experienceIDs: [id(1)] }],
    });
    const config = cfg(
      [
        entry('a', { archived: true, description: 'changed', tags: ['no-such-tag'], systems: ['no-such-system'] }),
        entry('b', { archived: true, description: 'changed too', tags: ['regression'], systems: ['hil'] }),
      ],
      { managedExperienceTags: ['regression'] },
    );
    const plan = computePlan(config, live, on);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(
      plan.experiences.map((e) => [e.name, e.action, e.changes.length]),
      [
        ['a', 'archive', 0],
        ['b', 'unchanged', 0],
      ],
    );
    assert.deepEqual(plan.updateInputs, {});
    assert.deepEqual(plan.tags, [], 'managed tag not removed from the archived entry');
    assert.deepEqual(plan.systems, []);
  });

  it('a new entry marked archived: true is created (its fields, no tags or systems), then archived', () => {
    const plan = computePlan(cfg([entry('n', { archived: true, tags: ['regression'], systems: ['nope'] })]), state([]), on);
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.experiences[0].action, 'create');
    assert.equal(plan.experiences[0].thenArchive, true);
    assert.deepEqual(plan.createInputs.n, { name: 'n', description: 'n d', locations: ['s3://b/n'] });
    assert.ok(planHasChanges(plan));
    // Once created and archived, the same config is a no-op.
    const after = computePlan(cfg([entry('n', { archived: true })]), state([exp(7, 'n', { archived: true })]), on);
    assert.equal(planHasChanges(after), false);
  });
});

describe('fidelity: inputs the resim CLI accepts', () => {
  it('a key with no value is an empty list (experiences, tags, managedTestSuites, managedExperienceTags)', () => {
    const l = loadConfig('experiences:\nmanagedTestSuites:\nmanagedExperienceTags:\n');
    assert.deepEqual(l.diagnostics, []);
    assert.deepEqual(l.config, { experiences: [], managedTestSuites: [], managedExperienceTags: [] });
    const t = loadConfig(
      'experiences:\n  - name: a\n    description: d\n    locations: [l]\n    tags:\n    systems: ~\n    environmentVariables:\n    profile:\n',
    );
    assert.deepEqual(t.diagnostics, []);
    assert.deepEqual(
      t.config.experiences[0],
      { name: 'a', description: 'd', locations: ['l'], tags: [], systems: [] },
      'pointer fields are omitted, lists empty',
    );
  });

  it('an unquoted number or boolean where text is expected is its source text, with a warning and a quote fix', () => {
    const text =
      'experiences:\n  - name: 123\n    description: 1e3\n    locations: [0x1F]\n    environmentVariables:\n      - {name: N, value: 0x1F}\n    tags: [true]\n';
    const l = loadConfig(text);
    assert.deepEqual(l.config.experiences[0], {
      name: '123',
      description: '1e3',
      locations: ['0x1F'],
      environmentVariables: [{ name: 'N', value: '0x1F' }],
      tags: ['true'],
    });
    assert.equal(l.ok, true);
    assert.deepEqual(
      l.diagnostics.map((d) => `${d.code}:${d.severity}@${d.range.start.line + 1}`),
      [
        'unquoted-scalar:warning@2',
        'unquoted-scalar:warning@3',
        'unquoted-scalar:warning@4',
        'unquoted-scalar:warning@6',
        'unquoted-scalar:warning@7',
      ],
    );
    const fixed = applyTextEdits(
      text,
      l.diagnostics.flatMap((d) => d.fix!.edits),
    );
    const again = loadConfig(fixed);
    assert.deepEqual(again.diagnostics, []);
    assert.deepEqual(again.config, l.config, 'quoting keeps the meaning');
  });

  it('yes / no / on / off where true or false is expected is that boolean (yaml.v3), with a warning and a fix', () => {
    const text = 'experiences:\n  - name: a\n    description: d\n    locations: [l]\n    archived: yes\n    cacheExempt: "off"\n';
    const l = loadConfig(text);
    assert.equal(l.ok, true);
    assert.equal(l.config.experiences[0].archived, true);
    assert.equal(l.config.experiences[0].cacheExempt, false);
    assert.deepEqual(
      l.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`),
      ['yaml11-boolean@5', 'yaml11-boolean@6'],
    );
    const fixed = loadConfig(
      applyTextEdits(
        text,
        l.diagnostics.flatMap((d) => d.fix!.edits),
      ),
    );
    assert.deepEqual(fixed.diagnostics, []);
    assert.deepEqual(fixed.config, l.config);
  });

  it("merge keys (<<: *defaults) are merged, as the resim CLI decodes them; the map's own keys win", () => {
    const text =
      'experiences:\n  - &base\n    name: a\n    description: base\n    locations: [l]\n    tags: [t]\n  - <<: *base\n    name: b\n  - <<: [*base, {profile: p}]\n    name: c\n    description: own\n';
    const l = loadConfig(text);
    assert.deepEqual(l.diagnostics, []);
    assert.deepEqual(l.config.experiences.slice(1), [
      { name: 'b', description: 'base', locations: ['l'], tags: ['t'] },
      { name: 'c', description: 'own', locations: ['l'], profile: 'p', tags: ['t'] },
    ]);
    assert.deepEqual(codes('experiences:\n  - <<: 3\n    name: a\n    description: d\n    locations: [l]\n'), ['schema@2']);
  });

  it('under --no-archive a managed suite may list a live experience the file does not list; with archiving it is an error', () => {
    const live = state([exp(1, 'a'), exp(2, 'kept')]);
    const config = cfg([entry('a')], { managedTestSuites: [{ name: 'Suite', experiences: ['a', 'kept'] }] });
    const keep = computePlan(config, live, off);
    assert.deepEqual(keep.errors, []);
    assert.deepEqual(keep.suiteMembers[id(701)], [id(1), id(2)]);
    const archive = computePlan(config, live, on);
    assert.deepEqual(
      archive.errors.map((e) => [e.code, e.path.join('.')]),
      [['suite-experience-not-found', 'managedTestSuites.0.experiences.1']],
    );
    const gone = computePlan(cfg([entry('a')], { managedTestSuites: [{ name: 'Suite', experiences: ['nowhere'] }] }), live, off);
    assert.deepEqual(
      gone.errors.map((e) => e.code),
      ['suite-experience-not-found'],
    );
    // The loader cannot know the mode: a warning, not an error.
    assert.deepEqual(codes('experiences: []\nmanagedTestSuites:\n  - name: Suite\n    experiences: [kept]\n'), [
      'unknown-experience-in-suite@4',
    ]);
    assert.equal(loadConfig('experiences: []\nmanagedTestSuites:\n  - name: Suite\n    experiences: [kept]\n').ok, true);
  });

  it('a suite without experiences is an empty suite, with a warning and a fix writing experiences: []', () => {
    for (const text of [
      'managedTestSuites:\n  - name: Suite\n',
      'managedTestSuites:\n  - name: Suite\n    experiences:\n',
      'managedTestSuites:\n  - {name: Suite}\n',
    ]) {
      const l = loadConfig(text);
      assert.equal(l.ok, true, text);
      assert.deepEqual(
        l.diagnostics.map((d) => d.code),
        ['empty-test-suite'],
        text,
      );
      assert.deepEqual(l.config.managedTestSuites, [{ name: 'Suite', experiences: [] }]);
      const fixed = loadConfig(applyTextEdits(text, l.diagnostics[0].fix!.edits));
      assert.deepEqual(fixed.diagnostics, [], text);
      assert.deepEqual(fixed.config, l.config, text);
    }
    const plan = computePlan(
      cfg([entry('a')], { managedTestSuites: [{ name: 'Suite', experiences: [] }] }),
      state([exp(1, 'a')], { testSuites: [{ testSuiteID: id(701), name: 'Suite', experiences: [id(1)] }] }),
      on,
    );
    assert.deepEqual(plan.suiteMembers, { [id(701)]: [] });
  });

  it('errors that stay: an archived entry in a suite, the same suite twice (contradictions or API failures of the reference)', () => {
    const plan = computePlan(
      cfg([entry('a', { archived: true })], { managedTestSuites: [{ name: 'Suite', experiences: ['a'] }] }),
      state([exp(1, 'a')]),
      on,
    );
    assert.deepEqual(
      plan.errors.map((e) => e.code),
      ['archived-experience-in-suite'],
    );
    assert.deepEqual(codes('managedTestSuites:\n  - {name: S, experiences: []}\n  - {name: S, experiences: []}\n'), [
      'duplicate-test-suite@3',
    ]);
  });
});
