/**
 * The plan's rules at their edges (server/src/sync/plan.ts, docs/sync-rules.md): entries that
 * failed validation, the related locations and paths of errors, membership bookkeeping across
 * entries, unlisted experiences and their warnings, and test suites whose members failed to match.
 */
import { strict as assert } from 'assert';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { Experience } from '../../server/src/resim/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan } from '../../server/src/sync/plan';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TAG = { regression: id(501), nightly: id(502) };
const SYSTEM = { hil: id(601), sil: id(602) };
const SUITE = id(701);

const exp = (n: number, name: string, extra: Partial<Experience> = {}): Experience => ({
  experienceID: id(n),
  name,
  description: 'd',
  locations: ['s3://l'],
  archived: false,
  ...extra,
});
const entry = (name: string, extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name,
  description: 'd',
  locations: ['s3://l'],
  ...extra,
});

function state(experiences: Experience[], extra: Partial<ProjectState> = {}): ProjectState {
  return {
    project: { id: id(999), name: 'demo' },
    experiences,
    tags: [
      { id: TAG.regression, name: 'regression', experienceIDs: [] },
      { id: TAG.nightly, name: 'nightly', experienceIDs: [] },
    ],
    systems: [
      { id: SYSTEM.hil, name: 'hil', experienceIDs: [] },
      { id: SYSTEM.sil, name: 'sil', experienceIDs: [] },
    ],
    testSuites: [{ testSuiteID: SUITE, name: 'Suite', experiences: [] }],
    fetchedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}
const config = (experiences: ConfigExperience[], extra: Partial<SyncConfig> = {}): SyncConfig => ({
  experiences,
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});
const on = { archiveUnlisted: true };
const off = { archiveUnlisted: false };
/** A value the types rule out but a config that failed validation may hold. */
const invalid = <T>(v: unknown) => v as T;

describe('plan: entries that failed validation', () => {
  it('skips entries without a usable name, and plans the rest', () => {
    const entries = [
      invalid<ConfigExperience>(null),
      invalid<ConfigExperience>({ name: 5 }),
      entry(''),
      entry('a', { description: 'new' }),
    ];
    const p = computePlan(config(entries), state([exp(1, 'a')]), on);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.experiences.map((e) => [e.name, e.action, e.configIndex]),
      [['a', 'update', 3]],
    );
  });

  it('an empty or non-string experienceID is no ID: the entry is new, not an unknown ID', () => {
    const p = computePlan(config([entry('n1', { experienceID: '' }), entry('n2', { experienceID: invalid<string>(42) })]), state([]), on);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.experiences.map((e) => e.action),
      ['create', 'create'],
    );
  });

  it("a create without description or locations sends the API's empty values", () => {
    const p = computePlan(config([invalid<ConfigExperience>({ name: 'n' })]), state([]), on);
    assert.deepEqual(p.createInputs.n, { name: 'n', description: '', locations: [] });
    assert.deepEqual(p.experiences[0].changes, []);
  });

  it('holes in environment variables and custom fields compare without throwing', () => {
    const live = exp(1, 'a', {
      environmentVariables: [{ name: 'X', value: '1' }],
      customFields: [{ name: 't', type: 'text', values: ['v'] }],
    });
    const p = computePlan(
      config([
        entry('a', {
          environmentVariables: invalid([null]),
          customFields: invalid([null, { name: 'u', type: 'text' }]),
        }),
      ]),
      state([live]),
      on,
    );
    assert.deepEqual(p.updateInputs[id(1)].updateMask, ['environmentVariables', 'customFields']);
    const back = computePlan(
      config([entry('a', { environmentVariables: [{ name: 'X', value: '1' }], customFields: invalid([{ name: 't', type: 'text' }]) })]),
      state([live]),
      on,
    );
    assert.deepEqual(back.updateInputs[id(1)].updateMask, ['customFields']);
    const liveHoles = exp(1, 'a', { environmentVariables: invalid([null]), customFields: invalid([{ type: 'text', values: ['v'] }]) });
    const p2 = computePlan(
      config([
        entry('a', { environmentVariables: [{ name: 'X', value: '1' }], customFields: [{ name: '', type: 'text', values: ['v'] }] }),
      ]),
      state([liveHoles]),
      on,
    );
    assert.deepEqual(p2.updateInputs[id(1)].updateMask, ['environmentVariables']);
  });

  it('custom-field names compare lower-cased: "ß" and "ss" are two names', () => {
    const live = exp(1, 'a', { customFields: [{ name: 'ss', type: 'text', values: ['v'] }] });
    const p = computePlan(config([entry('a', { customFields: [{ name: 'ß', type: 'text', values: ['v'] }] })]), state([live]), on);
    assert.deepEqual(p.updateInputs[id(1)].updateMask, ['customFields']);
  });

  it('non-string tags, systems and managed tags are skipped; a tag named twice is added once', () => {
    const p = computePlan(
      config(
        [
          entry('a', { tags: invalid(['regression', 7, 'regression']), systems: invalid([null, 'hil']) }),
          entry('n', { tags: invalid([3, 'nightly']), systems: invalid([4]) }),
        ],
        {
          managedExperienceTags: invalid([9, 'nightly']),
        },
      ),
      state([exp(1, 'a')]),
      on,
    );
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.tags.map((t) => [t.name, t.addIDs]),
      [['regression', [id(1)]]],
    );
    assert.deepEqual(
      p.systems.map((s) => [s.name, s.addIDs]),
      [['hil', [id(1)]]],
    );
    assert.deepEqual(p.createInputs.n.experienceTagIDs, [TAG.nightly]);
    assert.equal(p.createInputs.n.systemIDs, undefined);
    const created = p.experiences.find((e) => e.name === 'n')!;
    assert.deepEqual(
      created.changes.filter((c) => c.field === 'tags' || c.field === 'systems'),
      [{ field: 'tags', before: null, after: ['nightly'] }],
    );
  });
});

