/**
 * Workspace trust in real VS Code (code-server + Chromium): a workspace the user does not trust
 * (Restricted Mode) gets the static checks and a `state-unavailable` warning saying why, and the
 * extension makes no ReSim API call, even when asked to preview (issue: "in an untrusted
 * workspace no API calls").
 */
import * as assert from 'assert';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, getJson, openFile, runCommand, startWorkbench, type Workbench } from './harness';

describe('ReSim Experience Sync in an untrusted workspace (code-server + Chromium)', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let page: Page;
  /** The sandbox's request log (admin endpoint, sandbox/server.ts). */
  const requestLog = () => getJson<{ path: string }[]>(new URL('/_sandbox/requests', wb.sandboxUrl).toString(), wb.sandboxToken);

  before(async () => {
    wb = await startWorkbench({
      name: 'e2e-untrusted',
      files: {
        'demo.experiences.yaml':
          'experiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n    tgas: [regression]\n',
      },
      token: 'untrusted-e2e-token',
      trusted: false,
    });
    page = wb.page;
  });

  after(async () => {
    await wb?.stop();
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
    assert.match(await unavailable.innerText(), /Restricted Mode/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'untrusted.png') });
    assert.deepStrictEqual(
      (await requestLog()).filter((r) => r.path.startsWith('/v1/')),
      [],
      'no ReSim API request',
    );
  });

  it('offers no command that cannot run in Restricted Mode', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('>ReSim:');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'Show Output' }).first().waitFor({ state: 'visible', timeout: 15000 });
    const listed = (await rows.allInnerTexts()).join(' | ');
    for (const title of [
      'Preview Sync',
      'Apply Sync',
      'Clone Project',
      'Sign In',
      'Select Project',
      'Refresh Project State',
      'Start Local Sandbox',
      'Compare with Project',
    ])
      assert.ok(!listed.includes(`ReSim: ${title}`), `${title} is listed in Restricted Mode: ${listed}`);
    await page.keyboard.press('Escape');
  });

  it('the status bar follows a trust change at once', async () => {
    await page
      .locator('.statusbar-item', { hasText: /ReSim: demo \(restricted\)/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.getByRole('button', { name: /^Trust( Folder)?$/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 30000 });
    await trust.click();
    await page
      .locator('.statusbar-item', { hasText: /ReSim: demo/ })
      .filter({ hasNotText: 'restricted' })
      .first()
      .waitFor({ state: 'visible', timeout: 60000 });
  });
});
