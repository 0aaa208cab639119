/**
 * The experience field table of the plan (server/src/sync/plan.ts, `EXPERIENCE_FIELDS`), one field
 * at a time and in both directions: a changed value is an update with exactly that field in the
 * mask, an equal value (an absent live value reading as the API's zero) is no update at all. Then
 * tag and system membership, which are not `UpdateExperience` fields but count as changes too.
 */
import { strict as assert } from 'assert';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { Experience, ExperienceField } from '../../server/src/resim/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan, EXPERIENCE_FIELDS, planHasChanges } from '../../server/src/sync/plan';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TAG_A = id(501);
const TAG_B = id(502);
const SYSTEM_A = id(601);

const live = (extra: Partial<Experience> = {}): Experience => ({
  experienceID: id(1),
  name: 'a',
  description: 'the description',
  locations: ['s3://bucket/a', 's3://bucket/b'],
  archived: false,
  ...extra,
});

const entry = (extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name: 'a',
  description: 'the description',
  locations: ['s3://bucket/a', 's3://bucket/b'],
  ...extra,
});

function state(experience: Experience, members: { tags?: string[]; systems?: string[] } = {}): ProjectState {
  const ids = (setID: string, of: string[] | undefined) => (of?.includes(setID) ? [experience.experienceID] : []);
  return {
    project: { id: id(999), name: 'demo' },
    experiences: [experience],
    tags: [
      { id: TAG_A, name: 'regression', experienceIDs: ids(TAG_A, members.tags) },
      { id: TAG_B, name: 'nightly', experienceIDs: ids(TAG_B, members.tags) },
    ],
    systems: [{ id: SYSTEM_A, name: 'hil', experienceIDs: ids(SYSTEM_A, members.systems) }],
    testSuites: [],
    fetchedAt: '2026-01-01T00:00:00.000Z',
  };
}

const config = (e: ConfigExperience, extra: Partial<SyncConfig> = {}): SyncConfig => ({
  experiences: [e],
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});

const plan = (cfg: ConfigExperience, have: Experience, extra: Partial<SyncConfig> = {}, members = {}) =>
  computePlan(config(cfg, extra), state(have, members), { archiveUnlisted: true });

/** Asserts an update of exactly `field`, from `before` to the entry's value. */
function assertUpdates(field: ExperienceField, cfg: ConfigExperience, have: Experience): void {
  const p = plan(cfg, have);
  assert.deepEqual(p.errors, []);
  assert.equal(p.experiences[0].action, 'update', `${field}: a changed value is an update`);
  assert.deepEqual(p.updateInputs[id(1)], { experience: { [field]: cfg[field] }, updateMask: [field] });
  assert.deepEqual(p.experiences[0].changes, [{ field, before: have[field] ?? null, after: cfg[field] }]);
  assert.equal(p.summary.update, 1);
  assert.ok(planHasChanges(p));
}

/** Asserts no update and no change. */
function assertNoOp(field: string, cfg: ConfigExperience, have: Experience, extra: Partial<SyncConfig> = {}, members = {}): void {
  const p = plan(cfg, have, extra, members);
  assert.deepEqual(p.errors, []);
  assert.equal(p.experiences[0].action, 'unchanged', `${field}: an equal value is no change`);
  assert.deepEqual(p.experiences[0].changes, []);
  assert.deepEqual(p.updateInputs, {});
  assert.equal(planHasChanges(p), false);
}

const env = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));
const custom = (name: string, values: string[], type: 'text' | 'number' = 'text') => ({ name, type, values });

/**
 * Per field of the table: a changed case (config value, live value) and unchanged cases. Every
 * field of `EXPERIENCE_FIELDS` must be here (checked below), so a field added to the table
 * without a test fails.
 */
const CASES: Record<
  ExperienceField,
  { changed: [Partial<ConfigExperience>, Partial<Experience>][]; same: [Partial<ConfigExperience>, Partial<Experience>][] }