describe('plan: creates', () => {
  it('a create lists the fields it sets, then its tags and systems', () => {
    const p = computePlan(config([entry('n', { profile: 'p', tags: ['regression'], systems: ['hil', 'sil'] })]), state([]), on);
    assert.deepEqual(p.experiences[0].changes, [
      { field: 'description', before: null, after: 'd' },
      { field: 'locations', before: null, after: ['s3://l'] },
      { field: 'profile', before: null, after: 'p' },
      { field: 'tags', before: null, after: ['regression'] },
      { field: 'systems', before: null, after: ['hil', 'sil'] },
    ]);
    assert.deepEqual(p.createInputs.n.systemIDs, [SYSTEM.hil, SYSTEM.sil]);
  });

  it('a new `archived: true` entry is created with its fields only, then archived', () => {
    const p = computePlan(config([entry('n', { archived: true, tags: ['regression', 'nope'], systems: ['hil'] })]), state([]), on);
    assert.deepEqual(p.errors, [], 'its tags and systems are ignored, unknown ones too');
    assert.deepEqual(p.createInputs.n, { name: 'n', description: 'd', locations: ['s3://l'] });
    assert.deepEqual(p.experiences[0], {
      name: 'n',
      action: 'create',
      experienceID: null,
      matchedBy: null,
      changes: [
        { field: 'description', before: null, after: 'd' },
        { field: 'locations', before: null, after: ['s3://l'] },
      ],
      configIndex: 0,
      thenArchive: true,
    });
  });
});

describe('plan: matching errors', () => {
  it("a name matched by another entry's ID: ambiguous, related to that entry's experienceID", () => {
    const p = computePlan(config([entry('b', { experienceID: id(1) }), entry('a')]), state([exp(1, 'a')]), on);
    assert.deepEqual(
      p.errors.map((e) => [e.code, e.path, e.related]),
      [['ambiguous-match', ['experiences', 1, 'name'], [{ path: ['experiences', 0, 'experienceID'], message: 'already matched here' }]]],
    );
  });

  it("an ID matched by another entry's name: ambiguous, related to that entry's name", () => {
    const p = computePlan(config([entry('a'), entry('b', { experienceID: id(1) })]), state([exp(1, 'a')]), on);
    assert.deepEqual(
      p.errors.map((e) => [e.code, e.path, e.related]),
      [['ambiguous-match', ['experiences', 1, 'experienceID'], [{ path: ['experiences', 0, 'name'], message: 'already matched here' }]]],
    );
  });

  for (const [what, entries, live] of [
    ['name-taken', [entry('a', { experienceID: id(2) })], [exp(1, 'a'), exp(2, 'b')]],
    ['unknown-experience-id', [entry('a', { experienceID: id(3) })], []],
    ['ambiguous-match (ID)', [entry('x'), entry('a', { experienceID: id(1) })], [exp(1, 'x')]],
    ['ambiguous-match (name)', [entry('y', { experienceID: id(1) }), entry('x')], [exp(1, 'x')]],
  ] as [string, ConfigExperience[], Experience[]][]) {
    it(`an entry that failed matching (${what}) is planned for nowhere, and a suite listing it is not revised`, () => {
      const failed = entries[entries.length - 1].name;
      const p = computePlan(config(entries, { managedTestSuites: [{ name: 'Suite', experiences: [failed] }] }), state(live), off);
      assert.equal(p.errors.length, 1, JSON.stringify(p.errors));
      assert.ok(!p.experiences.some((e) => e.configIndex === entries.length - 1), 'nothing planned for the failed entry');
      assert.deepEqual(p.testSuites, []);
      assert.deepEqual(p.suiteMembers, {});
    });
  }
});

