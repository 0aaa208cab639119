#!/usr/bin/env node
// `npm run demo`: the design doc's example, end to end, against the bundled sandbox.
// validate (the tab error at line 7) → validate --fix → preview → apply → preview ("No changes")
// → clone → preview of the clone ("No changes"). Nothing leaves this machine.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const work = path.join(root, '.work', 'demo');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
// The design doc's example as the repository carries it (nothing outside the repository is read),
// written as a new file of ours: the working copy is always writable, whatever the source's mode.
const config = path.join(work, 'seed.experiences.yaml');
fs.writeFileSync(config, fs.readFileSync(path.join(root, 'test', 'fixtures', 'seed-example.yaml')), { mode: 0o644 });
const clone = path.join(work, 'clone.experiences.yaml');

// The sandbox's token goes through the environment, never the command line (docs/security.md).
const token = randomBytes(24).toString('hex');
const sandbox = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--seed', 'demo', '--data', path.join(work, 'sandbox.json')], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, RESIM_SANDBOX_TOKEN: token },
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  sandbox.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  sandbox.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  setTimeout(() => reject(new Error('sandbox did not start in 15 s')), 15000);
});
const env = { ...process.env, RESIM_URL: url, RESIM_TOKEN: token, RESIM_PROJECT: 'demo', NO_COLOR: process.stdout.isTTY ? '' : '1' };

let failed = false;
function step(title, args, expectCode) {
  console.log(`\n\x1b[1m$ resim-sync ${args.join(' ')}\x1b[0m   # ${title}`);
  const r = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
  if (r.status !== expectCode) {
    console.error(`\n✗ expected exit ${expectCode}, got ${r.status}`);
    failed = true;
  }
}
const rel = (f) => path.relative(process.cwd(), f);
try {
  console.log(`Sandbox: ${url} (project "demo"). Config: ${rel(config)} (the design doc's example, with its tabs).`);
  step('the tabs make the YAML invalid', ['validate', '--config', rel(config)], 1);
  step('repair tabs and snake_case keys, keeping comments', ['validate', '--fix', '--config', rel(config)], 0);
  step('what a sync would change', ['preview', '--config', rel(config)], 0);
  step('apply it', ['apply', '--yes', '--config', rel(config)], 0);
  step('a second preview: nothing to do', ['preview', '--detailed-exitcode', '--config', rel(config)], 0);
  step('clone the project into a new file', ['clone', '--config', rel(clone)], 0);
  step('the clone matches the project', ['preview', '--detailed-exitcode', '--config', rel(clone)], 0);
} finally {
  sandbox.kill('SIGTERM');
}
console.log(failed ? '\nDemo finished with unexpected results.' : `\nDemo complete. Files are in ${rel(work)}.`);
process.exitCode = failed ? 1 : 0;
