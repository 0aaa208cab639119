import { strict as assert } from 'assert';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { Experience } from '../../server/src/resim/model';
import type { ProjectState } from '../../server/src/sync/model';
import { computePlan, massArchiveThreshold, planHasChanges } from '../../server/src/sync/plan';
import { cloneConfig, stateToConfig } from '../../server/src/sync/clone';
import { fingerprintState } from '../../server/src/sync/fingerprint';
import { planToJson, renderPlanText } from '../../server/src/sync/render';
import { summaryLine } from '../../protocol';
import { parse } from 'yaml';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function exp(n: number, name: string, extra: Partial<Experience> = {}): Experience {
  return { experienceID: id(n), name, description: `${name} description`, locations: [`s3://bucket/${name}`], archived: false, ...extra };
}

function state(experiences: Experience[], extra: Partial<ProjectState> = {}): ProjectState {
  return {
    project: { id: id(999), name: 'demo' },
    experiences,
    tags: [
      { id: id(501), name: 'regression', experienceIDs: [] },
      { id: id(502), name: 'progression', experienceIDs: [] },
      { id: id(503), name: 'nightly', experienceIDs: [] },
    ],
    systems: [
      { id: id(601), name: 'hil', experienceIDs: [] },
      { id: id(602), name: 'sil', experienceIDs: [] },
    ],
    testSuites: [{ testSuiteID: id(701), name: 'Basic Suite', experiences: [] }],
    fetchedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const entry = (name: string, extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name,
  description: `${name} description`,
  locations: [`s3://bucket/${name}`],
  ...extra,
});

const config = (experiences: ConfigExperience[], extra: Partial<SyncConfig> = {}): SyncConfig => ({
  experiences,
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});

const on = { archiveUnlisted: true };
const actionOf = (plan: ReturnType<typeof computePlan>, name: string) => plan.experiences.find((e) => e.name === name)?.action;

describe('plan: matching', () => {
  it('updates by name, sending only the changed fields', () => {
    const s = state([exp(1, 'a')]);
    const plan = computePlan(config([entry('a', { description: 'new text', profile: 'full_stack' })]), s, on);
    assert.deepEqual(plan.errors, []);
    assert.equal(actionOf(plan, 'a'), 'update');
    const e = plan.experiences[0];
    assert.equal(e.matchedBy, 'name');
    assert.deepEqual(plan.updateInputs[id(1)].updateMask, ['description', 'profile']);
    assert.deepEqual(plan.updateInputs[id(1)].experience, { description: 'new text', profile: 'full_stack' });
    assert.deepEqual(
      e.changes.map((c) => [c.field, c.before, c.after]),
      [
        ['description', 'a description', 'new text'],
        ['profile', null, 'full_stack'],
      ],
    );
  });

  it('an entry equal to the live experience is unchanged and makes no call', () => {
    const s = state([exp(1, 'a', { profile: 'p', environmentVariables: [{ name: 'X', value: '1' }] })]);
    const plan = computePlan(config([entry('a', { profile: 'p', environmentVariables: [{ name: 'X', value: '1' }] })]), s, on);
    assert.equal(actionOf(plan, 'a'), 'unchanged');
    assert.deepEqual(plan.updateInputs, {});
    assert.equal(planHasChanges(plan), false);
    assert.equal(summaryLine(plan.summary), 'No changes. The project matches the config.');
  });

  it('leaves omitted optional fields alone and clears with an explicit empty list', () => {
    const live = exp(1, 'a', {
      profile: 'p',
      environmentVariables: [{ name: 'X', value: '1' }],
      cacheExempt: true,
      containerTimeoutSeconds: 60,
    });
    const omitted = computePlan(config([entry('a')]), state([live]), on);
    assert.equal(actionOf(omitted, 'a'), 'unchanged');
    const cleared = computePlan(config([entry('a', { environmentVariables: [] })]), state([live]), on);
    assert.deepEqual(cleared.updateInputs[id(1)], { experience: { environmentVariables: [] }, updateMask: ['environmentVariables'] });
  });

  it('renames by experienceID', () => {
    const plan = computePlan(
      config([entry('b', { experienceID: id(1), description: 'a description', locations: ['s3://bucket/a'] })]),
      state([exp(1, 'a')]),
      on,
    );
    assert.deepEqual(plan.errors, []);
    const e = plan.experiences[0];
    assert.equal(e.action, 'update');
    assert.equal(e.matchedBy, 'id');
    assert.equal(e.previousName, 'a');
    assert.deepEqual(plan.updateInputs[id(1)], { experience: { name: 'b' }, updateMask: ['name'] });
    assert.equal(plan.summary.archive, 0);
  });

  it('restores an archived match', () => {
    const plan = computePlan(config([entry('a')]), state([exp(1, 'a', { archived: true })]), on);
    assert.equal(actionOf(plan, 'a'), 'restore');
    assert.equal(plan.summary.restore, 1);
    assert.ok(plan.notices.some((n) => n.code === 'will-restore' && n.path[1] === 0));
  });

  it('archives unlisted experiences, or keeps them with archiving off', () => {
    const s = state([exp(1, 'a'), exp(2, 'b'), exp(3, 'c', { archived: true })]);
    const plan = computePlan(config([entry('a')]), s, on);
    assert.equal(actionOf(plan, 'b'), 'archive');
    assert.equal(plan.summary.archive, 1, 'an archived unlisted experience is not archived again');
    const notice = plan.notices.find((n) => n.code === 'will-archive');
    assert.ok(notice && /archive 1 experience/.test(notice.message));
    assert.deepEqual(notice.path, ['experiences']);
    const keep = computePlan(config([entry('a')]), s, { archiveUnlisted: false });
    assert.equal(keep.summary.archive, 0);
    assert.equal(actionOf(keep, 'b'), undefined);
    assert.ok(keep.warnings.some((w) => /1 experience not in the config kept/.test(w)));
  });

  it('creates new experiences carrying tag and system IDs', () => {
    const plan = computePlan(config([entry('n', { tags: ['regression'], systems: ['hil'], profile: 'p' })]), state([]), on);
    assert.equal(actionOf(plan, 'n'), 'create');
    assert.deepEqual(plan.createInputs.n, {
      name: 'n',
      description: 'n description',
      locations: ['s3://bucket/n'],
      profile: 'p',
      experienceTagIDs: [id(501)],
      systemIDs: [id(601)],
    });
    assert.equal(plan.summary.tagAdditions, 0, 'creates carry their tags: no separate tag call');
    assert.equal(plan.summary.systemAdditions, 0);
  });

  it('errors on an unknown experienceID, naming the entry path', () => {
    const plan = computePlan(config([entry('x', { experienceID: id(77) })]), state([exp(1, 'a')]), on);
    assert.equal(plan.errors.length, 1);
    assert.equal(plan.errors[0].code, 'unknown-experience-id');
    assert.deepEqual(plan.errors[0].path, ['experiences', 0, 'experienceID']);
    assert.match(plan.errors[0].message, /No experience with ID/);
  });

  it('errors on a rename onto a name another experience holds (archived ones included)', () => {
    const s = state([exp(1, 'a'), exp(2, 'b', { archived: true })]);
    const plan = computePlan(config([entry('b', { experienceID: id(1) })]), s, on);
    assert.equal(plan.errors[0].code, 'name-taken');
    assert.deepEqual(plan.errors[0].path, ['experiences', 0, 'name']);
    assert.match(plan.errors[0].message, /belongs to another experience/);
  });

  it('errors on an ambiguous rename: two entries for one live experience', () => {
    const s = state([exp(1, 'a')]);
    const plan = computePlan(config([entry('b', { experienceID: id(1) }), entry('a')]), s, on);
    assert.equal(plan.errors.length, 1);
    assert.equal(plan.errors[0].code, 'ambiguous-match');
    assert.deepEqual(plan.errors[0].path, ['experiences', 1, 'name']);
    const byId = computePlan(config([entry('a'), entry('c', { experienceID: id(1) })]), s, on);
    assert.equal(byId.errors[0].code, 'ambiguous-match');
    assert.deepEqual(byId.errors[0].path, ['experiences', 1, 'experienceID']);
  });

  it('stays robust to duplicate names (the loader reports them) and matches the first', () => {
    const plan = computePlan(config([entry('a'), entry('a', { description: 'other' })]), state([exp(1, 'a')]), on);
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.experiences.filter((e) => e.name === 'a').length, 1);
  });
});