describe('plan: references', () => {
  it('an unknown system is an error naming a system, at its node', () => {
    const p = computePlan(config([entry('a', { systems: ['hil', 'hill2'] })]), state([exp(1, 'a')]), on);
    assert.deepEqual(
      p.errors.map((e) => [e.code, e.path]),
      [['unknown-system', ['experiences', 0, 'systems', 1]]],
    );
    assert.match(p.errors[0].message, /^System "hill2" does not exist in project "demo"\. Did you mean "hil"\?/);
    const t = computePlan(config([entry('a', { tags: ['regresion'] })]), state([exp(1, 'a')]), on);
    assert.match(t.errors[0].message, /^Tag "regresion" does not exist/);
  });

  it('an unknown managed tag is an error at its index', () => {
    const p = computePlan(config([], { managedExperienceTags: ['regression', 'gone'] }), state([]), on);
    assert.deepEqual(
      p.errors.map((e) => [e.code, e.path]),
      [['unknown-managed-tag', ['managedExperienceTags', 1]]],
    );
  });
});

describe('plan: memberships across entries', () => {
  it('two experiences gaining one tag and one system: both in one addition each', () => {
    const p = computePlan(
      config([entry('a', { tags: ['regression'], systems: ['hil'] }), entry('b', { tags: ['regression'], systems: ['hil'] })]),
      state([exp(1, 'a'), exp(2, 'b')]),
      on,
    );
    assert.deepEqual(p.tags[0].addIDs, [id(1), id(2)]);
    assert.deepEqual(p.tags[0].add, ['a', 'b']);
    assert.deepEqual(p.systems[0].addIDs, [id(1), id(2)]);
  });

  it('adding a tag next to one the experience has: the tags after hold each once', () => {
    const s = state([exp(1, 'a')]);
    s.tags[0].experienceIDs = [id(1)];
    const p = computePlan(config([entry('a', { tags: ['regression', 'nightly'] })]), s, on);
    assert.deepEqual(p.experiences[0].changes, [{ field: 'tags', before: ['regression'], after: ['nightly', 'regression'] }]);
  });

  it('a membership of an experience the listings did not return is ignored', () => {
    const s = state([exp(1, 'a')]);
    s.tags[0].experienceIDs = [id(77)];
    const p = computePlan(config([entry('a')]), s, on);
    assert.equal(p.experiences[0].action, 'unchanged');
  });

  it('an entry matched by name keeps no previousName; the plan of a match has no notices or warnings', () => {
    const p = computePlan(config([entry('a')]), state([exp(1, 'a')]), on);
    assert.equal('previousName' in p.experiences[0], false);
    assert.deepEqual(p.notices, []);
    assert.deepEqual(p.warnings, []);
    assert.deepEqual(p.errors, []);
  });
});

describe('plan: unlisted experiences', () => {
  const live = ['f', 'b', 'g', 'a', 'e', 'c', 'd'].map((n, i) => exp(i + 1, n));

  it('archived in name order, the warning naming the first five', () => {
    const s = state([...live, exp(20, 'z', { archived: true }), exp(21, 'kept')]);
    const p = computePlan(config([entry('kept')]), s, on);
    const archived = p.experiences.filter((e) => e.action === 'archive');
    assert.deepEqual(
      archived.map((e) => e.name),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    );
    assert.deepEqual(archived[0], { name: 'a', action: 'archive', experienceID: id(4), matchedBy: null, changes: [] });
    assert.deepEqual(
      p.notices.map((n) => [n.code, n.path, n.severity]),
      [['will-archive', ['experiences'], 'warning']],
    );
    assert.match(
      p.notices[0].message,
      /^Sync will archive 7 experiences of project "demo" that this file does not list: "a", "b", "c", "d", "e", …\./,
    );
  });

  it('one unlisted: singular, no ellipsis; five: no ellipsis; none: no notice', () => {
    const one = computePlan(config([]), state([exp(1, 'a')]), on);
    assert.match(one.notices[0].message, /^Sync will archive 1 experience of project "demo" that this file does not list: "a"\. /);
    const five = computePlan(config([]), state(live.slice(0, 5)), on);
    assert.match(five.notices[0].message, /does not list: "b", "e", "f", "g", "a"|does not list: "a", "b", "e", "f", "g"\. /);
    assert.doesNotMatch(five.notices[0].message, /…/);
    const none = computePlan(config([entry('a')]), state([exp(1, 'a')]), on);
    assert.deepEqual(none.notices, []);
  });

  it('with archiving off they are kept, with a warning counting them', () => {
    const p = computePlan(config([]), state(live.slice(0, 2)), off);
    assert.equal(p.summary.archive, 0);
    assert.deepEqual(p.warnings, ['2 experiences not in the config kept (archiving is off).']);
    const one = computePlan(config([]), state(live.slice(0, 1)), off);
    assert.deepEqual(one.warnings, ['1 experience not in the config kept (archiving is off).']);
    const none = computePlan(config([]), state([]), off);
    assert.deepEqual(none.warnings, []);
  });
});

