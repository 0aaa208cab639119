/**
 * The plan comment as a reviewer sees it: experiences with hostile names are created in the
 * sandbox, a config changes them, `resim-sync preview --format markdown` renders the plan, and
 * markdown-it (raw HTML on, bare URLs linkified: no sanitizer, so worse than GitHub) turns it into
 * a page that Chromium shows. No image, link, script or dialog comes from the names; the callout,
 * the counts and the folds are there. The README's picture of the comment is this page:
 * test-artifacts/e2e/plan-comment.png, and docs/screenshots/ with `E2E_UPDATE_SCREENSHOTS=1`.
 * A plain page: no code-server.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import MarkdownIt from 'markdown-it';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { ARTIFACTS, ROOT, launchBrowser } from './harness';

const SCREENSHOTS = process.env.E2E_UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : ARTIFACTS;
const cliPath = path.join(ROOT, 'dist', 'cli.js');
const TOKEN = 'e2e-comment-token-0b7e';

const HOSTILE = ['@org/everyone', '<img src=x onerror=alert(1)>', '[x](javascript:alert(1))', 'tick ``` run `'];

const entry = (name: string, description: string, locations = '[s3://drone-missions/x]') =>
  `  - name: ${JSON.stringify(name)}\n    description: ${JSON.stringify(description)}\n    locations: ${locations}\n`;

const KEPT = [
  ['scenario-survey-alpha', 'Aerial survey over test zone'],
  ['hover-stability-baseline', 'Hover in still air for 10 minutes'],
  ['wind-gust-landing', 'Landing with 15 m/s gusts'],
];

/** A GitHub-like page around the rendered comment. */
function page(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; margin: 0; }
.comment { max-width: 860px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; }
.body { padding: 8px 16px 16px; }
h2 { font-size: 1.4em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h3 { font-size: 1.1em; margin-top: 20px; }
code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 4px 12px; }
blockquote { margin: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #9a6700; }
summary { cursor: pointer; }
</style></head><body><div class="comment"><div class="header"><b>resim-sync</b> commented</div><div class="body">${html}</div></div></body></html>`;
}

describe('the plan comment in a browser', function () {
  this.timeout(300000);
  let sb: Sandbox;
  let browser: Browser;
  let dir: string;

  before(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', token: TOKEN });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-comment-'));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, RESIM_URL: sb.url, RESIM_TOKEN: TOKEN, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('shows the plan with hostile names as plain text: no image, link, script or mention', async () => {
    const file = path.join(dir, 'robots.experiences.yaml');
    const base = KEPT.map(([n, d]) => entry(n!, d!)).join('');
    fs.writeFileSync(file, `# resim-project: demo\nexperiences:\n${base}${HOSTILE.map((n) => entry(n, 'Old text')).join('')}`);
    const seeded = await cli(['apply', '--yes', '--allow-mass-archive', '--config', file]);
    assert.equal(seeded.code, 0, seeded.stderr);
    // The change under review: new descriptions (hostile too), one experience more, one left out.
    fs.writeFileSync(
      file,
      `# resim-project: demo\nexperiences:\n${base}${HOSTILE.slice(0, 3)
        .map((n, i) => entry(n, i === 1 ? '<script>window.pwned = 1</script> @here' : `New text for ${n}`))
        .join('')}${entry('[new](https://evil.example) @everyone', '![x](https://evil.example/p.png)')}`,
    );
    const preview = await cli(['preview', '--config', path.basename(file), '--format', 'markdown']);
    assert.equal(preview.code, 0, preview.stderr);
    const html = new MarkdownIt({ html: true, linkify: true }).render(preview.stdout);

    const p = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const dialogs: string[] = [];
    const requests: string[] = [];
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    p.on('request', (r) => requests.push(r.url()));
    await p.setContent(page(html), { waitUntil: 'load' });
    const dom = {
      images: await p.locator('.body img').count(),
      links: await p.locator('.body a').count(),
      scripts: await p.locator('.body script').count(),
      pwned: await p.evaluate('window.pwned ?? 0'),
      codes: await p.locator('.body code').allTextContents(),
      headings: await p.locator('.body h3').allTextContents(),
      table: await p.locator('.body table tr').count(),
    };
    assert.equal(dom.images, 0, 'no image');
    assert.equal(dom.links, 0, 'no link');
    assert.equal(dom.scripts, 0, 'no script element');
    assert.equal(dom.pwned, 0, 'no script ran');
    assert.deepEqual(dialogs, [], 'no dialog opened');
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:')),
      [],
      'nothing was fetched',
    );
    for (const name of HOSTILE) assert.ok(dom.codes.includes(name.trim()), `${name} is shown as text`);
    assert.ok(dom.codes.includes('[new](https://evil.example) @everyone'));
    assert.ok(dom.headings.some((h) => h.startsWith('+ Create')) && dom.headings.some((h) => h.startsWith('~ Update')));
    assert.ok(dom.table >= 9, 'the table of counts');

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const box = await p.locator('.comment').boundingBox();
    await p.screenshot({ path: path.join(SCREENSHOTS, 'plan-comment.png'), fullPage: true, clip: box ?? undefined });
    await p.close();
  });
});
