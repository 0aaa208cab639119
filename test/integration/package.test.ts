/**
 * The npm package as a user gets it (README "The command line"): `npm pack`, then
 * `npm install -g --offline --prefix <empty dir> <tgz>` (no dev dependency, no build, nothing fetched:
 * the programs are bundled), then the two programs from the prefix's `bin/`:
 * `resim-sync --version`, `resim-sync validate` on the seed example, and an LSP `initialize` +
 * diagnostics round trip through `resim-language-server --stdio` (offline, and against the
 * sandbox with only RESIM_URL and RESIM_TOKEN set).
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { LspClient, ROOT } from './lsp-helpers';

const SEED = path.join(ROOT, 'test/fixtures/seed-example.yaml');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
};

describe('npm package: pack, global install into an empty prefix, run both programs', function () {
  this.timeout(180_000);
  let tmp: string;
  let bin: string;
  let installed: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-pack-'));
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    // `npm pack` runs `prepack` (the production bundles) and keeps package.json `files`.
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: ROOT,
      env: npmEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const tgz = path.join(tmp, path.basename(info.filename));
    assert.ok(fs.existsSync(tgz), tgz);
    const files = info.files.map((f) => f.path);
    assert.ok(files.includes('dist/cli.js') && files.includes('dist/server.js'), files.join(', '));
    assert.ok(
      !files.some((f) => /^(server|client|sandbox|test|bench|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts')),
      `sources in the package: ${files.join(', ')}`,
    );
    // What npm users run (the CLI, the server and its worker, the schemas, the editors' guide),
    // not the VS Code extension's bundles and files (the .vsix ships those: scripts/package-vsix.mjs).
    for (const f of ['dist/loadWorker.js', 'schema/experience-sync.schema.json', 'docs/editors.md'])
      assert.ok(files.includes(f), `${f} missing: ${files.join(', ')}`);
    assert.deepEqual(
      files.filter((f) => /^dist\/(extension|languageClient|signInFlows)\.js$|^(media|syntaxes)\/|^language-configuration\.json$/.test(f)),
      [],
      'VS Code files in the npm package',
    );
    const prefix = path.join(tmp, 'prefix');
    fs.mkdirSync(prefix);
    // The empty prefix, a fresh npm cache and --offline: nothing comes from this checkout but
    // the tgz, and nothing from the registry (the programs are bundled: no dependency).
    try {
      execFileSync('npm', ['install', '-g', '--offline', '--prefix', prefix, '--cache', path.join(tmp, 'npm-cache'), tgz], {
        cwd: tmp,
        env: npmEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const deps = Object.keys(pkg.dependencies ?? {});
      throw new Error(
        `npm install -g --offline of the tgz failed${deps.length ? ` (package.json lists dependencies: ${deps.join(', ')}; the programs are bundled by esbuild, so libraries belong in devDependencies)` : ''}: ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`,
      );
    }
    bin = path.join(prefix, 'bin');
    installed = path.join(prefix, 'lib', 'node_modules', pkg.name);
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs bundled programs with no dependency to fetch', () => {
    assert.ok(fs.existsSync(path.join(bin, 'resim-sync')));
    assert.ok(fs.existsSync(path.join(bin, 'resim-language-server')));
    assert.ok(
      !fs.existsSync(path.join(installed, 'node_modules')),
      `the installed package has node_modules (${Object.keys(pkg.dependencies ?? {}).join(', ')}): everything the programs use is bundled by esbuild, so list libraries under devDependencies`,
    );
  });

  it('every file that --help names is in the installed package', () => {
    for (const program of ['resim-sync', 'resim-language-server']) {
      const r = spawnSync(path.join(bin, program), ['--help'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      assert.equal(r.status, 0, r.stderr);
      const named = [...r.stdout.matchAll(/\b((?:docs|schema|dist)\/[\w./-]+\.\w+)/g)].map((m) => m[1].replace(/\.$/, ''));
      if (program === 'resim-language-server') assert.ok(named.includes('docs/editors.md'), r.stdout);
      for (const f of named) assert.ok(fs.existsSync(path.join(installed, f)), `${program} --help names ${f}, which the package lacks`);
    }
  });

  it('resim-sync --version prints the package version', () => {
    const r = spawnSync(path.join(bin, 'resim-sync'), ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('resim-language-server --version; without a transport: one line, exit 1, no stack trace', () => {
    const v = spawnSync(path.join(bin, 'resim-language-server'), ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), pkg.version);
    const bare = spawnSync(path.join(bin, 'resim-language-server'), [], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 10_000,
    });
    assert.equal(bare.status, 1);
    assert.equal(bare.stderr.trim().split('\n').length, 1, bare.stderr);
    assert.match(bare.stderr, /--stdio/);
  });

  it('resim-sync validate on the seed example: the tab error at line 7, exit 1; valid after --fix', () => {
    const r = spawnSync(path.join(bin, 'resim-sync'), ['validate', '--experience-config', SEED], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: tmp },
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /seed-example\.yaml:7:1: error: Tab character/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    const copy = path.join(tmp, 'seed.experiences.yaml');
    fs.copyFileSync(SEED, copy);
    const fixed = spawnSync(path.join(bin, 'resim-sync'), ['validate', '--fix', '--experience-config', copy], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: tmp },
    });
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /is valid: 2 experiences/);
  });

  describe('resim-language-server --stdio', () => {
    let c: LspClient | undefined;
    let sb: Sandbox | undefined;
    afterEach(async () => {
      await c?.stop();
      c = undefined;
    });
    after(async () => {
      await sb?.close();
    });

    it('initialize, then diagnostics for the seed example (offline)', async () => {
      c = await LspClient.start({ command: [path.join(bin, 'resim-language-server'), '--stdio'], settings: null, env: { HOME: tmp } });
      const uri = 'file:///pkg/seed-example.experiences.yaml';
      c.open(uri, fs.readFileSync(SEED, 'utf8'));
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'tab-indent'));
      assert.equal(ds.find((d) => d.code === 'tab-indent')?.range.start.line, 6);
      assert.ok(ds.some((d) => d.code === 'snake-case-key'));
    });

    it('live diagnostics from the sandbox with only RESIM_URL and RESIM_TOKEN in its environment', async () => {
      sb = await startSandbox({ seed: 'demo', token: 'pkg-token' });
      c = await LspClient.start({
        command: [path.join(bin, 'resim-language-server'), '--stdio'],
        settings: null,
        capabilities: { workspace: { configuration: false } },
        env: { HOME: tmp, RESIM_URL: sb.url, RESIM_TOKEN: 'pkg-token' },
      });
      const uri = 'file:///pkg/live.experiences.yaml';
      c.open(
        uri,
        '# resim-project: demo\nexperiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n    tags: [regresion]\n',
      );
      const ds = await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
      assert.equal(ds.filter((d) => d.code === 'unknown-tag').length, 1);
      assert.equal(c.stderr, '');
    });
  });
});
