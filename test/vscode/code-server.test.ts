/**
 * `npm test` runs the extension-host suite (test/vscode/suite/) inside code-server's extension
 * host, as `npm run test:vscode` runs it inside desktop VS Code with @vscode/test-electron where
 * VS Code can be downloaded. The packaged .vsix and a small test-runner extension
 * (test/vscode/runner/, packaged here) are installed side by side; the runner starts the suite on
 * startup and it writes a JSON report, which this test reads. A Chromium page on the workbench
 * makes code-server start the extension host.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { ensureCodeServer, ensureVsix, freePort, launchBrowser, Proc } from '../e2e/harness';
import type { SuiteReport } from './suite/index';
import { buildSuite, makeWorkspace, ROOT, WORK } from './workspace';

/** Packages test/vscode/runner/ into a .vsix in `dir` (vsce, as the extension itself is packaged). */
function packageRunner(dir: string): string {
  const src = path.join(__dirname, 'runner');
  const copy = path.join(dir, 'runner');
  fs.mkdirSync(copy, { recursive: true });
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(copy, f));
  const out = path.join(dir, 'runner.vsix');
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--skip-license',
      '-o',
      out,
    ],
    {
      cwd: copy,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return out;
}

describe('the extension-host suite in code-server', function () {
  this.timeout(600_000);
  const work = path.join(WORK, 'code-server');
  let codeServer: Proc | undefined;
  let browser: Browser | undefined;

  after(async () => {
    await browser?.close().catch(() => undefined);
    await codeServer?.stop();
  });

  it('passes inside the extension host (commands, diagnostics, hover, code lens, sign-in, sandbox, configFiles, multi-root, cancel)', async () => {
    const bin = ensureCodeServer();
    const vsix = ensureVsix();
    fs.rmSync(work, { recursive: true, force: true });
    const userData = path.join(work, 'user-data');
    const extDir = path.join(work, 'extensions');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    const workspace = makeWorkspace(path.join(work, 'workspace'));
    const suite = await buildSuite(path.join(work, 'out'));
    const report = path.join(work, 'report.json');
    const runner = packageRunner(work);
    fs.writeFileSync(
      path.join(userData, 'User/settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'git.enabled': false,
      }),
    );
    execFileSync(
      bin,
      ['--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', vsix, '--install-extension', runner],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const port = await freePort();
    // No credential in the environment: the suite signs in and starts the sandbox itself.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RESIM_EXTENSION_TESTS: '1',
      RESIM_VSCODE_TEST_SUITE: suite,
      RESIM_VSCODE_TEST_REPORT: report,
    };
    for (const k of ['RESIM_TOKEN', 'RESIM_CLIENT_ID', 'RESIM_CLIENT_SECRET', 'RESIM_URL', 'RESIM_PROJECT']) delete env[k];
    codeServer = Proc.start(
      'code-server',
      bin,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extDir,
      ],
      { cwd: work, env, logFile: path.join(work, 'code-server.log') },
    );
    await codeServer.waitFor(/HTTP server listening on/, 60_000);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    const end = Date.now() + 480_000;
    while (!fs.existsSync(report) && Date.now() < end) await new Promise((r) => setTimeout(r, 1000));
    assert.ok(fs.existsSync(report), `the suite wrote no report; code-server log:\n${codeServer.output.join('').slice(-3000)}`);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as SuiteReport;
    assert.deepEqual(r.failures, [], `extension-host failures:\n${r.failures.map((f) => `${f.title}\n${f.error}`).join('\n\n')}`);
    assert.ok(r.passes.length >= 10, `passed: ${r.passes.join('; ')}`);
    console.log(`      ${r.passes.length} extension-host tests passed`);
  });
});
