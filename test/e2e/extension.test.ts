/**
 * The packaged extension in real VS Code (code-server 4.100.3 + Chromium), driven as a user:
 * diagnostics in the Problems panel, a hover with the matched experience ID, the plan webview,
 * Apply (with the modal) changing the sandbox's state, Clone Project, an experience named
 * `<img src=x onerror=alert(1)>` shown as text with no alert, and no token in any file the
 * editor wrote. Screenshots: test-artifacts/e2e/*.png. Setup: scripts/e2e-setup.sh.
 */
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, filesContaining, getJson, openFile, runCommand, startWorkbench, waitForFrameText, type Workbench } from './harness';

const XSS = '<img src=x onerror=alert(1)>';
const ALPHA_ID = 'e0000000-0000-4000-8000-000000000001'; // sandbox/seed.ts: the demo's scenario-survey-alpha

/** The workspace's config: the design doc's example, tab-free and camelCase, plus an HTML-like name. */
const CONFIG = fs.readFileSync(path.join(__dirname, 'fixtures/demo.experiences.yaml'), 'utf8');

interface SandboxState {
  projects: { projectID: string; name: string }[];
  experiences: Record<string, { experienceID: string; name: string; description: string; archived: boolean }[]>;
}

describe('ReSim Experience Sync in VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  let wb: Workbench;
  let page: Page;
  let ws = '';
  let sandboxUrl = '';
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const sandboxState = async () => getJson<SandboxState>(new URL('/_sandbox/state', sandboxUrl).toString(), token);

  before(async () => {
    wb = await startWorkbench({
      name: 'e2e',
      files: { 'demo.experiences.yaml': CONFIG, 'second.experiences.yaml': CONFIG },
      token,
      sandboxToken: token,
      trusted: true,
      userSettings: { 'editor.hover.delay': 300, 'files.simpleDialog.enable': true },
    });
    ({ page, ws, sandboxUrl } = wb);
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') {
      const name = (this.currentTest.title ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await shot(`failed-${name}`).catch(() => undefined);
    }
  });

  after(async () => {
    await wb?.stop();
  });

  it('shows live diagnostics from the project in the Problems panel', async () => {
    await openFile(page, 'demo.experiences.yaml');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'will-archive' }).first();
    await row.waitFor({ state: 'visible', timeout: 90000 });
    const text = await row.innerText();
    assert.match(text, /resim/);
    assert.match(text, /archive/i);
    await shot('01-problems');
  });

  it('hovers an experience name and shows the matched experience ID', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    const word = page.locator('.monaco-editor .view-line span', { hasText: 'scenario-survey-alpha' }).first();
    await word.waitFor({ state: 'visible', timeout: 15000 });
    const hover = page.locator('.monaco-hover-content', { hasText: ALPHA_ID });
    for (let i = 0; i < 5 && !(await hover.isVisible()); i++) {
      await page.mouse.move(0, 0);
      await word.hover();
      await hover.waitFor({ state: 'visible', timeout: 6000 }).catch(() => undefined);
    }
    assert.ok(await hover.isVisible(), 'the hover names the experience ID');
    await page.waitForTimeout(400); // let the hover's fade-in finish before the screenshot
    await shot('02-hover');
    await page.keyboard.press('Escape');
  });

  it('previews the sync in the plan webview, with the HTML-like name as text', async () => {
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Preview Sync');
    const { frame, text } = await waitForFrameText(page, 'main#plan', /Sync plan/, 60000);
    assert.match(text, /Project\s+demo/);
    assert.match(text, /create/);
    assert.match(text, /scenario-survey-alpha/);
    assert.match(text, /legacy-night-flight/, 'the unlisted experience is archived');
    assert.match(text, /Basic Suite/);
    assert.ok(text.includes(XSS), 'the experience named like HTML reads as text');
    assert.strictEqual((await frame.$$('main#plan img')).length, 0, 'no <img> element was injected');
    assert.ok(await frame.$('main#plan ins'), 'a word-level diff of the description');
    await shot('03-plan');
  });

  it('applies the sync after the modal confirmation and changes the sandbox state', async () => {
    const before = await sandboxState();
    const demo = before.projects.find((p) => p.name === 'demo');
    assert.ok(demo);
    assert.ok(!before.experiences[demo.projectID].some((e) => e.name === XSS));
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Apply Sync');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60000 });
    assert.match(await dialog.innerText(), /Apply "[^"]+\.yaml" to project "demo"\?[\s\S]*create/);
    await shot('04-apply-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await page.locator('.notification-toast', { hasText: 'applied to demo' }).waitFor({ state: 'visible', timeout: 90000 });
    const after = await sandboxState();
    const exps = after.experiences[demo.projectID];
    const created = exps.find((e) => e.name === XSS);
    assert.ok(created && !created.archived, 'the new experience exists');
    assert.strictEqual(exps.find((e) => e.experienceID === ALPHA_ID)?.description, 'Aerial survey over the north test zone');
    assert.strictEqual(exps.find((e) => e.name === 'legacy-night-flight')?.archived, true);
    await waitForFrameText(page, 'main#plan', /Applied/, 30000);
    await shot('05-applied');
  });

  it('previews again after the apply and finds no changes', async () => {
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Preview Sync');
    await waitForFrameText(page, 'main#plan', /No changes/, 60000);
    await page
      .locator('.statusbar-item', { hasText: /demo · no changes/ })
      .first()
      .waitFor({ state: 'visible', timeout: 15000 });
  });

  it('the plan follows its document: an edit after the preview makes it stale, Apply is disabled, nothing unpreviewed is written', async () => {
    const demoID = 'd0000000-0000-4000-8000-000000000001'; // sandbox/seed.ts
    const descriptions = async () => (await sandboxState()).experiences[demoID].map((e) => `${e.name}: ${e.description}`).sort();
    const before = await descriptions();
    const appendToLine = async (lineText: string, typed: string) => {
      await page.locator('.monaco-editor .view-line', { hasText: lineText }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.type(typed);
    };
    await openFile(page, 'second.experiences.yaml');
    await appendToLine('description: Regression validation run', ' - first edit');
    await runCommand(page, 'ReSim: Preview Sync');
    const previewed = await waitForFrameText(page, 'main#plan', /first edit/, 60000);
    assert.match(previewed.text, /1\s+update/);
    assert.ok(await previewed.frame.locator('#apply').isEnabled(), 'Apply is enabled on a fresh plan');
    // The user edits the file after the preview: the plan shown is no longer what Apply would do.
    await openFile(page, 'second.experiences.yaml');
    await appendToLine('description: Aerial survey over the north test zone', ' - unpreviewed edit');
    const stale = await waitForFrameText(page, 'main#plan', /Stale plan/, 30000);
    assert.ok(await stale.frame.locator('#apply').isDisabled(), 'Apply is disabled on a stale plan');
    assert.doesNotMatch(stale.text, /unpreviewed edit/, 'the stale plan still shows what was previewed');
    await shot('05b-stale-webview');
    assert.deepStrictEqual(await descriptions(), before, 'nothing was written');
    // Preview again: the plan shows both edits, and Apply is enabled again.
    await stale.frame.locator('#refresh').click();
    const fresh = await waitForFrameText(page, 'main#plan', /unpreviewed edit/, 60000);
    assert.doesNotMatch(fresh.text, /Stale plan/);
    assert.match(fresh.text, /2\s+update/);
    assert.ok(await fresh.frame.locator('#apply').isEnabled());
    assert.deepStrictEqual(await descriptions(), before, 'previewing writes nothing');
    // Select Project (here the same one) also makes the plan shown stale: it may now be another project's.
    await runCommand(page, 'ReSim: Select Project');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'demo' }).first().waitFor({ state: 'visible', timeout: 30000 });
    await page.locator('.quick-input-widget .quick-input-box input').fill('demo');
    await page.keyboard.press('Enter');
    const afterSelect = await waitForFrameText(page, 'main#plan', /Stale plan[\s\S]*project or the sign-in changed/, 30000);
    assert.ok(await afterSelect.frame.locator('#apply').isDisabled());
    assert.deepStrictEqual(await descriptions(), before, 'nothing was written');
    await openFile(page, 'second.experiences.yaml');
    await runCommand(page, 'File: Revert File');
  });

  it('refuses a stale plan: the project changed after the preview, nothing is written, Preview Again is offered', async () => {
    const demoID = 'd0000000-0000-4000-8000-000000000001'; // sandbox/seed.ts
    const createExperience = async (name: string) => {
      const res = await fetch(new URL(`projects/${demoID}/experiences`, sandboxUrl), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, description: 'made by a second writer', locations: ['s3://elsewhere'] }),
      });
      assert.strictEqual(res.status, 201);
    };
    await createExperience('second-writer-a');
    await page.waitForTimeout(2500); // Preview Sync reads the project again when its copy is over 2 s old
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Preview Sync');
    const { frame } = await waitForFrameText(page, 'main#plan', /second-writer-a/, 60000);
    await createExperience('second-writer-b'); // the project moves on after the preview
    await frame.locator('#apply').click();
    // The client may find the change itself, or the server may refuse after the modal: either way, a stale plan.
    const stale = page.locator('.notification-toast', { hasText: 'stale plan' });
    const dialog = page.locator('.monaco-dialog-box');
    await Promise.race([stale.waitFor({ state: 'visible', timeout: 60000 }), dialog.waitFor({ state: 'visible', timeout: 60000 })]);
    if (await dialog.isVisible()) await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await stale.waitFor({ state: 'visible', timeout: 60000 });
    assert.ok(await stale.locator('.monaco-button', { hasText: 'Preview Again' }).isVisible(), 'Preview Again is offered');
    await shot('06-stale-plan');
    const state = await sandboxState();
    const exps = state.experiences[demoID];
    for (const name of ['second-writer-a', 'second-writer-b'])
      assert.strictEqual(exps.find((e) => e.name === name)?.archived, false, `${name} was not archived`);
    await stale.locator('.monaco-button', { hasText: 'Preview Again' }).click();
    await waitForFrameText(page, 'main#plan', /second-writer-b/, 60000);
  });

  it('asks for the typed project name before a mass archive, then applies it', async () => {
    const demoID = 'd0000000-0000-4000-8000-000000000001'; // sandbox/seed.ts
    for (let i = 0; i < 12; i++) {
      const res = await fetch(new URL(`projects/${demoID}/experiences`, sandboxUrl), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `bulk-${i}`, description: 'not in the file', locations: ['s3://bulk'] }),
      });
      assert.strictEqual(res.status, 201);
    }
    await page.waitForTimeout(2500); // older than the 2 s a fresh preview reuses
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Apply Sync');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60000 });
    assert.match(await dialog.innerText(), /14 experiences will be archived/);
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Type the project name "demo"' }).waitFor({ state: 'visible', timeout: 30000 });
    await input.fill('dem');
    await page.locator('.quick-input-widget', { hasText: 'Type "demo" exactly to confirm' }).waitFor({ state: 'visible', timeout: 10000 });
    await shot('07-mass-archive');
    assert.ok(
      !(await sandboxState()).experiences[demoID].find((e) => e.name === 'bulk-0')?.archived,
      'nothing archived before the confirmation',
    );
    await input.fill('demo');
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'applied to demo' }).waitFor({ state: 'visible', timeout: 90000 });
    const exps = (await sandboxState()).experiences[demoID];
    for (let i = 0; i < 12; i++) assert.strictEqual(exps.find((e) => e.name === `bulk-${i}`)?.archived, true);
  });

  it('clones the project into a new file and opens it', async () => {
    await runCommand(page, 'ReSim: Clone Project');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    const demoRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'demo' }).first();
    await demoRow.waitFor({ state: 'visible', timeout: 30000 });
    await input.fill('demo');
    await page.keyboard.press('Enter');
    // The save dialog (VS Code's simple file dialog in the browser): a path in the quick input.
    const target = path.join(ws, 'cloned.experiences.yaml');
    const until = Date.now() + 30000;
    while (!(await input.inputValue().catch(() => '')).includes('.experiences.yaml')) {
      if (Date.now() > until) throw new Error(`no save dialog; the input holds "${await input.inputValue().catch(() => '')}"`);
      await page.waitForTimeout(200);
    }
    await input.fill(target);
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'cloned.experiences.yaml' }).waitFor({ state: 'visible', timeout: 30000 });
    const deadline = Date.now() + 15000;
    while (!fs.existsSync(target) && Date.now() < deadline) await page.waitForTimeout(200);
    const text = fs.readFileSync(target, 'utf8');
    assert.match(text, /^# resim-project: demo/);
    assert.ok(text.includes('scenario-survey-alpha'));
    await page
      .locator('.monaco-editor .view-line', { hasText: '# resim-project: demo' })
      .first()
      .waitFor({ state: 'visible', timeout: 15000 });
    await shot('08-clone');
  });

  it('fired no alert and never wrote the token to settings, logs, state or the output channel', async () => {
    assert.deepStrictEqual(wb.alerts, []);
    await runCommand(page, 'ReSim: Show Output');
    const outputText = await page
      .locator('.part.panel .monaco-editor .view-lines')
      .first()
      .innerText({ timeout: 15000 })
      .catch(() => '');
    assert.ok(!outputText.includes(token), 'the output channel does not show the token');
    await shot('09-output');
    await new Promise((r) => setTimeout(r, 1500)); // let log writers flush
    const leaks = [...filesContaining(wb.userData, token), ...filesContaining(wb.ws, token), ...filesContaining(wb.extDir, token)];
    const csLog = wb.codeServer.output.join('');
    assert.deepStrictEqual(leaks, [], 'no file holds the token');
    assert.ok(!csLog.includes(token), "code-server's output does not hold the token");
    const logs = filesContaining(wb.userData, 'ReSim Experience Sync');
    assert.ok(logs.length > 0, 'the grep did search the log files (the extension logged)');
  });
});