describe('plan: test suites', () => {
  it('before names: the config name of a renamed member, the ID of one the listings lack', () => {
    const s = state([exp(1, 'old')], { testSuites: [{ testSuiteID: SUITE, name: 'Suite', experiences: [id(1), id(88)] }] });
    const p = computePlan(
      config([entry('new', { experienceID: id(1) })], { managedTestSuites: [{ name: 'Suite', experiences: ['new'] }] }),
      s,
      on,
    );
    assert.deepEqual(p.testSuites, [{ name: 'Suite', testSuiteID: SUITE, before: ['new', id(88)], after: ['new'], changed: true }]);
    assert.deepEqual(p.suiteMembers, { [SUITE]: [id(1)] });
    assert.equal(p.summary.testSuiteRevisions, 1);
  });

  it('counts only the suites that change', () => {
    const s = state([exp(1, 'a')], {
      testSuites: [
        { testSuiteID: SUITE, name: 'Suite', experiences: [id(1)] },
        { testSuiteID: id(702), name: 'Other', experiences: [] },
      ],
    });
    const p = computePlan(
      config([entry('a')], {
        managedTestSuites: [
          { name: 'Suite', experiences: ['a'] },
          { name: 'Other', experiences: ['a'] },
        ],
      }),
      s,
      on,
    );
    assert.equal(p.summary.testSuiteRevisions, 1);
    assert.deepEqual(
      p.testSuites.map((t) => t.changed),
      [false, true],
    );
  });

  it('skips suite entries without a usable name', () => {
    const p = computePlan(
      config([entry('a')], { managedTestSuites: invalid([null, { name: 3, experiences: [] }]) }),
      state([exp(1, 'a')]),
      on,
    );
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.testSuites, []);
  });

  it('a member not in the file: kept with archiving off, else an error that says why, at the member', () => {
    const s = state([exp(1, 'a'), exp(2, 'b'), exp(3, 'gone', { archived: true })]);
    const suites = { managedTestSuites: [{ name: 'Suite', experiences: ['a', 'b'] }] };
    const kept = computePlan(config([entry('a')], suites), s, off);
    assert.deepEqual(kept.errors, []);
    assert.deepEqual(kept.suiteMembers, { [SUITE]: [id(1), id(2)] });
    const archiving = computePlan(config([entry('a')], suites), s, on);
    assert.deepEqual(
      archiving.errors.map((e) => [e.code, e.path]),
      [['suite-experience-not-found', ['managedTestSuites', 0, 'experiences', 1]]],
    );
    assert.match(archiving.errors[0].message, /which sync archives \(archiving is on\)/);
    assert.deepEqual(archiving.testSuites, []);
    for (const missing of ['gone', 'nothing']) {
      const p = computePlan(config([entry('a')], { managedTestSuites: [{ name: 'Suite', experiences: ['a', missing] }] }), s, off);
      assert.match(p.errors[0].message, /nor an unarchived experience of project "demo"/, missing);
      assert.deepEqual(p.testSuites, []);
    }
  });

  it('an archived member listed by the config: an error at the member, the suite not revised', () => {
    const p = computePlan(
      config([entry('a', { archived: true }), entry('b')], { managedTestSuites: [{ name: 'Suite', experiences: ['b', 'a'] }] }),
      state([exp(1, 'a'), exp(2, 'b')]),
      on,
    );
    assert.deepEqual(
      p.errors.map((e) => [e.code, e.path]),
      [['archived-experience-in-suite', ['managedTestSuites', 0, 'experiences', 1]]],
    );
    assert.deepEqual(p.testSuites, []);
  });
});
