/**
 * The config's cross-checks (server/src/config/checks.ts, docs/diagnostics.md) on models built in
 * the test, with a `locate` that puts each config path on its own line: which diagnostics, where,
 * with which related location and data, and the line numbers their messages cite.
 */
import { strict as assert } from 'assert';
import { crossChecks } from '../../server/src/config/checks';
import type { ConfigExperience, ConfigPath, SyncConfig } from '../../server/src/config/model';
import type { ConfigDiagnostic, Range } from '../../server/src/config/types';

/** A locator that gives every distinct path a line of its own (0-based, in the order asked), or none for `missing`. */
function locator(missing: (path: ConfigPath) => boolean = () => false) {
  const lines = new Map<string, number>();
  const rangeOf = (path: ConfigPath): Range | undefined => {
    if (missing(path)) return undefined;
    const key = path.join('.');
    if (!lines.has(key)) lines.set(key, 10 + lines.size * 3);
    const line = lines.get(key)!;
    return { start: { line, character: 2 }, end: { line, character: 9 } };
  };
  return { rangeOf, at: (...path: (string | number)[]) => rangeOf(path)! };
}

const entry = (name: string, extra: Partial<ConfigExperience> = {}): ConfigExperience => ({
  name,
  description: 'd',
  locations: ['s3://x'],
  ...extra,
});
const config = (extra: Partial<SyncConfig>): SyncConfig => ({
  experiences: [],
  managedTestSuites: [],
  managedExperienceTags: [],
  ...extra,
});
const codes = (ds: ConfigDiagnostic[]) => ds.map((d) => d.code);
const ID = '0a1b2c3d-0000-4000-8000-000000000001';