> = {
  name: {
    // a rename: matched by ID, the name is compared (and only then)
    changed: [[{ name: 'b', experienceID: id(1) }, { name: 'a' }]],
    same: [[{ name: 'a', experienceID: id(1) }, { name: 'a' }]],
  },
  description: {
    changed: [
      [{ description: 'new text' }, { description: 'old text' }],
      [{ description: '' }, { description: 'old text' }],
    ],
    same: [[{ description: 'same' }, { description: 'same' }]],
  },
  locations: {
    changed: [
      [{ locations: ['s3://x', 's3://y'] }, { locations: ['s3://y', 's3://x'] }], // order matters
      [{ locations: ['s3://x', 's3://y'] }, { locations: ['s3://x'] }],
      [{ locations: ['s3://x'] }, { locations: ['s3://x', 's3://y'] }],
      [{ locations: ['s3://x', 's3://z'] }, { locations: ['s3://x', 's3://y'] }],
      [{ locations: [] }, { locations: ['s3://x'] }],
    ],
    same: [
      [{ locations: ['s3://x', 's3://y'] }, { locations: ['s3://x', 's3://y'] }],
      [{ locations: [] }, { locations: [] }],
    ],
  },
  profile: {
    changed: [
      [{ profile: 'full_stack' }, {}],
      [{ profile: 'full_stack' }, { profile: 'other' }],
      [{ profile: '' }, { profile: 'other' }],
    ],
    same: [
      [{ profile: 'p' }, { profile: 'p' }],
      [{ profile: '' }, {}],
      [{}, { profile: 'p' }], // omitted: left alone
    ],
  },
  environmentVariables: {
    changed: [
      [{ environmentVariables: env(['X', '2']) }, { environmentVariables: env(['X', '1']) }], // a value
      [{ environmentVariables: env(['Y', '1']) }, { environmentVariables: env(['X', '1']) }], // a name
      [{ environmentVariables: env(['X', '1'], ['Y', '2']) }, { environmentVariables: env(['Y', '2'], ['X', '1']) }], // order
      [{ environmentVariables: env(['X', '1'], ['Y', '2']) }, { environmentVariables: env(['X', '1']) }],
      [{ environmentVariables: env(['X', '1']) }, {}],
      [{ environmentVariables: [] }, { environmentVariables: env(['X', '1']) }], // an explicit [] clears
    ],
    same: [
      [{ environmentVariables: env(['X', '1'], ['Y', '2']) }, { environmentVariables: env(['X', '1'], ['Y', '2']) }],
      [{ environmentVariables: [] }, {}],
      [{}, { environmentVariables: env(['X', '1']) }],
    ],
  },
  cacheExempt: {
    changed: [
      [{ cacheExempt: true }, {}],
      [{ cacheExempt: true }, { cacheExempt: false }],
      [{ cacheExempt: false }, { cacheExempt: true }],
    ],
    same: [
      [{ cacheExempt: true }, { cacheExempt: true }],
      [{ cacheExempt: false }, {}],
      [{}, { cacheExempt: true }],
    ],
  },
  containerTimeoutSeconds: {
    changed: [
      [{ containerTimeoutSeconds: 60 }, {}],
      [{ containerTimeoutSeconds: 60 }, { containerTimeoutSeconds: 30 }],
      [{ containerTimeoutSeconds: 0 }, { containerTimeoutSeconds: 30 }],
    ],
    same: [
      [{ containerTimeoutSeconds: 60 }, { containerTimeoutSeconds: 60 }],
      [{ containerTimeoutSeconds: 0 }, {}],
      [{}, { containerTimeoutSeconds: 60 }],
    ],
  },
  customFields: {
    changed: [
      [{ customFields: [custom('team', ['b'])] }, { customFields: [custom('team', ['a'])] }], // a value
      [{ customFields: [custom('team', ['a', 'b'])] }, { customFields: [custom('team', ['b', 'a'])] }], // values' order
      [{ customFields: [custom('team', ['a', 'b'])] }, { customFields: [custom('team', ['a'])] }],
      [{ customFields: [custom('team', ['1'], 'number')] }, { customFields: [custom('team', ['1'])] }], // the type
      [{ customFields: [custom('owner', ['a'])] }, { customFields: [custom('team', ['a'])] }], // the name
      [{ customFields: [custom('team', ['a']), custom('owner', ['b'])] }, { customFields: [custom('team', ['a'])] }],
      [{ customFields: [custom('team', ['a'])] }, {}],
      [{ customFields: [] }, { customFields: [custom('team', ['a'])] }],
    ],
    same: [
      [{ customFields: [custom('team', ['a', 'b'])] }, { customFields: [custom('team', ['a', 'b'])] }],
      // names are case-insensitive and the list is a set by name
      [
        { customFields: [custom('Team', ['a']), custom('owner', ['b'])] },
        { customFields: [custom('OWNER', ['b']), custom('team', ['a'])] },
      ],
      [
        { customFields: [custom('a', ['1']), custom('b', ['2']), custom('c', ['3'])] },
        { customFields: [custom('c', ['3']), custom('a', ['1']), custom('b', ['2'])] },
      ],
      [{ customFields: [] }, {}],
      [{}, { customFields: [custom('team', ['a'])] }],
    ],
  },
};

