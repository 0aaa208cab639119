/**
 * Two small rules of issue 21: the glob matcher without backtracking (server/src/util/glob.ts)
 * means what minimatch means for `resim.configFiles`, and a saved plan with a field this version
 * does not know is still applied (docs/plan-format.md, "Compatibility"), while an edited one is not.
 */
import { strict as assert } from 'assert';
import { minimatch } from 'minimatch';
import { compileGlob, MAX_GLOB_LENGTH } from '../../server/src/util/glob';
import { assertSavedPlanMatches } from '../../server/src/sync/service';
import type { PlanJson } from '../../protocol';

describe('compileGlob', () => {
  const cases: Array<[string, string]> = [
    ['**/experiences.yaml', 'a/b/experiences.yaml'],
    ['**/experiences.yaml', 'experiences.yaml'],
    ['src/*.yaml', 'src/x.yaml'],
    ['src/*.yaml', 'src/a/x.yaml'],
    ['*.{yml,yaml}', 'a.yml'],
    ['*.{yml,yaml}', 'a.json'],
    ['[!a]*.yaml', 'b.yaml'],
    ['[!a]*.yaml', 'a.yaml'],
    ['[a-c]?.yaml', 'bz.yaml'],
    ['a?c', 'abc'],
    ['a?c', 'a/c'],
    ['/abs/**/x.y', '/abs/x.y'],
    ['/abs/**/x.y', '/abs/p/q/x.y'],
    ['*a*b', 'xaxxb'],
    ['*a*b', 'xaxxbc'],
    ['.hidden/*', '.hidden/f'],
  ];
  for (const [glob, p] of cases)
    it(`${glob} vs ${p}: as minimatch`, () => assert.equal(compileGlob(glob).match(p), minimatch(p, glob, { dot: true })));

  it('a glob that makes minimatch backtrack is answered at once', () => {
    // minimatch does not finish this one (n^10 steps); the two-pointer match is linear in practice.
    assert.equal(compileGlob('*a*a*a*a*a*a*a*a*a*a*c').match('a'.repeat(4000)), false);
    assert.equal(compileGlob('*a*a*a*a*a*a*a*a*a*a*c').match(`${'a'.repeat(4000)}c`), true);
  });

  it('an over-long glob matches nothing and says why', () => {
    const g = compileGlob('*'.repeat(MAX_GLOB_LENGTH + 1));
    assert.equal(g.match('x'), false);
    assert.match(g.error ?? '', /longer than/);
  });
});

describe('a saved plan with unknown fields', () => {
  const current = { version: 1, actions: [{ action: 'create', name: 'a' }], summary: { create: 1 } } as unknown as PlanJson;
  it('is accepted when the known fields are equal (readers ignore unknown fields)', () => {
    const saved = {
      version: 1,
      newTopLevel: true,
      actions: [{ action: 'create', name: 'a', note: 'x' }],
      summary: { create: 1, extra: 2 },
    };
    assert.doesNotThrow(() => assertSavedPlanMatches(saved, current));
  });
  it('is refused as plan-mismatch when a known field was edited or dropped', () => {
    for (const saved of [
      { version: 1, actions: [{ action: 'archive', name: 'a' }], summary: { create: 1 } },
      { version: 1, actions: [], summary: { create: 1 } },
      { version: 1, actions: [{ action: 'create', name: 'a' }] },
    ])
      assert.throws(
        () => assertSavedPlanMatches(saved, current),
        (e: { code?: string }) => e.code === 'plan-mismatch',
      );
  });
});
