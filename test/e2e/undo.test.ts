/**
 * Undo in real VS Code (code-server + Chromium), as a user does it (docs/undo.md): Apply Sync,
 * then the ReSim view's Sync History lists the sync; Preview Undo opens the plan webview on the
 * undo plan; its Apply (after the modal) undoes the sync, and the sandbox's project is as it was
 * before the apply (the experience the sync created is archived). Screenshot:
 * test-artifacts/e2e/undo-plan.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { demoConfig } from '../fixtures/demo-config';
import { ARTIFACTS, getJson, openFile, ROOT, runCommand, startWorkbench, waitForFrameText, type Workbench } from './harness';

interface SandboxExperience {
  experienceID: string;
  name: string;
  description: string;
  locations: string[];
  archived: boolean;
  experienceTagIDs?: string[];
  systemIDs?: string[];
}
interface SandboxState {
  projects: { projectID: string; name: string }[];
  experiences: Record<string, SandboxExperience[]>;
  testSuites: Record<string, { name: string; experiences: string[] }[]>;
}

const NEW = 'undo-e2e-new-scenario';
const CONFIG = demoConfig(NEW, { withArchived: true, omit: ['wind-gust-landing'] }).replace(
  'Hover in still air for 10 minutes',
  'Hover, edited in VS Code',
);

/** What a sync can change of the demo project, without the experiences in `omit`. */
function project(s: SandboxState, omit: Set<string> = new Set()) {
  const pid = s.projects.find((p) => p.name === 'demo')!.projectID;
  return {
    experiences: s.experiences[pid]
      .filter((e) => !omit.has(e.experienceID))
      .map((e) => ({
        id: e.experienceID,
        name: e.name,
        description: e.description,
        locations: e.locations,
        archived: e.archived,
        tags: [...(e.experienceTagIDs ?? [])].sort(),
        systems: [...(e.systemIDs ?? [])].sort(),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    suites: s.testSuites[pid].map((t) => ({ name: t.name, members: [...t.experiences].sort() })),
  };
}

describe('Undo in VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  const token = 'undo-e2e-token-5b1f0c';
  let wb: Workbench;
  let page: Page;
  const historyDir = path.join(ROOT, '.work', 'e2e-undo-history');
  const state = () => getJson<SandboxState>(new URL('/_sandbox/state', wb.sandboxUrl).toString(), token);

  before(async () => {
    fs.rmSync(historyDir, { recursive: true, force: true });
    process.env.RESIM_HISTORY_DIR = historyDir; // code-server (and so the language server) inherits it
    wb = await startWorkbench({ name: 'e2e-undo', files: { 'demo.experiences.yaml': CONFIG }, token, sandboxToken: token, trusted: true });
    page = wb.page;
  });
  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed')
      await page.screenshot({ path: path.join(ARTIFACTS, 'failed-undo.png') }).catch(() => undefined);
  });
  after(async () => {
    delete process.env.RESIM_HISTORY_DIR;
    await wb?.stop();
    fs.rmSync(historyDir, { recursive: true, force: true });
  });

  it('apply, Sync History, Preview Undo, Apply: the project is as it was', async () => {
    const before = await state();
    // The Explorer lists the file once the workspace is read (Quick Open may be slow to index on a busy machine).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'demo.experiences.yaml' }).first().click({ timeout: 90000 });
    await openFile(page, 'demo.experiences.yaml');
    await runCommand(page, 'ReSim: Apply Sync');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60000 });
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await page.locator('.notification-toast', { hasText: 'applied to demo' }).waitFor({ state: 'visible', timeout: 90000 });
    const applied = await state();
    assert.notDeepStrictEqual(project(applied), project(before), 'the apply changed the project');
    assert.strictEqual(fs.readdirSync(historyDir).length, 1, 'one project folder in the sync history');

    // The ReSim view: its Sync History section lists the sync (time · who · what).
    await page.locator('.activitybar .action-item a[aria-label^="ReSim"]').first().click();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sync History' }) }).first();
    await pane.waitFor({ state: 'visible', timeout: 30000 });
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const row = pane.locator('.monaco-list-row', { hasText: /1 to create, 2 to update, 1 to restore, 1 to archive/ }).first();
    await row.waitFor({ state: 'visible', timeout: 60000 });
    await row.click({ button: 'right' });
    await page
      .locator('.context-view .action-label', { hasText: /^Preview Undo$/ })
      .first()
      .click();

    const { frame, text } = await waitForFrameText(page, 'main#plan', /Undo plan/, 60000);
    assert.match(text, new RegExp(NEW));
    assert.match(text, /wind-gust-landing/, 'the archived experience is restored');
    assert.match(text, /cannot delete an experience/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'undo-plan.png') });
    assert.deepStrictEqual(project(await state()), project(applied), 'a preview writes nothing');

    await frame.locator('#apply').click();
    const confirm = page.locator('.monaco-dialog-box');
    await confirm.waitFor({ state: 'visible', timeout: 60000 });
    assert.match(await confirm.innerText(), /Undo sync \S+ in project "demo"\?/);
    await confirm.locator('.monaco-button', { hasText: /^Undo$/ }).click();
    await page.locator('.notification-toast', { hasText: /undid \S+ in demo/ }).waitFor({ state: 'visible', timeout: 90000 });

    const after = await state();
    const pid = after.projects.find((p) => p.name === 'demo')!.projectID;
    const created = after.experiences[pid].filter((e) => !before.experiences[pid].some((b) => b.experienceID === e.experienceID));
    assert.deepStrictEqual(
      created.map((e) => [e.name, e.archived]),
      [[NEW, true]],
      'the created experience is archived',
    );
    assert.deepStrictEqual(project(after, new Set(created.map((e) => e.experienceID))), project(before), 'the project is as it was');
    // The undo is recorded too.
    await pane
      .locator('.monaco-list-row', { hasText: /undo of / })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
  });
});
