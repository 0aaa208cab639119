/**
 * A multi-root workspace in real VS Code (code-server + Chromium): `resim.project` set per folder
 * (a resource-scoped setting) reaches the language server per config file (the client answers
 * `workspace/configuration` per `scopeUri`), and Select Project chooses per folder, marking the
 * current project in its picker.
 */
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import type { Page } from 'playwright-core';
import { openFile, runCommand, startWorkbench, type Workbench } from './harness';

const config = (name: string) => `experiences:\n  - name: ${name}\n    description: d\n    locations: [s3://x]\n`;

describe('ReSim in a multi-root workspace (code-server + Chromium)', function () {
  this.timeout(600_000);
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  let wb: Workbench;
  let page: Page;
  const bar = (re: RegExp) => page.locator('.statusbar-item', { hasText: re }).first();
  /** Opens a file from the Explorer (Quick Open's pick between two like-named files in two folders is not reliable). */
  const openInExplorer = async (name: string) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+E');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    await row.click();
    await page.locator('.tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15000 });
  };

  before(async () => {
    wb = await startWorkbench({
      name: 'e2e-multiroot',
      files: {},
      token,
      sandboxToken: token,
      trusted: true,
      folders: {
        alpha: { files: { 'a.experiences.yaml': config('scenario-survey-alpha') }, settings: { 'resim.project': 'demo' } },
        beta: { files: { 'b.experiences.yaml': config('lidar-rain-calibration') }, settings: { 'resim.project': 'perception' } },
      },
    });
    page = wb.page;
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') await page.screenshot({ path: `${wb.work}/failed.png` }).catch(() => undefined);
  });

  after(async () => {
    await wb?.stop();
  });

  it('each folder syncs to the project its own settings name', async () => {
    await openFile(page, 'a.experiences.yaml');
    await bar(/ReSim: demo · \d+ changes? · /).waitFor({ state: 'visible', timeout: 90000 });
    await openFile(page, 'b.experiences.yaml');
    await bar(/ReSim: perception · \d+ changes? · /).waitFor({ state: 'visible', timeout: 90000 });
    await page.keyboard.press('Control+Shift+M');
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: 'will-archive' })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    assert.strictEqual(
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'state-unavailable' }).count(),
      0,
      'no "no ReSim project is set"',
    );
  });

  it('Select Project chooses per folder and marks the current project', async () => {
    const pick = async (name: string, current: string) => {
      await runCommand(page, 'ReSim: Select Project');
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      await rows.filter({ hasText: current }).first().waitFor({ state: 'visible', timeout: 30000 });
      assert.match(await rows.first().innerText(), new RegExp(`${current}[\\s\\S]*current`), 'the current project comes first, marked');
      await rows
        .filter({ hasText: new RegExp(`^${name}`) })
        .first()
        .click();
    };
    await openInExplorer('a.experiences.yaml');
    await pick('perception', 'demo');
    await bar(/ReSim: perception · /).waitFor({ state: 'visible', timeout: 60000 });
    await openInExplorer('b.experiences.yaml');
    await bar(/ReSim: perception · /).waitFor({ state: 'visible', timeout: 60000 });
    await pick('demo', 'perception');
    await bar(/ReSim: demo · /).waitFor({ state: 'visible', timeout: 60000 });
    // The other folder kept its own choice.
    await openInExplorer('a.experiences.yaml');
    await bar(/ReSim: perception · /).waitFor({ state: 'visible', timeout: 60000 });
  });
});