describe('plan: tags, systems, suites', () => {
  it('adds listed tags, removes managed tags, never unmanaged ones', () => {
    const s = state([exp(1, 'a'), exp(2, 'b')]);
    s.tags[1].experienceIDs = [id(1), id(2)]; // progression (managed) on both
    s.tags[2].experienceIDs = [id(1)]; // nightly (unmanaged)
    const cfg = config([entry('a', { tags: ['regression'] }), entry('b', { tags: ['progression'] })], {
      managedExperienceTags: ['regression', 'progression'],
    });
    const plan = computePlan(cfg, s, on);
    assert.deepEqual(plan.errors, []);
    const reg = plan.tags.find((t) => t.name === 'regression')!;
    const prog = plan.tags.find((t) => t.name === 'progression')!;
    assert.deepEqual(reg.add, ['a']);
    assert.deepEqual(prog.remove, ['a']);
    assert.deepEqual(prog.add, []);
    assert.equal(
      plan.tags.find((t) => t.name === 'nightly'),
      undefined,
      'unmanaged tag untouched',
    );
    const a = plan.experiences.find((e) => e.name === 'a')!;
    assert.equal(a.action, 'update');
    assert.deepEqual(
      a.changes.find((c) => c.field === 'tags'),
      { field: 'tags', before: ['nightly', 'progression'], after: ['nightly', 'regression'] },
    );
    assert.equal(actionOf(plan, 'b'), 'unchanged');
  });

  it('errors on unknown tags, managed tags and systems with did-you-mean', () => {
    const cfg = config([entry('a', { tags: ['regresion'], systems: ['hill'] })], { managedExperienceTags: ['nighty'] });
    const plan = computePlan(cfg, state([exp(1, 'a')]), on);
    const codes = plan.errors.map((e) => e.code).sort();
    assert.deepEqual(codes, ['unknown-managed-tag', 'unknown-system', 'unknown-tag']);
    const tagErr = plan.errors.find((e) => e.code === 'unknown-tag')!;
    assert.deepEqual(tagErr.path, ['experiences', 0, 'tags', 0]);
    assert.match(tagErr.message, /Did you mean "regression"\?/);
    assert.match(plan.errors.find((e) => e.code === 'unknown-system')!.message, /Did you mean "hil"\?/);
  });

  it('adds systems, never removes them', () => {
    const s = state([exp(1, 'a')]);
    s.systems[1].experienceIDs = [id(1)]; // sil
    const plan = computePlan(config([entry('a', { systems: ['hil'] })]), s, on);
    assert.deepEqual(
      plan.systems.map((x) => [x.name, x.add]),
      [['hil', ['a']]],
    );
    assert.deepEqual(plan.experiences[0].changes.find((c) => c.field === 'systems')?.after, ['hil', 'sil']);
  });

  it('revises a managed suite only when membership differs', () => {
    const s = state([exp(1, 'a'), exp(2, 'b')]);
    s.testSuites[0].experiences = [id(2), id(1)];
    const same = computePlan(
      config([entry('a'), entry('b')], { managedTestSuites: [{ name: 'Basic Suite', experiences: ['a', 'b'] }] }),
      s,
      on,
    );
    assert.equal(same.testSuites[0].changed, false);
    assert.deepEqual(same.suiteMembers, {});
    assert.equal(same.summary.testSuiteRevisions, 0);
    const changed = computePlan(
      config([entry('a'), entry('b'), entry('n')], { managedTestSuites: [{ name: 'Basic Suite', experiences: ['a', 'n'] }] }),
      s,
      on,
    );
    assert.equal(changed.testSuites[0].changed, true);
    assert.deepEqual(changed.testSuites[0].after, ['a', 'n']);
    assert.deepEqual(changed.suiteMembers[id(701)], [id(1), 'new:n']);
  });

  it('a suite listing an old name does not plan (the old name is not in the config)', () => {
    const s = state([exp(1, 'a')]);
    const plan = computePlan(
      config([entry('b', { experienceID: id(1) })], { managedTestSuites: [{ name: 'Basic Suite', experiences: ['a'] }] }),
      s,
      on,
    );
    assert.deepEqual(plan.suiteMembers, {});
    assert.equal(plan.testSuites.length, 0);
  });

  it('errors on an unknown test suite and on an archived member', () => {
    const plan = computePlan(
      config([entry('a', { archived: true })], {
        managedTestSuites: [
          { name: 'Basic Suit', experiences: [] },
          { name: 'Basic Suite', experiences: ['a'] },
        ],
      }),
      state([exp(1, 'a')]),
      on,
    );
    const suiteErr = plan.errors.find((e) => e.code === 'unknown-test-suite')!;
    assert.deepEqual(suiteErr.path, ['managedTestSuites', 0, 'name']);
    assert.match(suiteErr.message, /Did you mean "Basic Suite"/);
    assert.ok(plan.errors.some((e) => e.code === 'archived-experience-in-suite'));
  });
});

