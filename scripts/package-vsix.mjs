#!/usr/bin/env node
/**
 * Packs the VS Code extension (`resim-experience-sync.vsix`, `npm run package`) with vsce from a
 * staging folder (.work/vsix) whose package.json lists the extension's files (`VSIX_FILES`).
 *
 * Why a staging folder: package.json `files` is the npm package's list (what npm users run: the
 * CLI, the language server and its worker, the schema, the editors' guide; not the VS Code
 * bundles), and vsce takes `files` as its own list too and refuses a .vscodeignore beside it.
 * Run after the production build (`node esbuild.mjs --production`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the .vsix holds (scripts/vsix-files.json; test/unit/vsix-files.test.ts checks it holds every file the extension starts). */
const VSIX_FILES = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts', 'vsix-files.json'), 'utf8'));

const stage = path.join(ROOT, '.work', 'vsix');
fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(path.join(stage, 'dist'), { recursive: true });
for (const entry of VSIX_FILES) {
  const top = entry.replace(/\/.*$/, '');
  if (top === 'dist') fs.copyFileSync(path.join(ROOT, entry), path.join(stage, entry));
  else fs.cpSync(path.join(ROOT, top), path.join(stage, top), { recursive: true });
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
manifest.files = VSIX_FILES;
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const out = path.join(ROOT, 'resim-experience-sync.vsix');
execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '-o', out], {
  cwd: stage,
  stdio: 'inherit',
});
