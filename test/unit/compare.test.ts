/**
 * Compare with Project reads line by line (issue 22): the project side (`projectTextLike`) follows
 * the config's order of entries and of keys, its spelling, flow lists and indentation, so the diff
 * of an unchanged config has no changed line, and a drifted value is exactly its own line.
 */
import { strict as assert } from 'assert';
import { diffLines } from 'diff';
import { projectTextLike } from '../../server/src/sync/compare';
import { analysisOf, demoState } from './lsp/fixture';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A config that matches demoState() exactly, laid out unlike a clone (order, spelling, flow, indent). */
const UNCHANGED = `# resim-project: demo
experiences:
  - name: gamma
    experienceID: ${ID(3)}
    description: about gamma
    locations: [s3://bucket/gamma]
  - name: alpha
    experience_id: ${ID(1)}
    tags: [regression]
    systems:
      - drone
    description: about alpha
    locations:
      - s3://bucket/alpha
managedExperienceTags: [regression, nightly]
managedTestSuites:
  - experiences: [alpha]
    name: smoke
`;

function projectSide(config: string): string {
  const a = analysisOf(config);
  assert.ok(a.plan, 'the fixture plans');
  const matched = new Map<number, string>();
  for (const [i, p] of a.byIndex) if (p.experienceID) matched.set(i, p.experienceID);
  return projectTextLike(demoState(), config, matched);
}

const changedLines = (a: string, b: string) =>
  diffLines(a, b)
    .filter((p) => p.added || p.removed)
    .map((p) => `${p.added ? '+' : '-'}${p.value}`);

describe('Compare with Project: the project side reads line by line', () => {
  it('an unchanged config has no changed line', () => {
    const a = analysisOf(UNCHANGED);
    assert.ok(a.plan && a.plan.experiences.every((e) => e.action === 'unchanged'), 'the config is unchanged');
    assert.deepEqual(changedLines(UNCHANGED, projectSide(UNCHANGED)), []);
  });

  it('a drifted value is its own line; fields the config omits come after its keys', () => {
    const drift = UNCHANGED.replace('description: about alpha', 'description: edited here');
    assert.deepEqual(changedLines(drift, projectSide(drift)), ['-    description: edited here\n', '+    description: about alpha\n']);
    const noId = UNCHANGED.replace(`    experienceID: ${ID(3)}\n`, '');
    const side = projectSide(noId);
    assert.deepEqual(changedLines(noId, side), [`+    experienceID: ${ID(3)}\n`]);
    assert.ok(side.indexOf(`experienceID: ${ID(3)}`) > side.indexOf('locations: [s3://bucket/gamma]'), 'after the config’s keys');
  });

  it('follows the config’s indentation', () => {
    // Indent 4, as yaml writes it: a list 4 under its key, an item's keys after its "- ".
    const four = UNCHANGED.replace(/^( +)/gm, (m) => ' '.repeat(({ 2: 4, 4: 6, 6: 10 } as Record<number, number>)[m.length]));
    assert.deepEqual(changedLines(four, projectSide(four)), []);
  });
});