describe('config cross-checks', () => {
  it('a clean config has no diagnostic', () => {
    const c = config({
      experiences: [entry('a', { experienceID: ID, tags: ['t1', 't2'] }), entry('b', { tags: ['t1'] })],
      managedTestSuites: [{ name: 's', experiences: ['a', 'b'] }],
      managedExperienceTags: ['t1', 't2'],
    });
    assert.deepEqual(crossChecks(c, true, locator().rangeOf), []);
  });

  it('a duplicate experience name: an error at the second, related to the first, citing its line', () => {
    const loc = locator();
    const first = loc.at('experiences', 0, 'name');
    const second = loc.at('experiences', 2, 'name');
    const ds = crossChecks(config({ experiences: [entry('a'), entry('b'), entry('a')] }), false, loc.rangeOf);
    assert.equal(ds.length, 1);
    const d = ds[0];
    assert.equal(d.code, 'duplicate-experience-name');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, second);
    assert.deepEqual(d.related, [{ range: first, message: 'First "a" is here.' }]);
    assert.deepEqual(d.data, { name: 'a', firstIndex: 0, index: 2 });
    assert.match(d.message, new RegExp(`first at line ${first.start.line + 1}\\)`));
  });

  it('a third use of a name is reported against the first; empty names are not duplicates', () => {
    const loc = locator();
    const ds = crossChecks(config({ experiences: [entry('a'), entry('a'), entry('a'), entry(''), entry('')] }), false, loc.rangeOf);
    assert.deepEqual(
      ds.map((d) => d.data),
      [
        { name: 'a', firstIndex: 0, index: 1 },
        { name: 'a', firstIndex: 0, index: 2 },
      ],
    );
  });

  it('a duplicate experience ID in any UUID spelling; absent and empty IDs are not duplicates', () => {
    const loc = locator();
    const firstRange = loc.at('experiences', 0, 'experienceID');
    const c = config({
      experiences: [
        entry('a', { experienceID: ID }),
        entry('b', { experienceID: '' }),
        entry('c', { experienceID: '' }),
        entry('d'),
        entry('e'),
        entry('f', { experienceID: `urn:uuid:${ID.toUpperCase()}` }),
      ],
    });
    const ds = crossChecks(c, false, loc.rangeOf);
    assert.deepEqual(codes(ds), ['duplicate-experience-id']);
    const d = ds[0];
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, loc.at('experiences', 5, 'experienceID'));
    assert.deepEqual(d.related, [{ range: firstRange, message: `First use of urn:uuid:${ID.toUpperCase()}.` }]);
    assert.deepEqual(d.data, { experienceID: `urn:uuid:${ID.toUpperCase()}`, firstIndex: 0, index: 5 });
    assert.match(d.message, new RegExp(`first on "a" at line ${firstRange.start.line + 1}\\)`));
  });

  it('a tag listed twice on an experience: one warning at the second use, with the count', () => {
    const loc = locator();
    const first = loc.at('experiences', 0, 'tags', 1);
    const ds = crossChecks(config({ experiences: [entry('a', { tags: ['x', 't', 'y', 't', 't', 'y'] })] }), false, loc.rangeOf);
    assert.deepEqual(codes(ds), ['duplicate-tag', 'duplicate-tag']);
    const [t, y] = ds;
    assert.equal(t.severity, 'warning');
    assert.deepEqual(t.range, loc.at('experiences', 0, 'tags', 3));
    assert.deepEqual(t.related, [{ range: first, message: 'First "t" is here.' }]);
    assert.deepEqual(t.data, { tag: 't', count: 3 });
    assert.match(t.message, /listed 3 times on experience "a" \(first at line /);
    assert.match(t.message, new RegExp(`at line ${first.start.line + 1}\\)`));
    assert.deepEqual(y.data, { tag: 'y', count: 2 });
    assert.deepEqual(y.range, loc.at('experiences', 0, 'tags', 5));
    assert.match(y.message, /listed twice on experience "a"/);
  });

  it('a tag listed twice in managedExperienceTags', () => {
    const loc = locator();
    const ds = crossChecks(config({ managedExperienceTags: ['m', 'm'] }), false, loc.rangeOf);
    assert.deepEqual(codes(ds), ['duplicate-tag']);
    assert.deepEqual(ds[0].range, loc.at('managedExperienceTags', 1));
    assert.deepEqual(ds[0].related?.[0].range, loc.at('managedExperienceTags', 0));
    assert.match(ds[0].message, /in managedExperienceTags/);
  });

  it('a duplicate test suite: an error at the second, related to the first; empty names are not duplicates', () => {
    const loc = locator();
    const first = loc.at('managedTestSuites', 0, 'name');
    const c = config({
      managedTestSuites: [
        { name: 's', experiences: [] },
        { name: '', experiences: [] },
        { name: '', experiences: [] },
        { name: 's', experiences: [] },
      ],
    });
    const ds = crossChecks(c, false, loc.rangeOf);
    assert.deepEqual(codes(ds), ['duplicate-test-suite']);
    assert.equal(ds[0].severity, 'error');
    assert.deepEqual(ds[0].range, loc.at('managedTestSuites', 3, 'name'));
    assert.deepEqual(ds[0].related, [{ range: first, message: 'First "s" is here.' }]);
    assert.deepEqual(ds[0].data, { name: 's', firstIndex: 0, index: 3 });
    assert.match(ds[0].message, new RegExp(`first at line ${first.start.line + 1}\\)`));
  });

  it('a suite member that is not under experiences: a warning at that member', () => {
    const loc = locator();
    const c = config({ experiences: [entry('a')], managedTestSuites: [{ name: 's', experiences: ['a', 'gone'] }] });
    const ds = crossChecks(c, false, loc.rangeOf);
    assert.deepEqual(codes(ds), ['unknown-experience-in-suite']);
    assert.equal(ds[0].severity, 'warning');
    assert.deepEqual(ds[0].range, loc.at('managedTestSuites', 0, 'experiences', 1));
    assert.deepEqual(ds[0].data, { testSuite: 's', experience: 'gone' });
    assert.equal(ds[0].related, undefined);
  });

  it('unmanaged tags: only with a managedExperienceTags key, once per tag at its first use, counting experiences', () => {
    const loc = locator();
    const c = config({
      experiences: [entry('a', { tags: ['m', 'u', 'u'] }), entry('b'), entry('c', { tags: ['v', 'u'] })],
      managedExperienceTags: ['m'],
    });
    assert.deepEqual(codes(crossChecks(c, false, loc.rangeOf)), ['duplicate-tag']);
    const ds = crossChecks(c, true, loc.rangeOf).filter((d) => d.code === 'unmanaged-tag');
    assert.deepEqual(
      ds.map((d) => [d.severity, d.data, d.range]),
      [
        ['information', { tag: 'u', count: 2 }, loc.at('experiences', 0, 'tags', 1)],
        ['information', { tag: 'v', count: 1 }, loc.at('experiences', 2, 'tags', 0)],
      ],
    );
    assert.match(ds[0].message, /\(used by 2 experiences\)/);
    assert.match(ds[1].message, /\(used by 1 experience\)/);
  });

  it('a path the locator cannot place is reported at the start of the file', () => {
    const loc = locator((p) => p[0] === 'experiences');
    const ds = crossChecks(config({ experiences: [entry('a'), entry('a')] }), false, loc.rangeOf);
    const nowhere = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.deepEqual(ds[0].range, nowhere);
    assert.deepEqual(ds[0].related?.[0].range, nowhere);
    assert.match(ds[0].message, /first at line 1\)/);
  });
});