describe('plan: guards and fingerprints', () => {
  it('trips the mass-archive guard at max(10, 25%)', () => {
    assert.equal(massArchiveThreshold(8), 10);
    assert.equal(massArchiveThreshold(100), 25);
    assert.equal(massArchiveThreshold(101), 26);
    const many = Array.from({ length: 40 }, (_, i) => exp(i + 1, `e${i}`));
    const nine = computePlan(config(many.slice(0, 31).map((e) => entry(e.name))), state(many), on);
    assert.equal(nine.summary.archive, 9);
    assert.equal(nine.massArchive.tripped, false);
    const ten = computePlan(config(many.slice(0, 30).map((e) => entry(e.name))), state(many), on);
    assert.equal(ten.massArchive.tripped, true);
    assert.match(renderPlanText(ten), /Apply refuses it unless --allow-mass-archive/);
  });

  it('the state fingerprint ignores order and fetch time, and sees any change', () => {
    const a = state([exp(1, 'a'), exp(2, 'b')]);
    const b = state([exp(2, 'b'), exp(1, 'a')], { fetchedAt: 'later' });
    assert.equal(fingerprintState(a), fingerprintState(b));
    const c = state([exp(1, 'a'), exp(2, 'b', { description: 'edited by someone else' })]);
    assert.notEqual(fingerprintState(a), fingerprintState(c));
  });

  it('JSON has the shape of docs/plan-format.md', () => {
    const plan = computePlan(config([entry('n')]), state([exp(1, 'old')]), on);
    const json = planToJson(plan) as unknown as Record<string, unknown>;
    for (const key of ['project', 'stateFingerprint', 'summary', 'experiences', 'tags', 'systems', 'testSuites', 'warnings'])
      assert.ok(key in json, key);
    const exps = json.experiences as Record<string, unknown>[];
    assert.deepEqual(Object.keys(exps[0]).sort(), ['action', 'changes', 'experienceID', 'matchedBy', 'name']);
  });
});

