/**
 * The .vsix holds every file the extension runs from its own folder: each
 * `asAbsolutePath('…')` in client/src names a file that scripts/vsix-files.json packs
 * (Start Local Sandbox runs `dist/cli.js sandbox`; the client starts `dist/server.js`).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Whether `file` is matched by a vsce `files` entry: exact, `dir/**`, or `dir/*.ext`. */
function packed(file: string, entries: string[]): boolean {
  return entries.some((e) => {
    if (e === file) return true;
    if (e.endsWith('/**')) return file.startsWith(e.slice(0, -2));
    const star = e.indexOf('*');
    return star >= 0 && file.startsWith(e.slice(0, star)) && file.endsWith(e.slice(star + 1)) && !file.slice(star).includes('/');
  });
}

describe('the .vsix file list', () => {
  const entries = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/vsix-files.json'), 'utf8')) as string[];
  const used = new Set<string>();
  for (const f of sources(path.join(ROOT, 'client/src'))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/asAbsolutePath\(\s*'([^']+)'\s*\)/g)) used.add(m[1]);
  }

  it('finds the files the extension runs (the server and the CLI at least)', () => {
    assert.ok(used.has('dist/server.js') && used.has('dist/cli.js'), [...used].join(', '));
  });

  it('packs every file the extension runs from its folder', () => {
    const missing = [...used].filter((f) => !packed(f, entries));
    assert.deepEqual(missing, [], `not in scripts/vsix-files.json: ${missing.join(', ')}`);
  });
});
