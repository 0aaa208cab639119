/**
 * ReSim Experience Sync inside VS Code's extension host, driven through the `vscode` API: the
 * commands, diagnostics (`vscode.languages.getDiagnostics`), hover and code lens
 * (`vscode.execute…Provider`), Sign In / Sign Out / Select Project with answers given through the
 * extension's test API (`TestApi.ui`), Start Local Sandbox, `resim.configFiles`, a multi-root
 * workspace, and the Cancel button of an apply. The workspace is made by test/vscode/workspace.ts.
 */
import * as assert from 'assert';
import { diffLines } from 'diff';
import * as vscode from 'vscode';
import type { TestApi } from '../../../client/src/extension';
import { HANDLER_FAILURE_PREFIX } from '../../../protocol';
import { startSandbox } from '../../../sandbox/server';

const EXTENSION_ID = 'resim-experience-sync.resim-experience-sync';
const TOKEN = 'vscode-suite-token-0123456789';

async function waitFor<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function fileIn(folder: number, rel: string): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[folder];
  assert.ok(f, `workspace folder #${folder}`);
  return vscode.Uri.joinPath(f.uri, rel);
}

async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const codes = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));

describe('ReSim Experience Sync in the extension host', function () {
  let api: TestApi;
  /** The workspace's project before Start Local Sandbox (Stop Local Sandbox returns to it). */
  let projectBeforeSandbox: string | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<TestApi | undefined>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const exported = await ext.activate();
    assert.ok(exported, 'the extension gives its test API in test mode');
    api = exported;
  });
  afterEach(() => api?.restoreUi());

  it('activates with every command of package.json', async () => {
    const all = await vscode.commands.getCommands(true);
    const declared = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map(
      (c) => c.command,
    );
    assert.ok(declared.length >= 9);
    for (const c of declared) assert.ok(all.includes(c), `${c} is registered`);
  });

  it('the walkthrough opens, and every command its steps link to is registered', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { walkthroughs: { id: string; steps: { description: string; media: { markdown?: string } }[] }[] };
    };
    const all = await vscode.commands.getCommands(true);
    const walk = pkg.contributes.walkthroughs[0];
    const linked = walk.steps.flatMap((st) => [...st.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
    assert.ok(linked.length >= 3, linked.join(', '));
    for (const c of linked) assert.ok(all.includes(c), `${c} is registered`);
    for (const st of walk.steps)
      if (st.media.markdown)
        await vscode.workspace.fs.stat(vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, st.media.markdown));
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walk.id}`, false);
  });

  it('Sign In with an API token: checked against the API, kept in secret storage only; Sign Out forgets it', async () => {
    // An API that accepts exactly this token, at resim.apiUrl.
    const sb = await startSandbox({ seed: 'demo', token: TOKEN });
    const resim = () => vscode.workspace.getConfiguration('resim');
    try {
      await resim().update('apiUrl', sb.url, vscode.ConfigurationTarget.Workspace);
      let asked = 0;
      api.ui.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) =>
        (await items).find((i) => (i as { id?: string }).id === 'token')) as unknown as typeof api.ui.showQuickPick;
      api.ui.showInputBox = (async () => (asked++ === 0 ? TOKEN : undefined)) as unknown as typeof api.ui.showInputBox;
      api.ui.showInformationMessage = (async () => undefined) as unknown as typeof api.ui.showInformationMessage;
      await vscode.commands.executeCommand('resim.signIn');
      assert.equal(asked, 1, 'the token was accepted at the first try');
      assert.ok(sb.requestLog.length > 0, 'the sign-in was checked against the API');
      assert.equal(api.session.describeAuth(), 'API token');
      assert.equal((await api.session.credentials()).token, TOKEN);
      assert.ok(!JSON.stringify(resim()).includes(TOKEN), 'the token is in no setting');
      await vscode.commands.executeCommand('resim.signOut');
      assert.equal(api.session.describeAuth(), 'not signed in');
      assert.equal((await api.session.credentials()).token, null);
    } finally {
      await resim().update('apiUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await sb.close();
    }
  });

  it('Start Local Sandbox points the session at a sandbox on 127.0.0.1 and selects its "demo" project', async () => {
    projectBeforeSandbox = api.session.project;
    api.ui.showInformationMessage = (async (_m: string, ...items: unknown[]) =>
      items.find((i) => i === 'Select "demo"')) as unknown as typeof api.ui.showInformationMessage;
    await vscode.commands.executeCommand('resim.startSandbox');
    assert.equal(api.session.describeAuth(), 'local sandbox');
    assert.match(String(api.session.settings.apiUrl), /^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    assert.equal(api.session.project, 'demo');
  });

  it('publishes live diagnostics: getDiagnostics shows the unknown tag at its node', async () => {
    const uri = fileIn(0, 'typo.experiences.yaml');
    const doc = await open(uri);
    assert.equal(doc.languageId, 'resim-experiences');
    const d = await waitFor('unknown-tag', () => vscode.languages.getDiagnostics(uri).find((x) => x.code === 'unknown-tag'));
    assert.equal(doc.getText(d.range), 'regresion');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'resim');
  });

  it('hover (executeHoverProvider) tells what sync does with an experience', async () => {
    const uri = fileIn(0, 'demo.experiences.yaml');
    const doc = await open(uri);
    await waitFor('live checks', () => codes(uri).includes('will-archive'));
    const pos = doc.positionAt(doc.getText().indexOf('created-by-the-vscode-suite') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /create/i, text);
  });

  it('code lens (executeCodeLensProvider): a summary with Apply, and "+ create" on the new experience', async () => {
    const uri = fileIn(0, 'demo.experiences.yaml');
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l && l.length > 2 ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('Apply'), titles.join(' | '));
    assert.ok(titles.includes('+ create'), titles.join(' | '));
  });

  it('resim.configFiles makes a YAML file of the second workspace folder a config; other YAML is left alone', async () => {
    const extra = fileIn(1, 'sync/extra.yaml');
    await open(extra);
    await waitFor('unknown-key in the configFiles match', () => codes(extra).includes('unknown-key'));
    const plain = fileIn(0, 'plain.yaml');
    await open(plain);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(codes(plain), []);
  });

  it('Select Project picks among the projects the API lists, for the folder of the current config', async () => {
    const config = fileIn(0, 'demo.experiences.yaml');
    await open(config);
    let offered: string[] = [];
    api.ui.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      const list = await items;
      offered = list.map((i) => (i as { project?: { name: string } }).project?.name ?? i.label);
      return list.find((i) => (i as { project?: { name: string } }).project?.name === 'demo');
    }) as unknown as typeof api.ui.showQuickPick;
    api.ui.showInformationMessage = (async () => undefined) as unknown as typeof api.ui.showInformationMessage;
    await vscode.commands.executeCommand('resim.selectProject');
    assert.ok(offered.includes('demo'), offered.join(', '));
    assert.equal(api.session.projectFor(config), 'demo');
  });

  it('Preview Sync shows the plan of the active config', async () => {
    const uri = fileIn(0, 'demo.experiences.yaml');
    await open(uri);
    await vscode.commands.executeCommand('resim.previewSync', uri);
    const shown = api.planView.current;
    assert.ok(shown && shown.kind === 'plan', 'the plan view shows a plan');
    assert.ok(shown.result.plan, JSON.stringify(shown.result.errors));
    assert.equal(shown.result.plan.summary.create, 1);
  });

  it("Apply Sync: VS Code's Cancel button stops the apply; what was not sent stays to do; a second apply finishes it", async () => {
    const uri = fileIn(0, 'demo.experiences.yaml');
    const from = api.logger.lines.length;
    const since = () => api.logger.lines.slice(from).map((l) => `${l.level}: ${l.text}`);
    api.ui.showWarningMessage = (async (_m: string, ...rest: unknown[]) =>
      rest.includes('Apply') ? 'Apply' : undefined) as unknown as typeof api.ui.showWarningMessage;
    api.ui.showInformationMessage = (async () => undefined) as unknown as typeof api.ui.showInformationMessage;
    let cancelledByButton = false;
    const real = api.ui.withProgress;
    // The notification's Cancel button: VS Code cancels the token it gave the task, here as
    // soon as the apply reports its first progress (the server is making calls).
    api.ui.withProgress = (async (
      options: vscode.ProgressOptions,
      task: (p: vscode.Progress<{ message?: string; increment?: number }>, t: vscode.CancellationToken) => Thenable<unknown>,
    ) => {
      // Only the apply's notification (a problem's closable notification is cancellable too).
      if (!options.cancellable || !/applying/.test(options.title ?? '')) return real(options, task);
      const source = new vscode.CancellationTokenSource();
      const cancel = () => {
        if (cancelledByButton) return;
        cancelledByButton = true;
        source.cancel();
      };
      const timer = setTimeout(cancel, 0);
      try {
        return await task({ report: () => cancel() }, source.token);
      } finally {
        clearTimeout(timer);
      }
    }) as unknown as typeof api.ui.withProgress;
    // Each answer of the sandbox takes 1.5 s, so that later phases are still to come when Cancel
    // reaches the server, even on a loaded machine (calls already sent finish and are counted).
    const setLatency = (latencyMs: number) => {
      const sb = (api.session as unknown as { sandbox?: { apiUrl: string; token: string } }).sandbox;
      assert.ok(sb, 'the local sandbox runs');
      return fetch(new URL('/_sandbox/faults', sb.apiUrl), {
        method: 'PUT',
        headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ latencyMs }),
      }).then((r) => assert.equal(r.status, 200));
    };
    await setLatency(1500);
    try {
      await vscode.commands.executeCommand('resim.applySync', uri);
    } finally {
      await setLatency(0);
    }
    assert.ok(cancelledByButton);
    assert.ok(
      since().some((l) => /Apply cancelled/.test(l)),
      since().join('\n'),
    );
    assert.ok(!since().some((l) => /^error|stale|refused|Failed:/i.test(l)), since().join('\n'));
    api.restoreUi();
    api.ui.showInformationMessage = (async () => undefined) as unknown as typeof api.ui.showInformationMessage;
    // Read the project as the cancelled apply left it (not the server's cached copy).
    await vscode.commands.executeCommand('resim.refreshState', uri);
    await vscode.commands.executeCommand('resim.previewSync', uri);
    let shown = api.planView.current;
    assert.ok(shown && shown.kind === 'plan' && shown.result.plan);
    assert.ok(
      shown.result.plan.summary.archive > 0,
      `the archives (the last phase) were not made: ${JSON.stringify(shown.result.plan.summary)}\n${since().join('\n')}`,
    );
    // Without Cancel the same apply finishes: nothing but the cancel stopped the first one.
    api.ui.showWarningMessage = (async (_m: string, ...rest: unknown[]) =>
      rest.includes('Apply') ? 'Apply' : undefined) as unknown as typeof api.ui.showWarningMessage;
    await vscode.commands.executeCommand('resim.applySync', uri);
    assert.ok(
      since().some((l) => /Applied: \d+ call/.test(l)),
      since().join('\n'),
    );
    await vscode.commands.executeCommand('resim.refreshState', uri);
    await vscode.commands.executeCommand('resim.previewSync', uri);
    shown = api.planView.current;
    assert.ok(shown && shown.kind === 'plan' && shown.result.plan);
    assert.equal(shown.result.plan.summary.archive, 0, JSON.stringify(shown.result.plan.summary));
  });

  it('Compare with Project: the project side drives no diagnostics, and keeps every line of the applied config but its tag lists', async () => {
    const uri = fileIn(0, 'demo.experiences.yaml');
    const doc = await open(uri);
    await vscode.commands.executeCommand('resim.compareWithProject', uri);
    const project = await waitFor('the project document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'resim-project' && d.getText().length > 0),
    );
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(codes(project.uri), [], 'no diagnostics on the project document');
    // The config was applied above: every line of it is a line of the project side, in its place,
    // but the tag lists (the project keeps tags the file does not manage). Fields the file omits
    // are added lines after its keys.
    const removed = diffLines(doc.getText(), project.getText())
      .filter((p) => p.removed)
      .flatMap((p) => p.value.split('\n').filter(Boolean));
    assert.ok(
      removed.every((l) => /^\s*tags: /.test(l)),
      removed.join('\n'),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Stop Local Sandbox returns to the project selected before it, and says which', async () => {
    let said = '';
    api.ui.showInformationMessage = (async (m: string) => {
      said = m;
      return undefined;
    }) as unknown as typeof api.ui.showInformationMessage;
    await vscode.commands.executeCommand('resim.stopSandbox');
    assert.equal(api.session.usingSandbox, false);
    assert.equal(api.session.project, projectBeforeSandbox);
    await waitFor('the message', () => said);
    assert.match(said, projectBeforeSandbox ? new RegExp(`project "${projectBeforeSandbox}"`) : /no project selected/);
  });

  it('logged no error, no server failure and no credential', () => {
    const bad = api.logger.lines.filter((l) => l.level === 'error' || l.text.includes(HANDLER_FAILURE_PREFIX) || l.text.includes(TOKEN));
    assert.deepEqual(bad, []);
  });
});
