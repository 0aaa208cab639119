/**
 * Signing in, in real VS Code (code-server + Chromium), as a person does: the Accounts menu's
 * "Sign in with ReSim", the browser flow (the extension opens the local OAuth server's page,
 * where the test confirms the code, logs in and consents), the account listed in the Accounts
 * menu, a preview with that sign-in, and signing out; a wrong API token refused at sign-in with
 * the reason; Start Local Sandbox → Stop Local Sandbox → signing in elsewhere uses the new API;
 * the token renewed before it expires; sandbox mode asking to be left when resim.apiUrl changes,
 * and announced as stopped after a reload.
 * No message shown names a command-line flag or an environment variable.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { INTERACTIVE_CLIENT, startTestOidc, type TestOidc } from '../support/oidcProvider';
import { ARTIFACTS, getJson, openFile, runCommand, startWorkbench, waitForFrameText, type Workbench } from './harness';

const CONFIG = fs.readFileSync(path.join(__dirname, 'fixtures/demo.experiences.yaml'), 'utf8');
const CLI_WORDS = /--[a-z][a-z-]+|\bRESIM_[A-Z_]+/;

describe('Sign in to ReSim in VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  let oidc: TestOidc;
  let elsewhere: Sandbox;
  let wb: Workbench;
  let page: Page;
  const seen = new Set<string>();
  let watcher: ReturnType<typeof setInterval> | undefined;
  /** Opens the Accounts menu (the badge of a sign-in request sits over the icon). */
  const openAccounts = () => page.locator('.activitybar .action-item .action-label[aria-label^="Accounts"]').first().click({ force: true });
  /** Picks a Sign In method by typing its label into the quick pick. */
  const pickMethod = async (label: string) => {
    await page.locator('.quick-input-widget', { hasText: 'ReSim: Sign In' }).waitFor({ state: 'visible', timeout: 30000 });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 15000 });
    await page.locator('.quick-input-widget .quick-input-box input').fill(label);
    await page.keyboard.press('Enter');
  };
  /**
   * Waits until a notification holding `text` exists, as a toast or in the notification center
   * (VS Code stops showing toasts after some are dismissed; the bell opens the center).
   */
  const waitForNotification = async (text: string, ms = 30000) => {
    const end = Date.now() + ms;
    const bell = page
      .locator('.statusbar-item .codicon-bell, .statusbar-item .codicon-bell-dot, .statusbar-item .codicon-bell-slash')
      .first();
    while (Date.now() < end) {
      if (await page.locator('.notification-toast', { hasText: text }).count()) return;
      await bell.click();
      const found = await page
        .locator('.notifications-center .notification-list-item-message', { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 1500 })
        .then(
          () => true,
          () => false,
        );
      await collect();
      await bell.click();
      if (found) return;
      await page.waitForTimeout(500);
    }
    throw new Error(`no notification "${text}" within ${ms} ms`);
  };
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const requestLog = () =>
    getJson<{ path: string; status: number }[]>(new URL('/_sandbox/requests', wb.sandboxUrl).toString(), wb.sandboxToken);

  /** Every notification and quick-input text shown so far (polled), for the "no CLI words" check. */
  const collect = async () => {
    for (const sel of [
      '.notification-list-item-message',
      '.quick-input-widget .quick-input-title',
      '.quick-input-widget .quick-input-message',
      '.monaco-dialog-box .dialog-message-text',
    ]) {
      for (const t of await page
        .locator(sel)
        .allInnerTexts()
        .catch(() => [] as string[]))
        if (t.trim()) seen.add(t.trim());
    }
  };

  before(async () => {
    // Tokens live 5 min 8 s: the extension renews them 5 min before they expire, i.e. after 8 s.
    oidc = await startTestOidc({ interval: 1, accessTokenTtl: 308 });
    elsewhere = await startSandbox({ port: 0, seed: 'demo', token: 'elsewhere-token' });
    wb = await startWorkbench({
      name: 'e2e-signin',
      files: { 'demo.experiences.yaml': CONFIG },
      token: '', // no RESIM_TOKEN: only what the person signs in with
      sandboxToken: 'not-given-to-anyone',
      sandboxIssuer: oidc.url,
      trusted: true,
      userSettings: { 'resim.authUrl': oidc.url, 'resim.authClientId': INTERACTIVE_CLIENT },
    });
    page = wb.page;
    watcher = setInterval(() => {
      void collect();
    }, 400);
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') {
      const name = (this.currentTest.title ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await shot(`signin-failed-${name}`).catch(() => undefined);
    }
  });

  after(async () => {
    if (watcher) clearInterval(watcher);
    fs.writeFileSync(path.join(ARTIFACTS, 'signin-messages.txt'), [...seen].join('\n---\n'));
    await wb?.stop();
    await elsewhere?.close();
    await oidc?.close();
  });

  it('before signing in, the status bar is in a warning state and says why', async () => {
    await openFile(page, 'demo.experiences.yaml');
    const item = page.locator('.statusbar-item.warning-kind', { hasText: 'ReSim: demo' }).first();
    await item.waitFor({ state: 'visible', timeout: 90000 });
    await shot('signin-01-warning');
  });

  it('signs in from the Accounts menu with the browser; the account is listed', async () => {
    await openAccounts();
    const entry = page.locator('.monaco-menu .action-item', { hasText: /Sign in with ReSim/ }).first();
    await entry.waitFor({ state: 'visible', timeout: 30000 });
    const popup = page.context().waitForEvent('page', { timeout: 60000 });
    await entry.hover();
    await page.keyboard.press('Enter');
    if (await entry.isVisible().catch(() => false)) await entry.click();
    await pickMethod('Sign in with the browser');
    // The extension opens the verification page: confirm the code there, log in, consent.
    const toast = page.locator('.notification-toast', { hasText: /Confirm the code \S+ in the browser/ }).first();
    await toast.waitFor({ state: 'visible', timeout: 30000 });
    const userCode = /Confirm the code (\S+) in the browser/.exec(await toast.innerText())![1];
    const p = await popup;
    await p.waitForLoadState();
    // code-server opens loopback URLs through its port proxy (/proxy/<port>/); elsewhere the page itself.
    const port = new URL(oidc.url).port;
    assert.ok(p.url().startsWith(`${oidc.url}activate`) || p.url().includes(`/proxy/${port}/`), p.url());
    if (!p.url().startsWith(`${oidc.url}activate`)) await p.goto(`${oidc.url}activate?user_code=${encodeURIComponent(userCode)}`);
    assert.equal(await p.locator('code').innerText(), userCode, 'the page shows the code the editor showed');
    await p.locator('button', { hasText: 'Continue' }).click();
    await p.locator('input[name="login"]').fill('engineer');
    await p.locator('input[name="password"]').fill('any');
    await p.locator('button[type="submit"]').click();
    const consent = p.locator('button', { hasText: 'Continue' });
    if (await consent.isVisible({ timeout: 5000 }).catch(() => false)) await consent.click();
    await p.locator('h1', { hasText: 'Sign-in Success' }).waitFor({ state: 'visible', timeout: 30000 });
    await p.close();

    await page.locator('.notification-toast', { hasText: 'signed in as engineer' }).waitFor({ state: 'visible', timeout: 60000 });
    await openAccounts();
    await page.locator('.monaco-menu .action-item', { hasText: 'engineer' }).first().waitFor({ state: 'visible', timeout: 30000 });
    await shot('signin-02-accounts');
    await page.keyboard.press('Escape');
  });

  it('previews with that sign-in; the status bar leaves the warning state', async () => {
    await runCommand(page, 'ReSim: Preview Sync');
    await waitForFrameText(page, 'body', /demo/, 60000);
    await page
      .locator('.statusbar-item:not(.warning-kind)', { hasText: /demo · / })
      .first()
      .waitFor({ state: 'visible', timeout: 60000 });
    const log = await requestLog();
    assert.ok(
      log.some((r) => r.path === '/v1/projects' && r.status === 200),
      'the API accepted the browser sign-in',
    );
  });

  it('renews the token before it expires (refresh token), and the API keeps answering', async () => {
    const refreshes = () => oidc.grants.filter((g) => g === 'refresh_token').length;
    for (let i = 0; i < 60 && refreshes() === 0; i++) await page.waitForTimeout(500);
    assert.ok(refreshes() >= 1, `token requests: ${oidc.grants.join(', ')}`);
    await runCommand(page, 'ReSim: Refresh Project State');
    await page
      .locator('.statusbar-item:not(.warning-kind)', { hasText: /demo · / })
      .first()
      .waitFor({ state: 'visible', timeout: 60000 });
  });

  it('signs out: the account leaves the Accounts menu, which offers to sign in again', async () => {
    await runCommand(page, 'ReSim: Sign Out');
    await page.locator('.notification-toast', { hasText: 'signed out (engineer)' }).waitFor({ state: 'visible', timeout: 30000 });
    // The Accounts menu is rebuilt when VS Code hears of the removed session: reopen it until it
    // offers to sign in (a menu opened a moment too early keeps its old entries).
    const signInEntry = page.locator('.monaco-menu .action-item', { hasText: /Sign in with ReSim/ }).first();
    for (let attempt = 0; ; attempt++) {
      await openAccounts();
      try {
        await signInEntry.waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (err) {
        if (attempt >= 11) throw err;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
      }
    }
    assert.equal(await page.locator('.monaco-menu .action-item', { hasText: 'engineer' }).count(), 0, 'the account is gone');
    await page.keyboard.press('Escape');
    await runCommand(page, 'ReSim: Refresh Project State');
    await page.locator('.statusbar-item.warning-kind', { hasText: 'ReSim: demo' }).first().waitFor({ state: 'visible', timeout: 60000 });
  });

  it('refuses a wrong API token at sign-in and says why', async () => {
    await runCommand(page, 'ReSim: Sign In');
    await pickMethod('API token');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'ReSim: API token' }).waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('a-wrong-token');
    await page.keyboard.press('Enter');
    const reason = page.locator('.quick-input-widget', { hasText: /refused the credentials \(invalid bearer token/ });
    await reason.waitFor({ state: 'visible', timeout: 60000 });
    await shot('signin-03-wrong-token');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.notification-toast', { hasText: 'ReSim: signed in' }).count(), 0, 'never says "signed in"');
  });

  it('Start Local Sandbox → Stop Local Sandbox → signing in elsewhere uses the new API', async () => {
    await runCommand(page, 'ReSim: Start Local Sandbox');
    await page.locator('.notification-toast', { hasText: 'local sandbox running' }).waitFor({ state: 'visible', timeout: 60000 });
    await page.locator('.statusbar-item .codicon-beaker').first().waitFor({ state: 'visible', timeout: 30000 });
    await runCommand(page, 'ReSim: Stop Local Sandbox');
    await waitForNotification('the local sandbox stopped; this window uses');
    assert.equal(await page.locator('.statusbar-item .codicon-beaker').count(), 0, 'sandbox mode is off');
    fs.writeFileSync(
      path.join(wb.ws, '.vscode/settings.json'),
      JSON.stringify({ 'resim.apiUrl': elsewhere.url, 'resim.project': 'demo' }, null, 2),
    );
    await page.waitForTimeout(1500);
    await runCommand(page, 'ReSim: Sign In');
    await pickMethod('API token');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'ReSim: API token' }).waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('elsewhere-token');
    await page.keyboard.press('Enter');
    await waitForNotification(`the API at ${elsewhere.url} answered`, 60000);
    await runCommand(page, 'ReSim: Preview Sync');
    await waitForFrameText(page, 'body', /demo/, 60000);
    // The sign-in check lists projects; only reading the project state reads its experiences.
    for (
      let i = 0;
      i < 60 && !elsewhere.requestLog.some((r) => /^\/v1\/projects\/[^/]+\/experiences/.test(r.path) && r.status === 200);
      i++
    )
      await page.waitForTimeout(500);
    assert.ok(
      elsewhere.requestLog.some((r) => /^\/v1\/projects\/[^/]+\/experiences/.test(r.path) && r.status === 200),
      'the preview read the new API',
    );
    await shot('signin-04-elsewhere');
  });

  it('changing resim.apiUrl in sandbox mode asks to leave it; after a reload the sandbox is said to have stopped, with a restart offered', async () => {
    await runCommand(page, 'ReSim: Start Local Sandbox');
    await page.locator('.statusbar-item .codicon-beaker').first().waitFor({ state: 'visible', timeout: 60000 });
    fs.writeFileSync(
      path.join(wb.ws, '.vscode/settings.json'),
      JSON.stringify({ 'resim.apiUrl': wb.sandboxUrl, 'resim.project': 'demo' }, null, 2),
    );
    await waitForNotification('resim.apiUrl changed: leave sandbox mode to use it?');
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90000 });
    const notice = page.locator('.notification-toast', { hasText: 'the local sandbox stopped when the window reloaded' });
    await notice.waitFor({ state: 'visible', timeout: 60000 });
    assert.equal(await notice.locator('.monaco-button', { hasText: 'Start Local Sandbox' }).count(), 1);
    await collect();
    assert.equal(await page.locator('.statusbar-item .codicon-beaker').count(), 0, 'not in sandbox mode after the reload');
    await shot('signin-05-after-reload');
  });

  it('showed no message naming a command-line flag or environment variable', async () => {
    await collect();
    const bad = [...seen].filter((t) => CLI_WORDS.test(t));
    assert.deepEqual(bad, []);
    assert.ok(seen.size > 3, `messages were collected: ${[...seen].join(' | ')}`);
  });
});
