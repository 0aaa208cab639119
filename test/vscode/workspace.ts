/**
 * The extension-host suite's workspace and build: a multi-root workspace (folders `a` and `b`,
 * `resim.configFiles` matching `sync/*.yaml`) and the suite bundled for the extension host
 * (test/vscode/suite/ → `.work/out/`, `vscode` and `mocha` left to the host and the repository).
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { demoConfig } from '../fixtures/demo-config';

export const ROOT = path.resolve(__dirname, '..', '..');
export const WORK = path.join(ROOT, 'test', 'vscode', '.work');

const DEMO = demoConfig('created-by-the-vscode-suite', { omit: ['wind-gust-landing', 'legacy-night-flight'] });

/** Writes the workspace under `dir` (wiped first); returns the `.code-workspace` file. */
export function makeWorkspace(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(path.join(b, 'sync'), { recursive: true });
  fs.mkdirSync(a, { recursive: true });
  fs.writeFileSync(path.join(a, 'demo.experiences.yaml'), DEMO);
  fs.writeFileSync(path.join(a, 'typo.experiences.yaml'), DEMO.replace('tags: [regression]', 'tags: [regresion]'));
  fs.writeFileSync(path.join(a, 'plain.yaml'), 'experiences:\n  - name: not a sync config\n    colour: red\n');
  fs.writeFileSync(
    path.join(b, 'sync', 'extra.yaml'),
    'experiences:\n  - name: extra\n    description: d\n    locations: [s3://x]\n    colour: red\n',
  );
  const file = path.join(dir, 'suite.code-workspace');
  fs.writeFileSync(
    file,
    JSON.stringify(
      { folders: [{ path: 'a' }, { path: 'b' }], settings: { 'resim.configFiles': ['sync/*.yaml'], 'resim.project': 'demo' } },
      null,
      2,
    ),
  );
  return file;
}

/** Bundles the suite into `outDir`; returns the entry (`index.js`, exporting `run`). */
export async function buildSuite(outDir = path.join(WORK, 'out')): Promise<string> {
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'suite', 'index.ts'), path.join(__dirname, 'suite', 'extension.test.ts')],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}
