/**
 * The piecewise loader (one YAML parse per top-level key and per experience, reused across
 * edits) must give exactly what one whole-document parse gives.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig, loadStats, type LoadedConfig } from '../../server/src/config';

function experience(i: number, indent = '  '): string {
  const p = indent + '  ';
  return (
    `${indent}- name: exp-${i}\n${p}description: "Experience ${i}"\n${p}locations:\n${p}  - s3://b/${i}\n` +
    (i % 2 ? `${p}tags: [regression${i % 4 === 1 ? ', nightly' : ''}]\n` : `${p}tags:\n${p}  - regression\n`) +
    (i % 3 === 0 ? `${p}environmentVariables:\n${p}  - name: SEED\n${p}    value: "${i}"\n` : '') +
    (i % 5 === 0 ? `${p}# a comment inside\n\n` : '')
  );
}

function file(n: number, indent = '  '): string {
  let out = '# resim-project: demo\n';
  out += 'experiences:\n';
  for (let i = 0; i < n; i++) out += experience(i, indent);
  out += `managedTestSuites:\n${indent}- name: S\n${indent}  experiences: [exp-0, exp-1]\n`;
  out += 'managedExperienceTags:\n  - regression\n';
  return out;
}

const base = file(12);
const variants: [string, string][] = [
  ['plain', base],
  ['sequence at column 0', file(6, '')],
  ['comments at odd indentation', base.replace('  - name: exp-3\n', '# col 0 comment\n      # deep comment\n  - name: exp-3\n')],
  [
    'unknown key and snake case',
    base
      .replace('    locations:\n      - s3://b/2', '    locatoins:\n      - s3://b/2')
      .replace('environmentVariables', 'environment_variables'),
  ],
  ['schema errors', base.replace('description: "Experience 4"', 'description: ""').replace('- s3://b/7', '- {a: 1}')],
  ['duplicates', base.replace('name: exp-5', 'name: exp-2').replace('[exp-0, exp-1]', '[exp-0, exp-1, exp-1, nope]')],
  [
    'duplicate key in an item',
    base.replace('    description: "Experience 6"\n', '    description: "Experience 6"\n    description: again\n'),
  ],
  ['bad indentation in an item', base.replace('    description: "Experience 8"\n', '     description: "Experience 8"\n')],
  ['unterminated quote', base.replace('description: "Experience 3"', 'description: "Experience 3')],
  ['unclosed flow', base.replace('tags: [regression, nightly]', 'tags: [regression, nightly')],
  ['anchors and aliases', base.replace('  - name: exp-1\n', '  - name: &n exp-1\n').replace('[exp-0, exp-1]', '[exp-0, *n]')],
  ['flow top level', '{experiences: [{name: a, description: b, locations: [c]}]}\n'],
  ['experiences inline', 'experiences: []\nmanagedExperienceTags: [a]\n'],
  ['empty experiences', 'experiences:\nmanagedTestSuites:\n'],
  ['experiences not a list', 'experiences:\n  name: a\n'],
  ['duplicate top-level key', base + 'experiences: []\n'],
  ['snake and camel top keys', base + 'managed_experience_tags: [x]\n'],
  ['scalar item', base.replace('  - name: exp-9\n', '  - just a string\n  - name: exp-9\n')],
  ['empty item', base.replace('  - name: exp-9\n', '  -\n  - name: exp-9\n')],
  ['tabs', base.replace('    description: "Experience 2"', '\t  description: "Experience 2"')],
  ['multi-line scalars', base.replace('description: "Experience 1"', 'description: >\n      folded\n      - not an item\n')],
  ['block scalar with dash lines', base.replace('description: "Experience 4"', 'description: |\n      - line\n  \n      more')],
  ['CRLF', base.replace(/\n/g, '\r\n')],
  ['no final newline', base.trimEnd()],
  ['seed example', fs.readFileSync(path.resolve(__dirname, '../fixtures/seed-example.yaml'), 'utf8')],
  ['unknown top-level key', base + 'extra: 1\n'],
  ['document marker', '---\n' + base],
];

function snapshot(l: LoadedConfig) {
  return { config: l.config, diagnostics: l.diagnostics, ok: l.ok, projectComment: l.projectComment };
}

describe('config loader: pieces and whole document agree', () => {
  for (const [name, text] of variants) {
    it(name, () => {
      const auto = loadConfig(text);
      const whole = loadConfig(text, { mode: 'whole' });
      assert.deepEqual(snapshot(auto), snapshot(whole));
      const lines = text.split('\n').length;
      for (let line = 0; line < lines; line += 3) {
        for (const character of [0, 4, 9])
          assert.deepEqual(auto.pathAt({ line, character }), whole.pathAt({ line, character }), `pathAt ${line}:${character}`);
      }
      for (let i = 0; i < 14; i++) {
        for (const p of [
          ['experiences', i],
          ['experiences', i, 'name'],
          ['experiences', i, 'tags', 0],
          ['experiences', i, 'environmentVariables', 0, 'value'],
        ]) {
          assert.deepEqual(auto.rangeOf(p), whole.rangeOf(p), JSON.stringify(p));
          assert.deepEqual(auto.rangeOf(p, 'key'), whole.rangeOf(p, 'key'), JSON.stringify(p));
        }
      }
    });
  }

  it('the plain file is actually loaded piecewise', () => {
    assert.deepEqual(loadStats(loadConfig(base)), { mode: 'pieces', pieces: 16, reused: 0 });
    assert.equal(loadStats(loadConfig('---\n' + base))?.mode, 'whole');
  });

  it('reuses unchanged pieces after an edit, and the result equals a fresh load', () => {
    const first = loadConfig(base);
    const edits = [
      base.replace('description: "Experience 5"', 'description: "Experience five"'),
      base.replace('  - name: exp-2\n', '  - name: exp-2\n    archived: true\n'),
      base.replace('name: exp-7', 'name: exp-3'),
      base.replace('name: exp-7', 'nmae: exp-7'),
      base.replace('description: "Experience 3"', 'description: "Experience 3'),
    ];
    let prev = first;
    for (const text of edits) {
      const next = loadConfig(text, { previous: prev });
      assert.deepEqual(snapshot(next), snapshot(loadConfig(text, { mode: 'whole' })));
      const stats = loadStats(next)!;
      if (stats.mode === 'pieces') assert.ok(stats.reused >= stats.pieces - 2, JSON.stringify(stats));
      prev = next;
    }
  });
});

describe('config loader: the fast path (fast.ts) agrees with the full loader', () => {
  const clean = base.replace(/, nightly/g, '');
  for (const [name, text] of [['clean file', clean] as [string, string], ...variants]) {
    it(name, () => {
      const fast = loadConfig(text, { fast: true });
      const full = loadConfig(text);
      assert.deepEqual(snapshot(fast), snapshot(full));
      for (let i = 0; i < 14; i += 3) {
        const p = ['experiences', i, 'name'];
        assert.deepEqual(fast.rangeOf(p), full.rangeOf(p), JSON.stringify(p));
      }
      assert.deepEqual(fast.pathAt({ line: 5, character: 6 }), full.pathAt({ line: 5, character: 6 }));
    });
  }

  it('takes the fast path only for a file without YAML, key or schema problems', () => {
    const clean = base.replace(/, nightly/g, '');
    assert.equal(loadConfig(clean).diagnostics.length, 0);
    assert.equal(loadStats(loadConfig(clean, { fast: true }))?.mode, 'fast', 'clean: fast path');
    assert.equal(loadStats(loadConfig(base, { fast: true }))?.mode, 'fast', 'cross-entry checks only: fast path');
    assert.notEqual(
      loadStats(loadConfig(base.replace('tags: [regression]', 'tgas: [regression]'), { fast: true }))?.mode,
      'fast',
      'an unknown key: full loader',
    );
    assert.notEqual(
      loadStats(loadConfig(base.replace('description: "Experience 4"', 'description: 4'), { fast: true }))?.mode,
      'fast',
      'a schema error: full loader',
    );
    const typo = clean.replace('description: "Experience 4"', 'description: 2024-01-01');
    assert.equal(loadConfig(typo, { fast: true }).ok, loadConfig(typo).ok);
  });
});