describe('clone', () => {
  it('clone then plan says no changes', () => {
    const s = state([
      exp(1, 'zeta', {
        profile: 'p',
        environmentVariables: [{ name: 'N', value: '120' }],
        cacheExempt: true,
        containerTimeoutSeconds: 30,
        customFields: [{ name: 'owner', type: 'text', values: ['me'] }],
      }),
      exp(2, 'alpha'),
      exp(3, 'gone', { archived: true }),
    ]);
    s.tags[0].experienceIDs = [id(1), id(2)];
    s.tags[2].experienceIDs = [id(3)];
    s.systems[0].experienceIDs = [id(2)];
    s.testSuites[0].experiences = [id(1)];
    const text = cloneConfig(s);
    assert.match(text, /^# resim-project: demo\n/);
    const parsed = parse(text) as SyncConfig;
    assert.deepEqual(
      parsed.experiences.map((e) => e.name),
      ['alpha', 'zeta'],
      'sorted by name, archived left out',
    );
    assert.deepEqual(parsed.managedExperienceTags, ['nightly', 'progression', 'regression']);
    const plan = computePlan(parsed, s, on);
    assert.deepEqual(plan.errors, []);
    assert.equal(planHasChanges(plan), false, renderPlanText(plan));
  });

  it('leaves out a suite that holds an archived experience, saying why', () => {
    const s = state([exp(1, 'a'), exp(2, 'b', { archived: true })]);
    s.testSuites[0].experiences = [id(1), id(2)];
    assert.deepEqual(stateToConfig(s).skippedSuites, ['Basic Suite']);
    assert.match(cloneConfig(s), /# Test suite "Basic Suite" is not managed here/);
  });
});
