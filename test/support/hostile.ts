/**
 * A corpus of hostile config files (bytes): aliases, deep nesting, BOM, NUL, invalid UTF-8,
 * UTF-16, CRLF, a 10 MB single line, numbers as names, Trojan Source characters. Shared by the loader-contract unit test
 * (fast path ≡ full loader) and the integration test comparing `resim-sync validate --json` with
 * the language server's diagnostics.
 */

export interface HostileFile {
  name: string;
  bytes: Buffer;
}

const exp = (name: string, extra = '') => `  - name: ${name}\n    description: d\n    locations: [s3://b/l]\n${extra}`;

export function hostileCorpus(opts: { big?: boolean } = {}): HostileFile[] {
  const files: [string, string | Buffer][] = [];
  // 20,000 plain aliases in about 80 KB (linear resolution; under the expansion cap).
  files.push(['aliases-20k.yaml', `managedExperienceTags: [&a t${', *a'.repeat(20_000)}]\n`]);
  // A "billion laughs": nested aliases that expand past the cap.
  let laughs = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    laughs += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  files.push(['billion-laughs.yaml', `${laughs}experiences: *a8\n`]);
  // A valid-looking file whose aliases of one long description would expand to 1 GB.
  files.push([
    'alias-long-text.yaml',
    `experiences:\n  - name: e0\n    description: &d ${'x'.repeat(50_000)}\n    locations: [l]\n${Array.from({ length: 20_000 }, (_, i) => `  - {name: e${i + 1}, description: *d, locations: [l]}\n`).join('')}`,
  ]);
  files.push(['deep-flow.yaml', `experiences: ${'['.repeat(5000)}${']'.repeat(5000)}\n`]);
  files.push(['deep-block.yaml', `experiences:\n${Array.from({ length: 600 }, (_, i) => `${' '.repeat(2 * i + 2)}- `).join('\n')}x\n`]);
  files.push([
    'bom-project.yaml',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`# resim-project: demo\nexperiences:\n${exp('a')}${exp('a')}`)]),
  ]);
  // Trojan Source: bidi controls and a zero-width space in names (suspicious-characters on both paths).
  files.push(['trojan-source.yaml', `experiences:\n${exp('"access-\u202eresu\u2066-check"')}${exp('zero\u200bwidth')}`]);
  files.push(['nul.yaml', `experiences:\n${exp('a\u0000b')}${exp('c')}`]);
  files.push([
    'latin1.yaml',
    Buffer.concat([
      Buffer.from(`experiences:\n${exp('ok')}  - name: caf`),
      Buffer.from([0xe9]),
      Buffer.from(`\n    description: d\n    locations: [l]\n`),
    ]),
  ]);
  files.push([
    'utf16le-bom.yaml',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`experiences:\n${exp('a')}  - nmae: b\n`, 'utf16le')]),
  ]);
  files.push(['utf16be.yaml', Buffer.from(Buffer.from(`experiences:\n${exp('a')}`, 'utf16le').swap16())]);
  files.push([
    'crlf.yaml',
    `# resim-project: demo\nexperiences:\n${exp('a')}${exp('a', '    tagz: [x]\n')}managedTestSuites:\n  - name: S\n`.replace(
      /\n/g,
      '\r\n',
    ),
  ]);
  // Classic Mac OS line ends: a lone CR is a line break (YAML 1.2, the resim CLI's yaml.v3, LSP).
  files.push([
    'cr-only.yaml',
    `# resim-project: demo\nexperiences:\n${exp('a')}${exp('a', '    tagz: [x]\n')}managedTestSuites:\n  - name: S\n`.replace(/\n/g, '\r'),
  ]);
  // A one-line flow list under a block key, with a duplicate name (its range needs the full loader).
  files.push([
    'flow-list-duplicate.yaml',
    `experiences: [{name: a, description: d, locations: [l]}, {name: a, description: d, locations: [l]}]\n`,
  ]);
  files.push([
    'numbers-as-names.yaml',
    `experiences:\n${['123', '1e3', '0x1F', 'true', '-.5', '1_000', '0o17', '.inf', 'null', '~', '"123"'].map((n, i) => exp(n, i % 2 ? `    tags: [${n}]\n` : '')).join('')}managedTestSuites:\n  - name: 7\n    experiences: [123, 1e3]\n`,
  ]);
  files.push([
    'null-lists.yaml',
    `experiences:\n${exp('a', '    tags:\n    systems: ~\n    customFields:\n')}managedTestSuites:\n  - name: S\nmanagedExperienceTags:\n`,
  ]);
  files.push(['tabs.yaml', `experiences:\n\t- name: a\n\t  description: d\n\t  locations: [l]\n`]);
  files.push([
    'merge-keys.yaml',
    `experiences:\n  - &base\n    name: a\n    description: d\n    locations: [l]\n    tagz: [x]\n  - <<: *base\n    name: b\n  - <<: [*base, 7]\n    name: c\n`,
  ]);
  files.push(['anchors-across.yaml', `experiences:\n  - &e\n    name: a\n    description: d\n    locations: [l]\n  - *e\n`]);
  if (opts.big) {
    // 10 MB on one line: a description as one plain scalar.
    files.push(['single-line-10mb.yaml', `experiences: [{name: a, description: ${'x'.repeat(10 * 1024 * 1024)}, locations: [l]}]`]);
  }
  return files.map(([name, content]) => ({ name, bytes: typeof content === 'string' ? Buffer.from(content) : content }));
}