describe('plan: the experience field table', () => {
  it('has a test case for every field of the table, and the table is the update mask order', () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(EXPERIENCE_FIELDS).sort());
    assert.deepEqual(Object.keys(EXPERIENCE_FIELDS), [
      'name',
      'description',
      'locations',
      'profile',
      'environmentVariables',
      'cacheExempt',
      'containerTimeoutSeconds',
      'customFields',
    ]);
  });

  for (const [field, { changed, same }] of Object.entries(CASES) as [ExperienceField, (typeof CASES)[ExperienceField]][]) {
    describe(field, () => {
      changed.forEach(([want, have], k) =>
        it(`changed (${k + 1}): an update with ${field} in the mask`, () => assertUpdates(field, entry(want), live(have))),
      );
      same.forEach(([want, have], k) => it(`unchanged (${k + 1}): no update`, () => assertNoOp(field, entry(want), live(have))));
    });
  }

  it('several changed fields: one update, the mask in table order, untouched fields absent', () => {
    const p = plan(
      entry({ customFields: [custom('team', ['b'])], cacheExempt: true, description: 'new' }),
      live({ customFields: [custom('team', ['a'])], profile: 'kept' }),
    );
    assert.deepEqual(p.updateInputs[id(1)].updateMask, ['description', 'cacheExempt', 'customFields']);
    assert.deepEqual(Object.keys(p.updateInputs[id(1)].experience).sort(), ['cacheExempt', 'customFields', 'description']);
  });

  it('the name is not compared for an entry matched by name, and is only in the mask for a rename', () => {
    const p = plan(entry({ name: 'b', experienceID: id(1), description: 'new' }), live());
    assert.deepEqual(p.updateInputs[id(1)].updateMask, ['name', 'description']);
    assert.equal(p.experiences[0].previousName, 'a');
  });

  it('a create carries every field the entry sets, and no optional field it omits', () => {
    const full = entry({
      name: 'new',
      profile: 'p',
      environmentVariables: env(['X', '1']),
      cacheExempt: false,
      containerTimeoutSeconds: 5,
      customFields: [custom('t', ['v'])],
    });
    const p = plan(full, live());
    assert.deepEqual(p.createInputs.new, {
      name: 'new',
      description: 'the description',
      locations: ['s3://bucket/a', 's3://bucket/b'],
      profile: 'p',
      environmentVariables: env(['X', '1']),
      cacheExempt: false,
      containerTimeoutSeconds: 5,
      customFields: [custom('t', ['v'])],
    });
    assert.deepEqual(
      p.experiences.find((e) => e.name === 'new')!.changes.map((c) => c.field),
      ['description', 'locations', 'profile', 'environmentVariables', 'cacheExempt', 'containerTimeoutSeconds', 'customFields'],
    );
    const bare = plan(entry({ name: 'new' }), live());
    assert.deepEqual(bare.createInputs.new, { name: 'new', description: 'the description', locations: ['s3://bucket/a', 's3://bucket/b'] });
  });
});

describe('plan: tag and system membership as changes', () => {
  it('a tag addition is a change: an update action, counted, with the tags before and after', () => {
    const p = plan(entry({ tags: ['regression'] }), live());
    assert.equal(p.experiences[0].action, 'update');
    assert.deepEqual(p.experiences[0].changes, [{ field: 'tags', before: [], after: ['regression'] }]);
    assert.deepEqual(p.updateInputs, {}, 'membership is not an UpdateExperience field');
    assert.equal(p.summary.tagAdditions, 1);
    assert.deepEqual(p.tags, [{ name: 'regression', tagID: TAG_A, add: ['a'], remove: [], addIDs: [id(1)], removeIDs: [] }]);
    assert.ok(planHasChanges(p));
  });

  it('a tag the experience already has is no change', () => {
    assertNoOp('tags', entry({ tags: ['regression'] }), live(), {}, { tags: [TAG_A] });
  });

  it('a managed tag the entry does not list is removed, an unmanaged one is kept', () => {
    const p = plan(entry({ tags: [] }), live(), { managedExperienceTags: ['regression'] }, { tags: [TAG_A, TAG_B] });
    assert.equal(p.experiences[0].action, 'update');
    assert.deepEqual(p.experiences[0].changes, [{ field: 'tags', before: ['nightly', 'regression'], after: ['nightly'] }]);
    assert.equal(p.summary.tagRemovals, 1);
    assert.deepEqual(p.tags, [{ name: 'regression', tagID: TAG_A, add: [], remove: ['a'], addIDs: [], removeIDs: [id(1)] }]);
    assertNoOp('tags', entry({ tags: [] }), live(), {}, { tags: [TAG_A, TAG_B] });
    assertNoOp('tags', entry({ tags: ['regression'] }), live(), { managedExperienceTags: ['regression'] }, { tags: [TAG_A] });
  });

  it('an added tag and a removed managed tag on one experience: both, in one tags change', () => {
    const p = plan(entry({ tags: ['nightly'] }), live(), { managedExperienceTags: ['regression', 'nightly'] }, { tags: [TAG_A] });
    assert.deepEqual(p.experiences[0].changes, [{ field: 'tags', before: ['regression'], after: ['nightly'] }]);
    assert.equal(p.summary.tagAdditions, 1);
    assert.equal(p.summary.tagRemovals, 1);
  });

  it('a system addition is a change; a system the experience has is not; systems are never removed', () => {
    const p = plan(entry({ systems: ['hil'] }), live());
    assert.equal(p.experiences[0].action, 'update');
    assert.deepEqual(p.experiences[0].changes, [{ field: 'systems', before: [], after: ['hil'] }]);
    assert.equal(p.summary.systemAdditions, 1);
    assert.deepEqual(p.systems, [{ name: 'hil', systemID: SYSTEM_A, add: ['a'], addIDs: [id(1)] }]);
    assertNoOp('systems', entry({ systems: ['hil'] }), live(), {}, { systems: [SYSTEM_A] });
    assertNoOp('systems', entry({ systems: [] }), live(), {}, { systems: [SYSTEM_A] });
  });
});
