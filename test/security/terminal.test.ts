/**
 * Names set by anyone with project access are shown escaped (docs/security.md, "Terminal and
 * display injection"): an experience named with a terminal escape sequence that would paint
 * "✓ unchanged" over the line of an archive, and names with bidirectional and zero-width
 * characters, are printed by `preview` and `apply` with visible escapes, and rendered so in the
 * plan webview.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderPlanBody } from '../../client/src/planHtml';
import { md } from '../../server/src/lsp/markdown';
import type { PlanJson } from '../../protocol';
import { seedStore, SEED_IDS, startSandbox, type Sandbox } from '../../sandbox/server';
import { runCli } from './helpers';

/** The name of the issue: erase the line, return, print a fake "unchanged" line, hide the rest. */
const INJECTION = 'zz-temp\x1b[2K\r  ✓ unchanged  nightly-check\x1b[8m';
/** A right-to-left override and a zero-width space. */
const BIDI = 'wind-\u202egnidnal\u202c-gust\u200b';
/** Raw characters that must never reach the terminal or the page from a name. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

describe('security: names are shown escaped in the terminal and the plan webview', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;
  let config: string;

  before(async () => {
    const store = seedStore('demo');
    const exps = store.experiences[SEED_IDS.demoProject];
    exps.find((e) => e.name === 'legacy-night-flight')!.name = INJECTION;
    exps.find((e) => e.name === 'wind-gust-landing')!.name = BIDI;
    sandbox = await startSandbox({ store });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-term-'));
    config = path.join(dir, 'demo.experiences.yaml');
    // Lists neither injected name: both are planned for archiving.
    fs.writeFileSync(
      config,
      [
        '# resim-project: demo',
        'experiences:',
        '  - name: scenario-survey-alpha',
        '    description: Aerial survey over the old test zone',
        '    locations: [s3://drone-missions/surveys/alpha-old-zone]',
        '  - name: hover-stability-baseline',
        '    description: changed',
        '    locations: [s3://x/y]',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ HOME: dir, RESIM_URL: sandbox.url, RESIM_TOKEN: 'terminal-test-token' });

  it('preview prints the names with visible escapes, and no raw control or bidi character', async () => {
    const r = await runCli(['preview', '--config', config], env());
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW, 'no raw control, bidi or zero-width character on stdout');
    assert.ok(r.stdout.includes('- archive zz-temp\\x1b[2K\\r  ✓ unchanged  nightly-check\\x1b[8m'), r.stdout);
    assert.ok(r.stdout.includes('- archive wind-\\u202egnidnal\\u202c-gust\\u200b'), r.stdout);
    assert.doesNotMatch(r.stdout, /^\s*✓ unchanged/m, 'no line of the output reads "✓ unchanged"');
  });

  it('apply prints the plan the same way before asking', async () => {
    const r = await runCli(['apply', '--config', config], env()); // no terminal: refused after printing the plan
    assert.equal(r.code, 3, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, RAW);
    assert.ok(r.stdout.includes('zz-temp\\x1b[2K\\r'), r.stdout);
  });

  it('the plan webview shows the same escapes', async () => {
    const r = await runCli(['preview', '--json', '--config', config], env());
    assert.equal(r.code, 0, r.stderr);
    const plan = { ...(JSON.parse(r.stdout) as PlanJson), stateFetchedAt: new Date().toISOString() };
    const html = renderPlanBody({ plan }, { now: new Date(), fileLabel: 'demo.experiences.yaml' });
    assert.doesNotMatch(html, RAW, 'no raw control, bidi or zero-width character in the page');
    assert.ok(html.includes('zz-temp\\x1b[2K\\r  ✓ unchanged  nightly-check\\x1b[8m'));
    assert.ok(html.includes('wind-\\u202egnidnal\\u202c-gust\\u200b'));
  });

  it('hovers (Markdown) show the same escapes', () => {
    for (const name of [INJECTION, BIDI]) assert.doesNotMatch(md(name), RAW, JSON.stringify(md(name)));
    assert.ok(md(BIDI).includes('\\u202e'), md(BIDI)); // the escape's backslash is itself escaped for Markdown
  });
});
