import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  applyTextEdits,
  fixConfig,
  loadConfig,
  setExperienceIDs,
  type ConfigDiagnostic,
  type LoadedConfig,
  type Range,
} from '../../server/src/config';

const SEED = path.resolve(__dirname, '../fixtures/seed-example.yaml');

function codes(l: LoadedConfig, code: string): ConfigDiagnostic[] {
  return l.diagnostics.filter((d) => d.code === code);
}
function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [
    lines[r.start.line].slice(r.start.character),
    ...lines.slice(r.start.line + 1, r.end.line),
    lines[r.end.line].slice(0, r.end.character),
  ].join('\n');
}
function only(l: LoadedConfig, code: string): ConfigDiagnostic {
  const ds = codes(l, code);
  assert.equal(ds.length, 1, `expected one ${code}, got ${JSON.stringify(l.diagnostics, null, 1)}`);
  return ds[0];
}

const VALID = `# resim-project: my-project
experiences:
  - name: alpha
    description: First
    locations:
      - s3://bucket/alpha
    tags: [regression]
  - name: beta # the second one
    description: Second
    locations:
      - s3://bucket/beta
    tags:
      - regression
      - nightly
    environmentVariables:
      - name: MODE
        value: "fast"
managedTestSuites:
  - name: Suite
    experiences:
      - alpha
      - beta
managedExperienceTags:
  - regression
  - nightly
`;

describe('config loader: the seed example (design doc, tabs + snake_case)', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const loaded = loadConfig(seed);

  it('gives one tab-indent per tabbed line (file lines 7-8 and 18-20) and no YAML error cascade', () => {
    const tabs = codes(loaded, 'tab-indent');
    assert.deepEqual(
      tabs.map((d) => d.range.start.line),
      [6, 7, 17, 18, 19],
    );
    for (const d of tabs) {
      assert.equal(d.range.start.character, 0);
      assert.match(textAt(seed, d.range), /^[ \t]*\t[ \t]*$/);
      assert.ok(d.fix && d.fix.edits.length === 5, 'each tab diagnostic carries the whole-file edit set');
    }
    assert.equal(codes(loaded, 'yaml-syntax').length, 0);
    assert.equal(
      loaded.diagnostics.filter((d) => !['tab-indent', 'snake-case-key'].includes(d.code)).length,
      0,
      JSON.stringify(loaded.diagnostics),
    );
  });

  it('warns on each snake_case key occurrence (environment_variables twice, managed_test_suites, managed_experience_tags)', () => {
    const snake = codes(loaded, 'snake-case-key');
    assert.deepEqual(
      snake.map((d) => textAt(seed, d.range)),
      ['environment_variables', 'environment_variables', 'managed_test_suites', 'managed_experience_tags'],
    );
    assert.deepEqual(
      new Set(snake.map((d) => d.data?.camelCase)),
      new Set(['environmentVariables', 'managedTestSuites', 'managedExperienceTags']),
    );
    for (const d of snake) {
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /resim CLI ignores/);
      assert.equal(d.fix?.edits[0].newText, d.data?.camelCase);
    }
  });

  const intended = {
    experiences: [
      {
        name: 'scenario-survey-alpha',
        description: 'Aerial survey over test zone',
        locations: ['s3://drone-missions/surveys/alpha-test-zone'],
        profile: 'full_stack',
        tags: ['regression'],
        environmentVariables: [{ name: 'MAX_ALTITUDE_M', value: '120' }],
      },
      {
        name: 'new-scenario-system-check',
        description: 'Regression validation run',
        locations: ['s3://drone-missions/system-checks/regression-1'],
        profile: 'planner_stack',
        tags: ['regression', 'progression'],
        systems: ['mbauer_tmp_hil_repro'],
        environmentVariables: [{ name: 'TEST_MODE', value: 'true' }],
      },
    ],
    managedTestSuites: [{ name: 'Basic Suite', experiences: ['scenario-survey-alpha', 'new-scenario-system-check'] }],
    managedExperienceTags: ['regression', 'progression'],
  };

  it('still loads the intended structure (best effort, tabs read at the width that parses)', () => {
    assert.deepEqual(loaded.config, intended);
    assert.equal(loaded.ok, false);
  });

  it('tab fix + snake fix give a file with zero diagnostics and the intended config', () => {
    const fixed = fixConfig(seed, ['tabs', 'snake-case']);
    assert.equal(fixed.applied.length, 5);
    assert.ok(!fixed.text.includes('\t'));
    const after = loadConfig(fixed.text);
    assert.deepEqual(after.diagnostics, []);
    assert.ok(after.ok);
    assert.deepEqual(after.config, intended);
    // Only indentation and key names changed: same number of lines, same values.
    assert.equal(fixed.text.split('\n').length, seed.split('\n').length);
  });

  it('the tab fix of a diagnostic applied alone gives the same text as fixConfig(tabs)', () => {
    const d = codes(loaded, 'tab-indent')[0];
    assert.equal(applyTextEdits(seed, d.fix!.edits), fixConfig(seed, ['tabs']).text);
  });

  it('reports later problems at positions of the original (tabbed) text', () => {
    const bad = seed.replace('- regression\n\t\t- progression', '- regression\n\t\t- regression');
    const l = loadConfig(bad);
    const dup = only(l, 'duplicate-tag');
    assert.equal(dup.range.start.line, 19);
    assert.equal(textAt(bad, dup.range), 'regression');
  });
});

