/**
 * The extension's details page (Extensions view → ReSim Experience Sync) in real VS Code
 * (code-server + Chromium), as someone who installed the .vsix sees it: the icon (shipped)
 * loads; the README's screenshot loads from its absolute URL; every link works: a link into the
 * repository names a file that exists in it, other links are absolute https, in-page anchors
 * name a heading of the page; no relative link (dead outside a checkout). The page is saved as
 * test-artifacts/e2e/details.png.
 *
 * vsce turns the README's relative links into absolute ones into the repository of package.json
 * (`blob/HEAD/<path>` for links, `raw/HEAD/<path>` for images), and VS Code shows README images
 * only from https URLs. The tests reach no host but loopback, so the browser answers the
 * repository's raw URLs from this checkout: the file served is the one the URL names.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { ARTIFACTS, findFrame, ROOT, startWorkbench, waitForFrameText, type Workbench } from './harness';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { displayName: string; repository: { url: string } };
const REPO = pkg.repository.url.replace(/\.git$/, '');
/** A path of the repository from a link or image URL into it, else undefined. */
function repoPath(url: string, kind: 'blob' | 'raw'): string | undefined {
  const prefix = `${REPO}/${kind}/HEAD/`;
  return url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length).split(/[?#]/)[0]) : undefined;
}
const SCREENSHOT_ALT = 'The plan webview beside the config';

/** Waits until the image matched by `selector` in `frame` has loaded (naturalWidth > 0). */
async function imageLoaded(frame: Frame | Page, selector: string, ms = 30000): Promise<{ src: string; width: number }> {
  const end = Date.now() + ms;
  let last = { src: '', width: 0 };
  while (Date.now() < end) {
    // (No DOM types in this project's tsconfig: the element is read through its properties.)
    last = await frame
      .$eval(selector, (el) => {
        const img = el as unknown as { currentSrc: string; src: string; complete: boolean; naturalWidth: number };
        return { src: img.currentSrc || img.src, width: img.complete ? img.naturalWidth : 0 };
      })
      .catch(() => last);
    if (last.width > 0) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${selector} did not load (src ${last.src})`);
}

describe('the .vsix details page in VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let page: Page;

  before(async () => {
    wb = await startWorkbench({
      name: 'e2e-details',
      files: { 'README.txt': 'details page\n' },
      token: 'details-e2e-token',
      trusted: true,
    });
    page = wb.page;
    await page.context().route(`${REPO}/raw/HEAD/**`, async (route) => {
      const file = repoPath(route.request().url(), 'raw');
      const local = file && path.join(ROOT, file);
      if (!local || !fs.existsSync(local)) return route.fulfill({ status: 404, body: 'not in the repository' });
      return route.fulfill({ status: 200, path: local });
    });
  });
  after(async () => {
    await wb?.stop();
  });

  it('shows the icon, the README screenshot and working links', async () => {
    // The Extensions view, filtered to what is installed.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+X');
    const search = page.locator('.extensions-viewlet .suggest-input-container .monaco-editor');
    await search.waitFor({ state: 'visible', timeout: 60000 });
    await search.click();
    await page.keyboard.type('@installed resim');
    await page.waitForTimeout(500);
    await page.keyboard.press('Escape'); // closes the filter suggestions over the list
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: pkg.displayName }).first();
    await row.waitFor({ state: 'visible', timeout: 60000 });
    await row.click();
    const editor = page.locator('.extension-editor');
    await editor.waitFor({ state: 'visible', timeout: 30000 });

    const icon = await imageLoaded(page, '.extension-editor .header img.icon');
    assert.match(icon.src, /icon\.png/, `the icon is ours, not the default: ${icon.src}`);

    const readme = await findFrame(page, `img[alt^="${SCREENSHOT_ALT}"]`, 60000);
    const shot = await imageLoaded(readme, `img[alt^="${SCREENSHOT_ALT}"]`);
    assert.ok(repoPath(shot.src, 'raw'), `the screenshot comes from the repository: ${shot.src}`);
    assert.ok(shot.width >= 800, `the screenshot loaded at its size (${shot.width} px wide)`);

    const links = await readme.$$eval('a[href]', (as) =>
      as.map((a) => ({ href: a.getAttribute('href') ?? '', text: (a.textContent ?? '').trim() })),
    );
    assert.ok(links.length >= 3, JSON.stringify(links));
    const ids = new Set(await readme.$$eval('[id]', (els) => els.map((e) => e.id)));
    const dead: string[] = [];
    for (const { href, text } of links) {
      if (href === '#' && !text) continue; // VS Code's own scroll-to-top anchor, not the README's
      if (href.startsWith('#')) {
        if (!ids.has(decodeURIComponent(href.slice(1)))) dead.push(`${text}: ${href} (no such heading)`);
      } else if (repoPath(href, 'blob') !== undefined) {
        const file = repoPath(href, 'blob')!;
        if (!fs.existsSync(path.join(ROOT, file))) dead.push(`${text}: ${href} (no ${file} in the repository)`);
      } else if (!/^https:\/\/[^/]+/.test(href)) {
        dead.push(`${text}: ${href} (not an absolute https link)`);
      }
    }
    assert.deepStrictEqual(dead, [], 'dead links on the details page');

    await page.screenshot({ path: path.join(ARTIFACTS, 'details.png') });
    // The CHANGELOG tab shows the shipped CHANGELOG.md.
    await editor.locator('.navbar .action-label', { hasText: /changelog/i }).click();
    await waitForFrameText(page, 'h1', /^Changelog$/);
  });
});
