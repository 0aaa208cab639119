/**
 * The language server's first analysis of a large text takes the fast path on its parsing thread
 * (`loadFastSnapshot` → `fromFastSnapshot`), and the editor's incremental path continues from it
 * (`loadConfig(edited, { previous })` reuses the pieces the fast path read). Both must give what
 * the full loader gives: diagnostics, config, ranges and paths, for block and flow style.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { fromFastSnapshot, loadConfig, loadFastSnapshot, loadStats, type LoadedConfig } from '../../server/src/config';
import { lineStarts } from '../../server/src/config/text';

function experience(i: number): string {
  return (
    `  - name: exp-${i}\n    description: "Experience ${i}"\n    locations:\n      - s3://b/${i}\n` +
    `    cacheExempt: ${i % 2 ? 'false' : 'true'}\n` +
    (i % 3 === 0 ? `    tags: [t${i % 4}, t${(i + 1) % 4}]\n    environmentVariables:\n      - name: SEED\n        value: "${i}"\n` : '') +
    (i % 4 === 0 ? `    containerTimeoutSeconds: 600\n    profile: p${i}\n` : '')
  );
}

const block = (n: number) =>
  `# resim-project: demo\nexperiences:\n${Array.from({ length: n }, (_, i) => experience(i)).join('')}managedTestSuites:\n  - name: S\n    experiences: [exp-0, exp-1]\nmanagedExperienceTags: [t0, t1]\n`;

const flow = (n: number) =>
  `{experiences: [${Array.from({ length: n }, (_, i) => `{name: exp-${i}, description: "Experience ${i}", locations: [s3://b/${i}], cacheExempt: ${i % 2 ? 'false' : 'true'}${i % 3 ? '' : `, tags: [t${i % 4}]`}}`).join(', ')}], managedExperienceTags: [t0, t1, t2, t3]}`;

function same(a: LoadedConfig, b: LoadedConfig, label: string): void {
  assert.deepEqual(a.config, b.config, `${label}: config`);
  assert.deepEqual(a.diagnostics, b.diagnostics, `${label}: diagnostics`);
  assert.equal(a.ok, b.ok, `${label}: ok`);
  assert.equal(a.projectComment, b.projectComment, `${label}: projectComment`);
  const n = b.config.experiences.length;
  for (const i of [0, 1, Math.floor(n / 2), n - 1]) {
    for (const p of [
      ['experiences', i],
      ['experiences', i, 'name'],
      ['experiences', i, 'tags', 0],
      ['experiences', i, 'cacheExempt'],
    ]) {
      assert.deepEqual(a.rangeOf(p), b.rangeOf(p), `${label}: rangeOf ${JSON.stringify(p)}`);
      assert.deepEqual(a.rangeOf(p, 'key'), b.rangeOf(p, 'key'), `${label}: rangeOf key ${JSON.stringify(p)}`);
    }
  }
  for (const p of [['experiences'], ['managedTestSuites', 0, 'experiences', 1], ['managedExperienceTags']]) {
    assert.deepEqual(a.rangeOf(p), b.rangeOf(p), `${label}: rangeOf ${JSON.stringify(p)}`);
  }
  const starts = lineStarts(b.text);
  for (let line = 0; line < starts.length; line++) {
    for (const character of [0, 2, 4, 7, 12, 30]) {
      assert.deepEqual(a.pathAt({ line, character }), b.pathAt({ line, character }), `${label}: pathAt ${line}:${character}`);
    }
  }
}

/** The first analysis as the language server makes it: on another thread, then on this one. */
const firstAnalysis = (text: string) => {
  const snap = loadFastSnapshot(text);
  return snap && fromFastSnapshot(text, structuredClone(snap));
};

