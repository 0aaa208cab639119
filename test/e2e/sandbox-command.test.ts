/**
 * "ReSim: Start Local Sandbox" in real VS Code (code-server + Chromium) keeps the sandbox's
 * token off every command line (docs/security.md, "The local sandbox"): another local user
 * reads each process's /proc/<pid>/cmdline (`ps`), so the token goes through the child's
 * environment. The sandbox the extension started is found by its command line, its token read
 * from its environment (readable by this user only), and no process's command line holds it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openFile, runCommand, startWorkbench, type Workbench } from './harness';

/** Every process's command line, by PID (processes that end meanwhile are skipped). */
function commandLines(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      out.set(Number(pid), fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('ReSim: Start Local Sandbox keeps the token off the command line (code-server + Chromium)', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let page: Page;

  before(async function () {
    if (!fs.existsSync('/proc/self/environ')) this.skip();
    wb = await startWorkbench({
      name: 'e2e-sandbox-command',
      files: { 'demo.experiences.yaml': 'experiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n' },
      token: 'sandbox-command-e2e-token',
      trusted: true,
    });
    page = wb.page;
  });

  after(async () => {
    await wb?.stop();
  });

  it('starts the sandbox with its token in the environment only', async () => {
    await openFile(page, 'demo.experiences.yaml'); // activates the extension
    await page.keyboard.press('Control+Shift+M');
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: 'will-archive' })
      .first()
      .waitFor({ state: 'visible', timeout: 90000 });
    await runCommand(page, 'ReSim: Start Local Sandbox');
    const toast = page.locator('.notification-toast', { hasText: 'local sandbox running at' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60000 });
    const url = /running at (http:\/\/\S+)/.exec(await toast.innerText())?.[1];
    assert.ok(url, 'the notification names the URL');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-command.png') });

    // The sandbox the extension started: `<node> <extensions dir>/…/dist/cli.js sandbox …`.
    const lines = commandLines();
    const mine = [...lines].filter(
      ([, argv]) => argv.includes('sandbox') && argv.some((a) => a.startsWith(wb.extDir) && a.endsWith(path.join('dist', 'cli.js'))),
    );
    assert.equal(mine.length, 1, `one sandbox started by the extension: ${JSON.stringify(mine)}`);
    const [pid, argv] = mine[0];
    assert.ok(!argv.includes('--token'), `no --token flag: ${argv.join(' ')}`);
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const token = environ.find((v) => v.startsWith('RESIM_SANDBOX_TOKEN='))?.slice('RESIM_SANDBOX_TOKEN='.length);
    assert.ok(token && token.length >= 32, 'the token is in the sandbox environment');

    const leaks = [...commandLines()].filter(([, a]) => a.join(' ').includes(token));
    assert.deepStrictEqual(leaks, [], 'no command line holds the token');
    // It is the token in use: the sandbox accepts it and nothing else.
    assert.equal((await fetch(new URL('projects', url), { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(new URL('projects', url), { headers: { Authorization: 'Bearer sandbox-command-e2e-token' } })).status, 401);
  });
});
