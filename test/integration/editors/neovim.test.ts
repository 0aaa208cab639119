/**
 * Headless Neovim (Debian 12's 0.7.2) set up as docs/editors.md says ("Neovim 0.7 to 0.10" and
 * the code lens commands, run as written) with the language server against the sandbox: the seed example's diagnostics and the tab quick fix, a
 * live config's diagnostics, hover (the matched ID verbatim), completion in `systems:` and
 * `resim/preview`; nothing at WARN or ERROR in Neovim's LSP log. The server gets only
 * RESIM_URL and RESIM_TOKEN from Neovim's environment.
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

const TOKEN = 'nvim-token';

describe('Neovim (headless) with the language server', function () {
  this.timeout(180_000);
  let sb: Sandbox;
  let ws: Workspace;

  before(async () => {
    ensureEditors();
    sb = await startSandbox({ seed: 'demo', token: TOKEN });
    ws = makeWorkspace('nvim');
  });
  after(async () => {
    await sb?.close();
    if (ws && !process.env.KEEP_EDITOR_WS) fs.rmSync(ws.dir, { recursive: true, force: true });
  });

  it('as docs/editors.md sets it up: live diagnostics with its settings, the fix at the cursor, hover, completion, lens preview and apply', async () => {
    const state = path.join(ws.dir, 'xdg');
    // docs/editors.md's setup and code lens commands, as written.
    const setup = path.join(ws.dir, 'setup.lua');
    fs.writeFileSync(setup, docBlock('nvim-setup'));
    const env: NodeJS.ProcessEnv = {
      PATH: serverOnPath(ws.dir),
      HOME: ws.dir,
      XDG_CONFIG_HOME: path.join(state, 'config'),
      XDG_CACHE_HOME: path.join(state, 'cache'),
      XDG_DATA_HOME: path.join(state, 'data'),
      XDG_STATE_HOME: path.join(state, 'state'),
      RESIM_URL: sb.url,
      RESIM_TOKEN: TOKEN,
      RESIM_NVIM_SETUP: setup,
      RESIM_SEED_FILE: ws.seed,
      RESIM_LIVE_FILE: ws.live,
      RESIM_OUT: ws.out,
    };
    const script = path.join(__dirname, 'check.lua');
    const r = await runEditor('nvim', ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${script}`], {
      cwd: ws.dir,
      env,
      timeoutMs: 150_000,
    });
    const results = readResults(ws.out, r.output);
    const log = (results as { lsp_log?: string }).lsp_log;
    const logText = log && fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    results.warnings = logText.split('\n').filter((l) => /^\[(WARN|ERROR)\]/.test(l));
    assert.ok(results.steps.includes('apply'), JSON.stringify(results.steps));
    assertEditorResults(results);
    assert.match(
      String((results.live as { previewMessage?: string }).previewMessage),
      /ReSim plan for project "demo" from live\.experiences\.yaml: 1 to create/,
    );
    assertApplied(results, sb);
  });
});
