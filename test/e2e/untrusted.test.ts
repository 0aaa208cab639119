/**
 * Workspace trust in real VS Code (code-server + Chromium): a workspace the user does not trust
 * (Restricted Mode) gets the static checks and a `state-unavailable` warning saying why, and the
 * extension makes no ReSim API call, even when asked to preview (issue: "in an untrusted
 * workspace no API calls").
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import {
  ARTIFACTS, Proc, ROOT, ensureCodeServer, ensureVsix, freePort, getJson, launchBrowser, openFile, runCommand,
} from './harness';

describe('ReSim Experience Sync in an untrusted workspace (code-server + Chromium)', function () {
  this.timeout(600_000);
  const work = path.join(ROOT, '.work/e2e-untrusted');
  const ws = path.join(work, 'workspace');
  const userData = path.join(work, 'user-data');
  const extDir = path.join(work, 'extensions');
  let sandbox: Proc | undefined;
  let codeServer: Proc | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let sandboxUrl = '';
  /** The sandbox's request log (admin endpoint, sandbox/server.ts). */
  const requestLog = () => getJson<{ path: string }[]>(new URL('/_sandbox/requests', sandboxUrl).toString());

  before(async () => {
    const bin = ensureCodeServer();
    const vsix = ensureVsix();
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const sbPort = await freePort();
    sandbox = Proc.start('sandbox', process.execPath, [path.join(ROOT, 'dist/cli.js'), 'sandbox', '--port', String(sbPort), '--seed', 'demo'],
      { cwd: ROOT, logFile: path.join(work, 'sandbox.log') });
    sandboxUrl = (await sandbox.waitFor(/listening on (http:\/\/\S+)/, 20000))[1];
    fs.writeFileSync(path.join(ws, 'demo.experiences.yaml'),
      'experiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n    tgas: [regression]\n');
    fs.writeFileSync(path.join(ws, '.vscode/settings.json'), JSON.stringify({ 'resim.apiUrl': sandboxUrl, 'resim.project': 'demo' }, null, 2));
    fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'window.dialogStyle': 'custom',
    }, null, 2));
    execFileSync(bin, ['--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', vsix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const csPort = await freePort();
    codeServer = Proc.start('code-server', bin, [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${csPort}`, '--disable-telemetry', '--disable-update-check',
      '--user-data-dir', userData, '--extensions-dir', extDir, ws,
    ], { cwd: work, env: { ...process.env, RESIM_TOKEN: 'untrusted-e2e-token' }, logFile: path.join(work, 'code-server.log') });
    await codeServer.waitFor(/HTTP server listening on/, 60000);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(`http://127.0.0.1:${csPort}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90000 });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await codeServer?.stop();
    await sandbox?.stop();
  });

  it('runs the static checks, says why live checks are off, and calls no API', async () => {
    // VS Code asks whether to trust the folder: the user says no (Restricted Mode).
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60000 });
    await dialog.locator('.monaco-button', { hasText: /No, I don.t trust/ }).click();
    await openFile(page, 'demo.experiences.yaml');
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: 'unknown-key' }).first().waitFor({ state: 'visible', timeout: 60000 });
    const unavailable = rows.filter({ hasText: 'state-unavailable' }).first();
    await unavailable.waitFor({ state: 'visible', timeout: 60000 });
    assert.match(await unavailable.innerText(), /not trusted/);
    await runCommand(page, 'ReSim: Preview Sync');
    await page.locator('.notification-toast', { hasText: 'Restricted Mode' }).waitFor({ state: 'visible', timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'untrusted.png') });
    assert.deepStrictEqual((await requestLog()).filter((r) => r.path.startsWith('/v1/')), [], 'no ReSim API request');
  });
});
