/**
 * One loader contract: the CLI's fast path (`loadConfig(text, {fast: true})`, js-yaml) and the
 * full loader (`yaml`, what the language server runs) give the same codes, ranges, messages,
 * values and config fingerprint on every input: a hostile corpus and generated configs.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { SHAPES, shapeConfig, writeShape, type ShapeEntry } from '../../bench/lib/shapes';
import {
  decodeConfigBytes,
  fromFastSnapshot,
  itemStarts,
  loadConfig,
  loadFastSnapshot,
  loadStats,
  type LoadedConfig,
} from '../../server/src/config';
import { fingerprintConfig } from '../../server/src/sync/fingerprint';
import { hostileCorpus } from '../support/hostile';

function contract(l: LoadedConfig) {
  return {
    config: l.config,
    fingerprint: fingerprintConfig(l.config, true),
    diagnostics: l.diagnostics,
    ok: l.ok,
    projectComment: l.projectComment,
  };
}

function assertSame(text: string, label: string): void {
  const fast = loadConfig(text, { fast: true });
  const full = loadConfig(text);
  assert.deepEqual(contract(fast), contract(full), label);
  for (const p of [['experiences', 0, 'name'], ['experiences', 1, 'tags', 0], ['managedTestSuites', 0], ['managedExperienceTags']]) {
    assert.deepEqual(fast.rangeOf(p), full.rangeOf(p), `${label} rangeOf ${JSON.stringify(p)}`);
  }
}

describe('loader contract: the fast path ≡ the full loader', () => {
  for (const f of hostileCorpus({ big: true })) {
    it(`hostile: ${f.name}`, () => assertSame(decodeConfigBytes(f.bytes).text, f.name));
  }

  it('the alias expansion cap is the same on both paths (a billion laughs is refused, 20,000 plain aliases load)', () => {
    const [aliases, laughs] = hostileCorpus().map((f) => decodeConfigBytes(f.bytes).text);
    for (const fast of [true, false]) {
      const l = loadConfig(laughs, { fast });
      assert.ok(
        l.diagnostics.some((d) => d.code === 'yaml-syntax' && /expands too many aliases/.test(d.message)),
        `fast=${fast}`,
      );
      const a = loadConfig(aliases, { fast });
      assert.equal(a.config.managedExperienceTags.length, 20_001, `fast=${fast}`);
      assert.equal(a.ok, true);
    }
  });

  it('a BOM does not hide the first-line # resim-project: comment, on either path', () => {
    const text = '\uFEFF# resim-project: demo\nexperiences: []\n';
    assert.equal(loadConfig(text, { fast: true }).projectComment, 'demo');
    assert.equal(loadConfig(text).projectComment, 'demo');
  });

  // Scalars that YAML tools read differently: plain, single- or double-quoted at random.
  const tricky = [
    '123',
    '1e3',
    '0x1F',
    '0o17',
    '0b101',
    '1_000',
    '-.5',
    '+1',
    '.inf',
    '.NaN',
    'true',
    'False',
    'yes',
    'null',
    '~',
    '',
    '2024-01-01',
    'a: b',
    '#x',
    '- y',
    's3://b/l',
    'x',
    'y z',
    '"q"',
    "it's",
    '*a',
    '&b c',
    'é',
  ];
  const scalar = fc
    .tuple(fc.constantFrom(...tricky), fc.constantFrom('plain', 'single', 'double'))
    .map(([v, style]) => (style === 'double' ? JSON.stringify(v) : style === 'single' ? `'${v.replace(/'/g, "''")}'` : v));
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const list = fc.oneof(
    fc.constant(''),
    fc.array(scalar, { maxLength: 3 }).map((xs) => ` [${xs.join(', ')}]`),
    fc.constant(' ~'),
  );
  const experience = fc.record({
    name: scalar,
    description: maybe(scalar),
    locations: maybe(list),
    experienceID: maybe(
      fc.constantFrom(
        'a7e6ea61-61f5-42cd-a444-6d5074c4b19f',
        'A7E6EA61-61F5-42CD-A444-6D5074C4B19F',
        '{a7e6ea61-61f5-42cd-a444-6d5074c4b19f}',
        'nope',
      ),
    ),
    tags: maybe(list),
    archived: maybe(fc.constantFrom('true', 'false', 'yes', '~', '1')),
    extra: maybe(
      fc.constantFrom(
        '    tagz: [x]\n',
        '    cache_exempt: true\n',
        '    # comment\n',
        '    profile:\n',
        '    containerTimeoutSeconds: "30"\n',
      ),
    ),
  });
  const config = fc.record({
    bom: fc.boolean(),
    crlf: fc.boolean(),
    project: fc.boolean(),
    experiences: fc.oneof(fc.constant(null), fc.array(experience, { maxLength: 4 })),
    suites: maybe(fc.array(fc.record({ name: scalar, experiences: maybe(list) }), { maxLength: 2 })),
    managed: maybe(list),
  });

  it('generated configs (fast-check)', () => {
    fc.assert(
      fc.property(config, (c) => {
        let t = c.project ? '# resim-project: demo\n' : '';
        t += 'experiences:';
        if (c.experiences === null) t += '\n';
        else if (c.experiences.length === 0) t += ' []\n';
        else {
          t += '\n';
          for (const e of c.experiences) {
            t += `  - name: ${e.name}\n`;
            if (e.description !== undefined) t += `    description: ${e.description}\n`;
            if (e.locations !== undefined) t += `    locations:${e.locations}\n`;
            if (e.experienceID !== undefined) t += `    experienceID: ${e.experienceID}\n`;
            if (e.tags !== undefined) t += `    tags:${e.tags}\n`;
            if (e.archived !== undefined) t += `    archived: ${e.archived}\n`;
            if (e.extra !== undefined) t += e.extra;
          }
        }
        if (c.suites) {
          t += 'managedTestSuites:\n';
          for (const s of c.suites) t += `  - name: ${s.name}\n${s.experiences !== undefined ? `    experiences:${s.experiences}\n` : ''}`;
        }
        if (c.managed !== undefined) t += `managedExperienceTags:${c.managed}\n`;
        if (c.crlf) t = t.replace(/\n/g, '\r\n');
        if (c.bom) t = '\uFEFF' + t;
        assertSame(t, JSON.stringify(t));
      }),
      { numRuns: 400, seed: 20261130 },
    );
  });

  it('generated valid configs with tricky scalars in text places (fast-check)', () => {
    const plainText = fc.constantFrom(...tricky.filter((v) => /^[-+.0-9a-zA-Z_~]+$/.test(v)));
    const item = fc.record({ name: plainText, description: plainText, value: plainText, tag: plainText, quoted: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.option(fc.constantFrom('[]', '[x]', ''), { nil: undefined }), { maxLength: 2 }),
        (items, flow, suites) => {
          let t = 'experiences:\n';
          items.forEach((it, i) => {
            const name = it.quoted ? JSON.stringify(`${it.name}-${i}`) : `${it.name}${i ? `-${i}` : ''}`;
            t += flow
              ? `  - {name: ${name}, description: ${it.description}, locations: [l], environmentVariables: [{name: N, value: ${it.value}}], tags: [${it.tag}]}\n`
              : `  - name: ${name}\n    description: ${it.description}\n    locations:\n      - l\n    environmentVariables:\n      - name: N\n        value: ${it.value}\n    tags: [${it.tag}]\n`;
          });
          if (suites.length)
            t += `managedTestSuites:\n${suites.map((e, k) => `  - name: s${k}\n${e === undefined ? '' : `    experiences: ${e}\n`}`).join('')}`;
          assertSame(t, JSON.stringify(t));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('loader contract: clean configs with empty values and suites (fast-check)', () => {
  it('the fast path takes what it can and agrees with the full loader', () => {
    const value = fc.constantFrom('', ' ~', ' []', ' [a]', ' [a, b]', ' null');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            tags: fc.option(value, { nil: undefined }),
            profile: fc.option(fc.constantFrom(' p', ' ~', ''), { nil: undefined }),
          }),
          { maxLength: 3 },
        ),
        fc.array(fc.option(value, { nil: undefined }), { maxLength: 3 }),
        fc.option(value, { nil: undefined }),
        (exps, suites, managed) => {
          let t = `experiences:${exps.length ? '' : ' []'}\n`;
          exps.forEach((e, i) => {
            t += `  - name: e${i}\n    description: d\n    locations: [l]\n`;
            if (e.tags !== undefined) t += `    tags:${e.tags}\n`;
            if (e.profile !== undefined) t += `    profile:${e.profile}\n`;
          });
          if (suites.length)
            t += `managedTestSuites:\n${suites.map((e, k) => `  - name: s${k}\n${e === undefined ? '' : `    experiences:${e}\n`}`).join('')}`;
          if (managed !== undefined) t += `managedExperienceTags:${managed}\n`;
          assertSame(t, JSON.stringify(t));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('loader contract: every shape a person or a generator writes', () => {
  // Names from a small set (duplicates happen), values with problems the cross-entry checks and
  // the schema report: both paths must agree on the codes, ranges and values in every shape.
  const entry: fc.Arbitrary<ShapeEntry> = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'd', 'e', '123', 'x-y'),
    description: fc.constantFrom('d', 'a text', '""', 'true'),
    locations: fc.constantFrom<string[]>(['s3://b/l'], ['s3://b/l', 's3://b/m'], []),
    tags: fc.option(fc.constantFrom<string[]>(['t'], ['t', 't'], ['t', 'u']), { nil: undefined }),
    extra: fc.option(fc.constantFrom<Record<string, string>>({ tagz: '[x]' }, { systems: '[s]' }, { archived: 'true' }), {
      nil: undefined,
    }),
  });
  const cfg = fc.record({
    experiences: fc.array(entry, { minLength: 1, maxLength: 5 }),
    managedExperienceTags: fc.option(fc.constantFrom<string[]>(['t'], ['t', 'u']), { nil: undefined }),
  });

  for (const shape of SHAPES) {
    it(`${shape}: the fast path agrees with the full loader (fast-check)`, () => {
      fc.assert(
        fc.property(cfg, (c) => {
          const text = writeShape(c, shape);
          assertSame(text, JSON.stringify(text));
        }),
        { numRuns: 150, seed: 23 },
      );
    });
  }

  it('itemStarts (where code lenses go, from piece offsets) ≡ the full loader rangeOf, fast and incremental', () => {
    let checked = 0;
    fc.assert(
      fc.property(cfg, fc.constantFrom(...SHAPES), (c, shape) => {
        const text = writeShape(c, shape);
        const full = loadConfig(text);
        const fast = loadConfig(text, { fast: true });
        // An edit of the first experience's description: the next load reuses the other pieces.
        const edited = text.replace(/description: /, 'description: x');
        const next = loadConfig(edited, { previous: fast });
        const nextFull = loadConfig(edited);
        for (const [l, ref] of [
          [fast, full],
          [next, nextFull],
        ] as const) {
          const starts = itemStarts(l, 'experiences');
          if (!starts) continue;
          assert.equal(starts.length, ref.config.experiences.length);
          starts.forEach((p, i) => {
            if (p) {
              checked++;
              assert.deepEqual(p, ref.rangeOf(['experiences', i])!.start, `${JSON.stringify(text)} item ${i}`);
            }
          });
        }
      }),
      { numRuns: 200, seed: 5 },
    );
    assert.ok(checked > 100, `${checked} item starts compared`);
  });

  it('a clean config takes the fast path in every shape, and every shape reads the same config', () => {
    const c = shapeConfig(40);
    const block = loadConfig(writeShape(c, 'block'));
    assert.deepEqual(block.diagnostics, []);
    assert.equal(block.config.experiences.length, 40);
    for (const shape of SHAPES) {
      const text = writeShape(c, shape);
      const fast = loadConfig(text, { fast: true });
      assert.equal(loadStats(fast)?.mode, 'fast', `${shape}: the fast path takes it`);
      assert.ok(loadFastSnapshot(text), `${shape}: the language server's parsing thread takes the fast path too`);
      assert.deepEqual(fast.config, block.config, `${shape}: the same config as block style`);
      assert.deepEqual(loadConfig(text).config, block.config, `${shape}: the full loader reads the same config`);
      // The server's LoadedConfig of a fast snapshot locates nodes as the full loader does.
      const served = fromFastSnapshot(text, loadFastSnapshot(text)!);
      assert.deepEqual(served.rangeOf(['experiences', 39, 'name']), loadConfig(text).rangeOf(['experiences', 39, 'name']), shape);
    }
  });

  it('CR-only line ends are line breaks on both paths (YAML 1.2, as the resim CLI reads them), at LSP positions', () => {
    const text =
      '# resim-project: demo\rexperiences:\r  - name: a\r    description: d\r    locations: [l]\r  - name: a\r    description: d\r    locations: [l]\r';
    for (const l of [loadConfig(text, { fast: true }), loadConfig(text)]) {
      assert.equal(l.projectComment, 'demo');
      assert.deepEqual(
        l.config.experiences.map((e) => e.name),
        ['a', 'a'],
      );
      const dup = l.diagnostics.find((d) => d.code === 'duplicate-experience-name');
      assert.ok(dup, l.diagnostics.map((d) => d.code).join(', '));
      // Line 5 (0-based) is the second `  - name: a`: a lone CR ends a line, as in LSP.
      assert.deepEqual(dup.range.start.line, 5);
      assert.equal(l.text, text, 'the text itself is kept (a fix writes CR line ends back)');
    }
  });
});

describe('an empty description: one rule for every spelling (docs/sync-rules.md)', () => {
  const entry = (d: string) => `experiences:\n  - name: a\n    ${d}\n    locations: [l]\n`;
  for (const spelling of ['description: ""', "description: ''", 'description:', 'description: ~', 'description: null']) {
    it(`${spelling} is the empty description, without a diagnostic, on both paths`, () => {
      for (const fast of [true, false]) {
        const l = loadConfig(entry(spelling), { fast });
        assert.deepEqual(l.diagnostics, [], `fast=${fast}`);
        assert.equal(l.config.experiences[0].description, '', `fast=${fast}`);
      }
    });
  }
  it('a missing description key is still a schema error (the key is required)', () => {
    for (const fast of [true, false]) {
      const l = loadConfig('experiences:\n  - name: a\n    locations: [l]\n', { fast });
      assert.deepEqual(
        l.diagnostics.map((d) => d.code),
        ['schema'],
        `fast=${fast}`,
      );
      assert.match(l.diagnostics[0].message, /description/);
    }
  });
});

describe('decodeConfigBytes: the one reading of config bytes', () => {
  const d = (b: Buffer) => decodeConfigBytes(b);
  it('invalid UTF-8 is an error naming the byte offset of the bad sequence, never a silent replacement', () => {
    const r = d(Buffer.concat([Buffer.from('experiences:\n  - name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    assert.deepEqual(
      r.diagnostics.map((x) => [x.code, x.severity, x.range.start, x.data]),
      [['invalid-utf8', 'error', { line: 1, character: 13 }, { byteOffset: 26 }]],
    );
    assert.match(r.diagnostics[0].message, /byte offset 26 \(line 2, byte 0xE9\)/);
    const mid = d(Buffer.from([0x61, 0x3a, 0x20, 0xe2, 0x82, 0x41]));
    assert.equal(mid.diagnostics[0].data?.byteOffset, 3, 'a sequence cut short: at its lead byte');
    assert.equal(
      loadConfig(r.text).diagnostics.some((x) => x.code === 'replacement-character'),
      true,
      'the replaced text is marked too',
    );
  });
  it('UTF-16 and UTF-32 are named; a UTF-8 BOM is kept; NUL stays for the loader', () => {
    const le = d(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('experiences: []\n', 'utf16le')]));
    assert.match(le.diagnostics[0].message, /UTF-16 LE/);
    assert.equal(le.text.replace(/^\uFEFF/, ''), 'experiences: []\n');
    assert.match(d(Buffer.from(Buffer.from('experiences: []\n', 'utf16le').swap16())).diagnostics[0].message, /UTF-16 BE/);
    assert.match(d(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])).diagnostics[0].message, /UTF-32 LE/);
    const bom = d(Buffer.from('\uFEFF# resim-project: p\n'));
    assert.deepEqual(bom.diagnostics, []);
    assert.equal(bom.text, '\uFEFF# resim-project: p\n');
    const nul = d(Buffer.from('a: b\u0000\n'));
    assert.deepEqual(nul.diagnostics, []);
    assert.deepEqual(
      loadConfig(nul.text).diagnostics.map((x) => x.code),
      ['nul-character'],
    );
  });
});
