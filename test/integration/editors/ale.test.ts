/**
 * Vim 9 + ALE 3.3 (Debian 12's `vim`, `vim-ale`) set up as docs/editors.md says ("Vim 9 + ALE",
 * run as written), with the language server against the sandbox: the seed example's diagnostics
 * and the tab quick fix at the cursor (`:ALECodeAction`, its first item), the live config's
 * diagnostics with the setup's project and `archiveUnlisted = false`, hover (`:ALEHover`, plain
 * text, the matched ID verbatim), completion in `systems:`, and preview and apply through the
 * code actions the server runs. The server gets only RESIM_URL and RESIM_TOKEN from Vim's
 * environment.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import {
  assertApplied,
  assertEditorResults,
  docBlock,
  ensureEditors,
  makeWorkspace,
  readResults,
  runEditor,
  serverOnPath,
  type Workspace,
} from './editors';

const TOKEN = 'ale-token';

describe('Vim + ALE with the language server', function () {
  this.timeout(180_000);
  let sb: Sandbox;
  let ws: Workspace;

  before(async () => {
    ensureEditors();
    sb = await startSandbox({ seed: 'demo', token: TOKEN });
    ws = makeWorkspace('ale');
  });
  after(async () => {
    await sb?.close();
    if (ws && !process.env.KEEP_EDITOR_WS) fs.rmSync(ws.dir, { recursive: true, force: true });
  });

  it('as docs/editors.md sets it up: live diagnostics with its settings, the fix at the cursor, hover, completion, preview and apply', async () => {
    const setup = path.join(ws.dir, 'vimrc');
    fs.writeFileSync(setup, docBlock('ale-setup'));
    const env: NodeJS.ProcessEnv = {
      PATH: serverOnPath(ws.dir),
      HOME: ws.dir,
      RESIM_URL: sb.url,
      RESIM_TOKEN: TOKEN,
      RESIM_SEED_FILE: ws.seed,
      RESIM_LIVE_FILE: ws.live,
      RESIM_OUT: ws.out,
    };
    const script = path.join(__dirname, 'check.vim');
    const r = await runEditor('vim', ['-N', '-u', setup, '-i', 'NONE', '-n', '-es', '-S', script], {
      cwd: ws.dir,
      env,
      timeoutMs: 150_000,
    });
    const results = readResults(ws.out, r.output);
    assert.ok(results.steps.includes('apply'), JSON.stringify(results.steps));
    assertEditorResults(results, { preview: false });
    assertApplied(results, sb);
  });
});