describe('first analysis: the fast path with ranges, then the incremental path', () => {
  it('a clean block config with booleans takes the fast path and gives what the full loader gives', () => {
    const text = block(40);
    const first = firstAnalysis(text);
    assert.ok(first, 'the fast path takes a clean config with booleans');
    assert.equal(loadStats(first)?.mode, 'fast');
    same(first, loadConfig(text), 'block');
  });

  it("cross-entry diagnostics (duplicate names, unknown suite members) get the full loader's ranges", () => {
    const text = block(30).replace('name: exp-7\n', 'name: exp-3\n').replace('[exp-0, exp-1]', '[exp-0, exp-1, nope]');
    const first = firstAnalysis(text)!;
    assert.ok(first.diagnostics.length >= 2);
    same(first, loadConfig(text), 'duplicates');
  });

  it('edits after the first analysis parse only the changed pieces and give what the full loader gives', () => {
    const text = block(60);
    let prev = firstAnalysis(text)!;
    const edits = [
      text.replace('cacheExempt: false\n', 'cacheExempt: maybe\n'),
      text.replace('description: "Experience 20"', 'description: ""'),
      text.replace('name: exp-33\n', 'name: exp-5\n'),
      text.replace('  - name: exp-10\n', '  - name: exp-10\n    locatoins: [x]\n'),
      text.replace('    description: "Experience 40"\n', '    description: "Experience 40"\n    description: again\n'),
      text.replace('description: "Experience 12"', 'description: "Experience 12'),
      text,
    ];
    for (const [k, edited] of edits.entries()) {
      const next = loadConfig(edited, { previous: prev });
      same(next, loadConfig(edited, { mode: 'whole' }), `edit ${k}`);
      const stats = loadStats(next)!;
      if (stats.mode === 'pieces' && loadStats(prev)!.mode !== 'whole')
        assert.ok(stats.reused >= stats.pieces - 2, `edit ${k}: ${JSON.stringify(stats)}`);
      prev = next;
    }
  });

  it('a config in flow style on one line takes the fast path (no pieces) when no diagnostic needs a range', () => {
    const text = flow(300);
    assert.equal(lineStarts(text).length, 1);
    const first = firstAnalysis(text);
    assert.ok(first, 'fast path');
    assert.equal(loadStats(first)?.mode, 'fast');
    assert.equal(loadStats(loadConfig(text, { fast: true }))?.mode, 'fast');
    same(first, loadConfig(text), 'flow');
    // A duplicate name needs a range: the full loader reads it (and gives the same result).
    const dup = text.replace('name: exp-9,', 'name: exp-2,');
    assert.equal(loadFastSnapshot(dup), undefined);
    assert.notEqual(loadStats(loadConfig(dup, { fast: true }))?.mode, 'fast');
    assert.deepEqual(loadConfig(dup, { fast: true }).diagnostics, loadConfig(dup).diagnostics);
    assert.ok(loadConfig(dup).diagnostics.some((d) => d.code === 'duplicate-experience-name'));
  });

  it('edits anywhere (insert, delete, move, duplicate items; merge and split lines) give what the full loader gives, reusing unchanged pieces (fast-check)', () => {
    const items = Array.from({ length: 24 }, (_, i) => experience(i));
    const head = 'experiences:\n';
    const tail = 'managedTestSuites:\n  - name: S\n    experiences: [exp-0, exp-1]\n';
    const op = fc.oneof(
      fc.record({ k: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ k: fc.constant('insert' as const), at: fc.nat(), n: fc.integer({ min: 100, max: 120 }) }),
      fc.record({ k: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ k: fc.constant('duplicate' as const), at: fc.nat() }),
      // A new item's first line inside an item: the item ends there, the rest of it is the new one's.
      fc.record({ k: fc.constant('split' as const), at: fc.nat(), n: fc.integer({ min: 200, max: 220 }) }),
      // An item's `- ` removed: it joins the item above (a YAML error there).
      fc.record({ k: fc.constant('merge' as const), at: fc.nat() }),
      fc.record({
        k: fc.constant('edit' as const),
        at: fc.nat(),
        text: fc.constantFrom(
          'cacheExempt: maybe',
          'description: ""',
          'name: exp-3',
          'locatoins: [x]',
          '- name: split',
          'description: "open',
        ),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        const list = [...items];
        let prev = firstAnalysis(head + list.join('') + tail) ?? loadConfig(head + list.join('') + tail);
        for (const o of ops) {
          const i = list.length ? o.at % list.length : 0;
          if (o.k === 'delete' && list.length > 1) list.splice(i, 1);
          else if (o.k === 'insert') list.splice(i, 0, experience(o.n));
          else if (o.k === 'move' && list.length > 1) list.splice(o.to % list.length, 0, ...list.splice(i, 1));
          else if (o.k === 'duplicate' && list.length) list.splice(i, 0, list[i]);
          else if (o.k === 'split' && list.length) list[i] = list[i].replace('\n', `\n  - name: split-${o.n}\n`);
          else if (o.k === 'merge' && list.length) list[i] = list[i].replace('  - name:', '    name:');
          else if (o.k === 'edit' && list.length) list[i] = list[i].replace(/(description|cacheExempt): [^\n]*/, `    ${o.text}`.trim());
          const text = head + list.join('') + tail;
          const next = loadConfig(text, { previous: prev });
          const whole = loadConfig(text, { mode: 'whole' });
          assert.deepEqual(next.config, whole.config);
          assert.deepEqual(next.diagnostics, whole.diagnostics);
          for (const k of [0, Math.floor(list.length / 2), list.length - 1]) {
            assert.deepEqual(next.rangeOf(['experiences', k, 'name']), whole.rangeOf(['experiences', k, 'name']));
          }
          const stats = loadStats(next)!;
          if (stats.mode === 'pieces' && loadStats(prev)!.mode !== 'whole' && o.k !== 'edit' && o.k !== 'split' && o.k !== 'merge')
            assert.ok(stats.reused >= stats.pieces - 2, `${o.k}: ${JSON.stringify(stats)}`);
          prev = next;
        }
      }),
      { numRuns: 60, seed: 15 },
    );
  });
});
