/**
 * Emacs 28 in batch mode with eglot 1.9 (Debian's emacs-nox, elpa-eglot, elpa-yaml-mode; the
 * setup of docs/editors.md, run as written) and the language server against the sandbox: the seed example's
 * diagnostics and the tab quick fix, a live config's diagnostics, hover as eglot shows it (the
 * matched ID verbatim), completion in `systems:` and `resim/preview`; no eglot warning (e.g. an
 * unsupported dynamic registration) and no server log at Error or Warning level. The server gets
 * only RESIM_URL and RESIM_TOKEN from Emacs's environment.
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

const TOKEN = 'emacs-token';

describe('Emacs (batch, eglot) with the language server', function () {
  this.timeout(180_000);
  let sb: Sandbox;
  let ws: Workspace;

  before(async () => {
    ensureEditors();
    sb = await startSandbox({ seed: 'demo', token: TOKEN });
    ws = makeWorkspace('emacs');
  });
  after(async () => {
    await sb?.close();
    if (ws && !process.env.KEEP_EDITOR_WS) fs.rmSync(ws.dir, { recursive: true, force: true });
  });

  it('as docs/editors.md sets it up: live diagnostics with its settings, the fix at point as the default, hover, completion, preview and apply', async () => {
    // docs/editors.md's eglot setup, as written.
    const setup = path.join(ws.dir, 'setup.el');
    fs.writeFileSync(setup, docBlock('eglot-setup'));
    const env: NodeJS.ProcessEnv = {
      PATH: serverOnPath(ws.dir),
      HOME: ws.dir,
      RESIM_URL: sb.url,
      RESIM_TOKEN: TOKEN,
      RESIM_EMACS_SETUP: setup,
      RESIM_SEED_FILE: ws.seed,
      RESIM_LIVE_FILE: ws.live,
      RESIM_OUT: ws.out,
    };
    const r = await runEditor('emacs', ['--batch', '-q', '-l', path.join(__dirname, 'check.el')], { cwd: ws.dir, env, timeoutMs: 150_000 });
    const results = readResults(ws.out, r.output);
    assert.ok(results.steps.includes('apply'), JSON.stringify(results.steps));
    assertEditorResults(results);
    assert.match(
      String((results.live as { previewMessage?: string }).previewMessage),
      /ReSim plan for project "demo" from live\.experiences\.yaml: 1 to create/,
    );
    assertApplied(results, sb);
  });
});
