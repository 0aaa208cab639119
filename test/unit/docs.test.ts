/**
 * The design lives in the repository: docs/ holds its five documents, the diagnostics table
 * matches the codes the code declares (protocol/diagnostics.ts), every docs/ file the sources
 * name exists, and no file points at a document outside the repository.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DIAGNOSTIC_SEVERITY } from '../../protocol';

const ROOT = path.resolve(__dirname, '..', '..');
const tracked = (): string[] =>
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)) && /\.(ts|mjs|js|json|md|sh|yaml|yml)$/.test(f) && f !== 'package-lock.json');

describe('docs: the design in the repository', () => {
  it('docs/ holds architecture, sync rules, plan format, diagnostics and API', () => {
    for (const d of ['architecture', 'sync-rules', 'plan-format', 'diagnostics', 'api'])
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', `${d}.md`)), `docs/${d}.md`);
  });

  it('docs/diagnostics.md lists exactly the DiagnosticCode union, with its severities', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
    const rows = [...text.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|information) \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(Object.fromEntries(rows), DIAGNOSTIC_SEVERITY);
    assert.equal(rows.length, Object.keys(DIAGNOSTIC_SEVERITY).length, 'each code once');
  });

  it('every docs/*.md that a file names exists', () => {
    const missing = new Set<string>();
    for (const f of tracked()) {
      for (const m of fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/docs\/([a-z-]+\.md)/g)) {
        if (!fs.existsSync(path.join(ROOT, 'docs', m[1]))) missing.add(`${f}: docs/${m[1]}`);
      }
    }
    assert.deepEqual([...missing], []);
  });

  it('no file points at a document outside the repository', () => {
    const outside = /DESIGN\.md|resim-api\.md|\.\.\/shared\/|(?<![\w.-])shared\/(notes|examples|seeds|DESIGN)/;
    const self = path.relative(ROOT, __filename).split(path.sep).join('/');
    const hits = tracked().filter((f) => f !== self && outside.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(hits, []);
  });
});
