/**
 * Two edges of the editor (issue 22) in real VS Code (code-server 4.100.3 + Chromium), driven as
 * a user: a notification whose cause is gone is closed ("no project is selected for this file"
 * after Select Project), and the project view's filter shows in the view itself (a message) with
 * Clear Filter in its title bar, while an opened group stays open. The workspace starts with no
 * project selected. Screenshots of failures: test-artifacts/e2e/*.png.
 */
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, openFile, runCommand, startWorkbench, type Workbench } from './harness';

const CONFIG = fs.readFileSync(path.join(__dirname, 'fixtures/demo.experiences.yaml'), 'utf8');
const NO_PROJECT = 'no project is selected for this file';

/** Polls `f` until it is true, within `ms`; else fails with `what` and the last value seen. */
async function until(page: Page, what: string, f: () => Promise<boolean>, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('Notifications that close and the project view filter in VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  let wb: Workbench;
  let page: Page;

  before(async () => {
    wb = await startWorkbench({
      name: 'e2e-edges',
      files: { 'demo.experiences.yaml': CONFIG },
      token,
      trusted: true,
      project: null,
    });
    ({ page } = wb);
    // Quick Open finds the file once the workspace is indexed (slow on a busy machine).
    for (let attempt = 1; ; attempt++) {
      try {
        await openFile(page, 'demo.experiences.yaml');
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await page.waitForTimeout(5000);
      }
    }
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') {
      const name = (this.currentTest.title ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-edges-${name}.png`) }).catch(() => undefined);
    }
  });

  after(async () => {
    await wb?.stop();
  });

  /** The notification center's messages holding `text` (the center is opened to read it; Escape hides it). */
  async function inNotificationCenter(text: string): Promise<number> {
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center');
    await center.waitFor({ state: 'visible', timeout: 15000 });
    const n = await center.locator('.notification-list-item-message', { hasText: text }).count();
    await center
      .locator('.notification-list-item-message')
      .first()
      .focus()
      .catch(() => undefined);
    await page.keyboard.press('Escape');
    return n;
  }

  it('closes "no project is selected for this file" once Select Project has chosen one', async () => {
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Preview Sync');
    const toast = page.locator('.notification-toast', { hasText: NO_PROJECT });
    await toast.first().waitFor({ state: 'visible', timeout: 60000 });
    // The fix is offered in the notification.
    assert.ok(await toast.first().getByText('Select Project').count(), 'the notification offers Select Project');
    assert.equal(await inNotificationCenter(NO_PROJECT), 1, 'the notification is in the notification center');

    await runCommand(page, 'ReSim: Select Project');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'demo' }).first().waitFor({ state: 'visible', timeout: 30000 });
    await page.locator('.quick-input-widget .quick-input-box input').fill('demo');
    await page.keyboard.press('Enter');

    // Its cause is gone: the notification is closed, as a toast and in the notification center
    // (where a notification that merely timed out as a toast would stay).
    await until(page, 'the toast is closed', async () => (await toast.count()) === 0);
    await until(page, 'the notification center no longer holds it', async () => (await inNotificationCenter(NO_PROJECT)) === 0);
  });

  it('shows its filter in the project view (a message) with Clear Filter, and keeps an opened group open', async () => {
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Focus on Project View');
    const sidebar = page.locator('.part.sidebar');
    // The Project view is the container's first (Sync History follows it).
    const view = sidebar.locator('.tree-explorer-viewlet-tree-view').first();
    const row = (text: string): Locator => view.locator('.monaco-list-row', { hasText: text }).first();
    const experiences = row('Experiences (');
    await experiences.waitFor({ state: 'visible', timeout: 60000 });
    if ((await experiences.getAttribute('aria-expanded')) !== 'true') await experiences.click();
    await row('new-scenario-system-check').waitFor({ state: 'visible', timeout: 30000 });
    const message = view.locator('.message');
    const clearFilter = sidebar.locator('.action-label[aria-label^="Clear Filter"]');
    assert.equal(await clearFilter.count(), 0, 'no Clear Filter while no filter is on');

    await runCommand(page, 'ReSim Project: Filter');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('alpha');
    await page.keyboard.press('Enter');

    // The filter is visible in the view, with what it matched and how to clear it.
    await until(page, 'the view says the filter', async () => /Filter "alpha": \d+ match/.test(await message.innerText().catch(() => '')));
    assert.ok(await message.isVisible(), 'the message is shown');
    assert.match(await message.innerText(), /Clear Filter/);
    await clearFilter.first().waitFor({ state: 'visible', timeout: 15000 });
    // The group stays open and lists only what matches.
    await until(page, 'the other experience is filtered out', async () => (await row('new-scenario-system-check').count()) === 0);
    assert.equal(await experiences.getAttribute('aria-expanded'), 'true', 'the Experiences group stays open under the filter');
    await row('scenario-survey-alpha').waitFor({ state: 'visible', timeout: 30000 });

    await clearFilter.first().click();
    await row('new-scenario-system-check').waitFor({ state: 'visible', timeout: 30000 });
    assert.equal(await experiences.getAttribute('aria-expanded'), 'true', 'the Experiences group stays open after Clear Filter');
    await until(page, 'the filter message is gone', async () => !/Filter "/.test(await message.innerText().catch(() => '')));
    await until(page, 'Clear Filter is gone', async () => (await clearFilter.count()) === 0);
  });
});