describe('config loader: diagnostics at their exact node', () => {
  it('a valid file has no diagnostics; projectComment is read', () => {
    const l = loadConfig(VALID);
    assert.deepEqual(l.diagnostics, []);
    assert.equal(l.projectComment, 'my-project');
    assert.equal(l.config.experiences.length, 2);
    assert.deepEqual(l.config.experiences[1].environmentVariables, [{ name: 'MODE', value: 'fast' }]);
  });

  it('yaml-syntax at the parser error', () => {
    const text = VALID.replace('description: Second', 'description: "Second');
    const l = loadConfig(text);
    const ds = codes(l, 'yaml-syntax');
    assert.ok(ds.length >= 1);
    assert.ok(ds.every((d) => d.severity === 'error'));
    assert.equal(ds[0].range.start.line, 8);
  });

  it('unknown-key with the closest key', () => {
    const text = VALID.replace('    tags: [regression]', '    tgas: [regression]');
    const d = only(loadConfig(text), 'unknown-key');
    assert.equal(d.message, 'Unknown key "tgas" in an experience. Did you mean "tags"? The resim CLI ignores unknown keys.');
    assert.equal(d.data?.suggestion, 'tags');
    assert.equal(textAt(text, d.range), 'tgas');
    assert.equal(d.range.start.line, 6);
  });

  it('unknown-key at the top level and in an environment variable; no schema duplicate', () => {
    const text = VALID.replace('managedExperienceTags:', 'managedExperienceTag:').replace('value: "fast"', 'valeu: "fast"');
    const l = loadConfig(text);
    const unknown = codes(l, 'unknown-key');
    assert.deepEqual(
      unknown.map((d) => [textAt(text, d.range), d.data?.suggestion]),
      [
        ['valeu', 'value'],
        ['managedExperienceTag', 'managedExperienceTags'],
      ],
    );
    // The env var now lacks "value": a schema error on that map, but none for the unknown keys.
    const schema = codes(l, 'schema');
    assert.equal(schema.length, 1);
    assert.match(schema[0].message, /required key "value"/);
    assert.equal(schema[0].range.start.line, 15);
  });

  it('snake-case-key loads as camelCase', () => {
    const text = VALID.replace('environmentVariables:', 'environment_variables:');
    const l = loadConfig(text);
    const d = only(l, 'snake-case-key');
    assert.equal(textAt(text, d.range), 'environment_variables');
    assert.deepEqual(l.config.experiences[1].environmentVariables, [{ name: 'MODE', value: 'fast' }]);
    assert.equal(l.ok, true);
  });

  it('schema: required on the map, types, formats, enum, minItems, integer >= 0', () => {
    const text = `experiences:
  - name: a
    locations: []
    experienceID: not-a-uuid
    containerTimeoutSeconds: -3
    cacheExempt: "maybe"
    customFields:
      - name: f
        type: string
        values: ["1"]
  - name: ""
    description: d
    locations: [x]
    containerTimeoutSeconds: 1.5
`;
    const l = loadConfig(text);
    const ds = codes(l, 'schema');
    const at = (sub: string) => ds.find((d) => d.message.includes(sub));
    const req = at('required key "description"')!;
    assert.ok(req, JSON.stringify(ds));
    assert.deepEqual(req.range.start, { line: 1, character: 4 });
    assert.equal(textAt(text, at('"locations" needs at least 1 entry')!.range), '[]');
    assert.equal(textAt(text, at('UUID')!.range), 'not-a-uuid');
    assert.equal(textAt(text, at('"containerTimeoutSeconds" must be 0 or more')!.range), '-3');
    assert.equal(textAt(text, at('"cacheExempt" must be true or false')!.range), '"maybe"');
    assert.equal(textAt(text, at('"type" must be one of text, number, timestamp, json')!.range), 'string');
    assert.equal(textAt(text, at('"name" must not be empty')!.range), '""');
    assert.equal(textAt(text, at('"containerTimeoutSeconds" must be a whole number')!.range), '1.5');
    assert.equal(ds.length, 8, JSON.stringify(ds.map((d) => d.message)));
  });

  it('schema: a list document and a scalar document', () => {
    for (const text of ['- a\n- b\n', 'just a string\n']) {
      const l = loadConfig(text);
      const d = only(l, 'schema');
      assert.match(d.message, /must be a map/);
      assert.deepEqual(l.config, { experiences: [], managedTestSuites: [], managedExperienceTags: [] });
    }
  });

  it('duplicate-experience-name on the second, related to the first', () => {
    const text = VALID.replace('name: beta # the second one', 'name: alpha');
    const d = only(loadConfig(text), 'duplicate-experience-name');
    assert.equal(
      d.message,
      'Experience "alpha" is listed twice (first at line 3). Experience names are unique in a ReSim project: rename or remove one.',
    );
    assert.equal(d.range.start.line, 7);
    assert.equal(textAt(text, d.range), 'alpha');
    assert.equal(d.related?.[0].range.start.line, 2);
  });

  it('duplicate-experience-id (case-insensitive) on the second', () => {
    const id = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    const text = VALID.replace('    description: First', `    experienceID: ${id}\n    description: First`).replace(
      '    description: Second',
      `    experienceID: ${id.toUpperCase()}\n    description: Second`,
    );
    const d = only(loadConfig(text), 'duplicate-experience-id');
    assert.equal(textAt(text, d.range), id.toUpperCase());
    assert.equal(d.related?.[0].range.start.line, 3);
  });

  it('duplicate-test-suite, duplicate-tag (experience and managed list), unknown-experience-in-suite', () => {
    const text = VALID.replace('      - beta\n', '      - beta\n      - gamma\n  - name: Suite\n    experiences: []\n')
      .replace('tags: [regression]', 'tags: [regression, regression]')
      .replace(
        'managedExperienceTags:\n  - regression\n  - nightly\n',
        'managedExperienceTags:\n  - regression\n  - nightly\n  - nightly\n',
      );
    const l = loadConfig(text);
    const suite = only(l, 'duplicate-test-suite');
    assert.equal(suite.range.start.line, 23);
    assert.equal(suite.related?.[0].range.start.line, 18);
    const tags = codes(l, 'duplicate-tag');
    assert.equal(tags.length, 2);
    assert.deepEqual(tags[0].range, { start: { line: 6, character: 23 }, end: { line: 6, character: 33 } });
    assert.equal(tags[0].severity, 'warning');
    assert.equal(tags[1].range.start.line, 28);
    assert.equal(tags[1].related?.[0].range.start.line, 27);
    const unknown = only(l, 'unknown-experience-in-suite');
    assert.equal(textAt(text, unknown.range), 'gamma');
    assert.equal(unknown.range.start.line, 22);
  });

  it('unmanaged-tag once per tag name, only when managedExperienceTags is present', () => {
    const text = VALID.replace('managedExperienceTags:\n  - regression\n  - nightly\n', 'managedExperienceTags:\n  - regression\n');
    const l = loadConfig(text);
    const d = only(l, 'unmanaged-tag');
    assert.equal(d.severity, 'information');
    assert.equal(textAt(text, d.range), 'nightly');
    assert.equal(d.range.start.line, 13);
    assert.match(d.message, /sync adds this tag but never removes it/);
    const noKey = loadConfig(VALID.slice(0, VALID.indexOf('managedExperienceTags')));
    assert.equal(codes(noKey, 'unmanaged-tag').length, 0);
  });

  it('diagnostics are sorted by position and ok reflects errors', () => {
    const text = VALID.replace('tags: [regression]', 'tags: [regression, regression]').replace('name: beta', 'nmae: beta');
    const l = loadConfig(text);
    const lines = l.diagnostics.map((d) => d.range.start.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
    assert.equal(l.ok, false);
  });
});

describe('config loader: rangeOf / pathAt', () => {
  const text = VALID.replace('environmentVariables:', 'environment_variables:');
  const l = loadConfig(text);

  it('maps canonical paths to ranges whichever spelling the file used', () => {
    assert.equal(textAt(text, l.rangeOf(['experiences', 1, 'environmentVariables'], 'key')!), 'environment_variables');
    assert.equal(textAt(text, l.rangeOf(['experiences', 1, 'environmentVariables', 0, 'value'])!), '"fast"');
    assert.equal(textAt(text, l.rangeOf(['experiences', 1, 'tags', 1])!), 'nightly');
    assert.equal(textAt(text, l.rangeOf(['experiences', 0, 'tags', 0])!), 'regression');
    assert.equal(textAt(text, l.rangeOf(['managedTestSuites', 0, 'name'])!), 'Suite');
    assert.equal(textAt(text, l.rangeOf(['managedExperienceTags'], 'key')!), 'managedExperienceTags');
    assert.equal(l.rangeOf(['experiences', 1])!.start.line, 7);
  });

  it('falls back to the nearest existing ancestor', () => {
    assert.deepEqual(l.rangeOf(['experiences', 0, 'systems', 3]), l.rangeOf(['experiences', 0]));
    assert.deepEqual(l.rangeOf(['experiences', 99]), l.rangeOf(['experiences']));
    assert.ok(l.rangeOf(['nope']));
  });

  it('pathAt gives the innermost node, with canonical keys', () => {
    assert.deepEqual(l.pathAt({ line: 13, character: 10 }), ['experiences', 1, 'tags', 1]);
    assert.deepEqual(l.pathAt({ line: 14, character: 8 }), ['experiences', 1, 'environmentVariables']);
    assert.deepEqual(l.pathAt({ line: 16, character: 16 }), ['experiences', 1, 'environmentVariables', 0, 'value']);
    assert.deepEqual(l.pathAt({ line: 2, character: 12 }), ['experiences', 0, 'name']);
    assert.deepEqual(l.pathAt({ line: 1, character: 3 }), ['experiences']);
    assert.deepEqual(l.pathAt({ line: 24, character: 5 }), ['managedExperienceTags', 1]);
  });

  it('pathAt and rangeOf agree on every scalar', () => {
    for (const p of [
      ['experiences', 0, 'description'],
      ['experiences', 1, 'locations', 0],
      ['managedTestSuites', 0, 'experiences', 1],
    ] as const) {
      const r = l.rangeOf(p)!;
      assert.deepEqual(l.pathAt(r.start), p);
    }
  });
});

describe('config loader: edits keep comments and formatting', () => {
  it('fixConfig(snake-case) renames keys only', () => {
    const text =
      '# top comment\nexperiences: # list\n  - name: a   # keep\n    description: d\n    locations: [x]\n    cache_exempt: true  # note\nmanaged_experience_tags: []\n';
    const out = fixConfig(text, ['snake-case']);
    assert.equal(out.text, text.replace('cache_exempt', 'cacheExempt').replace('managed_experience_tags', 'managedExperienceTags'));
    assert.equal(out.applied.length, 2);
    assert.deepEqual(fixConfig(out.text, ['snake-case', 'tabs']), { text: out.text, applied: [] });
  });

  it('fixConfig does not rename a snake_case key whose camelCase twin exists', () => {
    const text = 'experiences:\n  - name: a\n    description: d\n    locations: [x]\n    cacheExempt: true\n    cache_exempt: false\n';
    assert.equal(fixConfig(text, ['snake-case']).text, text);
  });

  it('setExperienceIDs writes after the name line at the same indentation, byte for byte elsewhere', () => {
    const ids = new Map([
      [0, '11111111-1111-4111-8111-111111111111'],
      [1, '22222222-2222-4222-8222-222222222222'],
    ]);
    const out = setExperienceIDs(VALID, ids);
    const expected = VALID.replace(
      '  - name: alpha\n',
      '  - name: alpha\n    experienceID: 11111111-1111-4111-8111-111111111111\n',
    ).replace(
      '  - name: beta # the second one\n',
      '  - name: beta # the second one\n    experienceID: 22222222-2222-4222-8222-222222222222\n',
    );
    assert.equal(out, expected);
    const l = loadConfig(out);
    assert.deepEqual(l.diagnostics, []);
    assert.equal(l.config.experiences[1].experienceID, '22222222-2222-4222-8222-222222222222');
  });

  it('setExperienceIDs replaces an existing ID, handles flow entries, a last line without newline and unknown indexes', () => {
    const text =
      'experiences:\n- {name: a, description: d, locations: [x]}\n- name: b\n  experience_id: old # c\n  description: d\n  locations: [x]\n- name: c';
    const out = setExperienceIDs(
      text,
      new Map([
        [0, 'id-a'],
        [1, 'id-b'],
        [2, 'id-c'],
        [7, 'nope'],
      ]),
    );
    assert.equal(
      out,
      'experiences:\n- {name: a, description: d, locations: [x], experienceID: id-a}\n- name: b\n  experience_id: id-b # c\n  description: d\n  locations: [x]\n- name: c\n  experienceID: id-c\n',
    );
  });

  it('applyTextEdits applies edits given for the same text in any order', () => {
    const text = 'ab\ncd\n';
    const out = applyTextEdits(text, [
      { range: { start: { line: 1, character: 1 }, end: { line: 1, character: 2 } }, newText: 'X' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '>' },
    ]);
    assert.equal(out, '>ab\ncX\n');
  });
});

describe('config loader: garbage input never throws', () => {
  const inputs: [string, string][] = [
    ['empty', ''],
    ['only a comment', '# resim-project: x\n'],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['NUL bytes', 'experiences:\n  - name: \u0000\u0001\n'],
    ['truncated', VALID.slice(0, 150)],
    ['deeply nested flow', '['.repeat(5000) + ']'.repeat(5000)],
    ['deeply nested block', Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n')],
    ['a 1 MB line', 'experiences:\n  - name: ' + 'x'.repeat(1 << 20) + '\n'],
    ['a scalar document', '42'],
    ['a list document', '- experiences\n- 2\n'],
    [
      'alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
    ],
    ['proto keys', 'experiences:\n  - __proto__: {polluted: true}\n    name: a\n__proto__: 1\n'],
    ['multi document', 'experiences: []\n---\nexperiences: []\n'],
    ['CRLF', VALID.replace(/\n/g, '\r\n')],
    ['tabs everywhere', '\texperiences:\n\t\t- name: a\n'],
  ];
  for (const [name, text] of inputs) {
    it(name, () => {
      const l = loadConfig(text);
      assert.ok(Array.isArray(l.diagnostics));
      assert.ok(Array.isArray(l.config.experiences));
      l.rangeOf(['experiences', 0, 'name']);
      l.pathAt({ line: 1, character: 3 });
      fixConfig(text, ['tabs', 'snake-case']);
      setExperienceIDs(text, new Map([[0, 'x']]));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('CRLF files load like LF files', () => {
    const l = loadConfig(VALID.replace(/\n/g, '\r\n'));
    assert.deepEqual(l.diagnostics, []);
    assert.deepEqual(l.config, loadConfig(VALID).config);
  });
});
