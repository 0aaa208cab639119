/**
 * The shared protocol's rules (protocol/) hold everywhere: the first-line project link reads the
 * same in the server, the CLI and VS Code's `firstLine` (package.json), and no other source file
 * spells the rule again.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_API_URL, hasProjectComment, LANGUAGE_ID, projectCommentOf, PROJECT_COMMENT_RE } from '../../protocol';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { languages: { id: string; firstLine?: string }[] };
};

describe('protocol: the first-line project link', () => {
  const samples: [string, string | undefined][] = [
    ['# resim-project: demo\nexperiences: []\n', 'demo'],
    ['#resim-project: demo\n', 'demo'],
    ['\uFEFF# resim-project: demo\r\nexperiences: []\n', 'demo'],
    ['#   resim-project:   my project  \n', 'my project'],
    ['# resim-project:\n', undefined],
    ['experiences: []\n# resim-project: demo\n', undefined],
    ['# resim-projects: demo\n', undefined],
  ];

  it('projectCommentOf reads the value (BOM, no space after #, CRLF), nothing else', () => {
    for (const [text, want] of samples) assert.equal(projectCommentOf(text), want, JSON.stringify(text));
  });

  it("package.json's firstLine agrees with PROJECT_COMMENT_RE on every sample", () => {
    const lang = pkg.contributes.languages.find((l) => l.id === LANGUAGE_ID);
    assert.ok(lang?.firstLine, 'the language declares firstLine');
    const vscodeRe = new RegExp(lang.firstLine);
    for (const [text] of samples) {
      const first = text.split('\n')[0];
      assert.equal(vscodeRe.test(first), hasProjectComment(first), JSON.stringify(first));
    }
  });

  it("package.json's resim.apiUrl default is DEFAULT_API_URL", () => {
    const props = (pkg as unknown as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } }).contributes
      .configuration.properties;
    assert.equal(props['resim.apiUrl'].default, DEFAULT_API_URL);
  });

  it('no other source file spells the rule (one home: protocol/config.ts)', () => {
    const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('test/') && f !== 'protocol/config.ts');
    const again = files.filter((f) =>
      /resim-project:\[|resim-project:\\s|#\\s\*resim-project/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(again, []);
    assert.ok(PROJECT_COMMENT_RE.source.includes('resim-project'));
  });
});
