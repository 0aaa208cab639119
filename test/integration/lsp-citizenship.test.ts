/**
 * The language server as a client other than VS Code sees it (docs/editors.md):
 * - it resolves its connection like the CLI (server/src/resim/connection.ts): with only
 *   `RESIM_URL` and `RESIM_TOKEN` in its environment it reads the sandbox's project;
 *   `RESIM_PROJECT` names the project when the file and the settings do not; the client's
 *   settings win over the environment;
 * - it registers `workspace/didChangeConfiguration` dynamically only when the client says it
 *   can (`dynamicRegistration`);
 * - it logs no warning or error (log channel, stderr) while reading a project in normal use,
 *   and its messages name no editor's commands.
 */
import { strict as assert } from 'assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { LspClient, msg } from './lsp-helpers';

const TOKEN = 'citizen-token';
const DOC =
  '# resim-project: demo\nexperiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n    tags: [regresion]\n';
const live = (ds: Diagnostic[]) => ds.some((d) => d.code === 'will-archive');
const unavailable = (ds: Diagnostic[]) => ds.find((d) => d.code === 'state-unavailable');
/** A client with neither `workspace/configuration` nor dynamic registration (like eglot 1.9). */
const PLAIN_CAPS = { workspace: { configuration: false, didChangeConfiguration: { dynamicRegistration: false } } };

describe('language server: connection from the environment, LSP citizenship', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: LspClient | undefined;

  before(async () => {
    sb = await startSandbox({ seed: 'demo', token: TOKEN });
  });
  afterEach(async () => {
    await c?.stop();
    c = undefined;
  });
  after(async () => {
    await sb?.close();
  });

  it('reads the sandbox project with only RESIM_URL and RESIM_TOKEN in its environment', async () => {
    c = await LspClient.start({ settings: null, capabilities: PLAIN_CAPS, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN } });
    const uri = 'file:///env/a.experiences.yaml';
    c.open(uri, DOC);
    const ds = await c.diagnosticsFor(uri, live);
    assert.equal(unavailable(ds), undefined, JSON.stringify(ds));
    assert.equal(ds.filter((d) => d.code === 'unknown-tag').length, 1, "the project's tags were read");
    assert.ok(sb.requestLog.length > 0);
    assert.ok(
      sb.requestLog.every((r) => r.status !== 401),
      'the token from RESIM_TOKEN was sent',
    );
  });

  it('RESIM_PROJECT names the project when neither the file nor the settings do', async () => {
    c = await LspClient.start({ settings: {}, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN, RESIM_PROJECT: 'demo' } });
    const uri = 'file:///env/b.experiences.yaml';
    c.open(uri, DOC.replace('# resim-project: demo\n', ''));
    const ds = await c.diagnosticsFor(uri, live);
    assert.equal(unavailable(ds), undefined);
  });

  it("the client's settings win over RESIM_URL", async () => {
    c = await LspClient.start({ settings: { apiUrl: 'http://127.0.0.1:9/v1/' }, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN } });
    const uri = 'file:///env/c.experiences.yaml';
    c.open(uri, DOC);
    const ds = await c.diagnosticsFor(uri, (d) => !!unavailable(d));
    assert.match(msg(unavailable(ds)!), /127\.0\.0\.1:9/);
  });

  it('without workspace/configuration, initializationOptions win over RESIM_URL', async () => {
    c = await LspClient.start({
      settings: null,
      capabilities: PLAIN_CAPS,
      initializationOptions: { resim: { apiUrl: 'http://127.0.0.1:9/v1/' } },
      env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN },
    });
    const uri = 'file:///env/c2.experiences.yaml';
    c.open(uri, DOC);
    const ds = await c.diagnosticsFor(uri, (d) => !!unavailable(d));
    assert.match(msg(unavailable(ds)!), /127\.0\.0\.1:9/);
  });

  it('registers didChangeConfiguration dynamically only when the client declares dynamicRegistration', async () => {
    c = await LspClient.start({ settings: null, capabilities: PLAIN_CAPS, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN } });
    const uri = 'file:///env/d.experiences.yaml';
    c.open(uri, DOC);
    await c.diagnosticsFor(uri, live);
    assert.deepEqual(c.registrations, [], 'no client/registerCapability to a client that cannot take it');
    await c.stop();
    c = await LspClient.start({ settings: {}, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN } });
    await c.until(() => c!.registrations.length > 0, 5000, 'a registration');
    assert.match(JSON.stringify(c.registrations), /workspace\/didChangeConfiguration/);
  });

  it('logs no warning or error while reading a project, and names no editor command', async () => {
    c = await LspClient.start({ settings: null, capabilities: PLAIN_CAPS, env: { RESIM_URL: sb.url, RESIM_TOKEN: TOKEN } });
    for (let i = 0; i < 3; i++) {
      const uri = `file:///env/e${i}.experiences.yaml`;
      c.open(uri, DOC);
      await c.diagnosticsFor(uri, live);
      await c.request('resim/refreshState', { uri });
    }
    // LSP MessageType: 1 Error, 2 Warning.
    assert.deepEqual(
      c.logs.filter((l) => l.type <= 2),
      [],
    );
    assert.equal(c.stderr, '', 'nothing on stderr (a MaxListenersExceededWarning would land there)');
    await c.stop();
    c = await LspClient.start({ settings: null, capabilities: PLAIN_CAPS, env: { RESIM_URL: sb.url } });
    const uri = 'file:///env/f.experiences.yaml';
    c.open(uri, DOC);
    const text = msg(unavailable(await c.diagnosticsFor(uri, (d) => !!unavailable(d)))!);
    // What signs in from any client (resim/problems.ts, SIGN_IN_ADVICE), and no one editor's commands.
    assert.match(text, /not signed in to the ReSim API at http:\/\/127\.0\.0\.1:\d+\/v1\//);
    for (const fix of ['resim-sync login', 'RESIM_TOKEN', 'RESIM_CLIENT_ID', 'RESIM_CLIENT_SECRET', 'resim.apiUrl'])
      assert.ok(text.includes(fix), `${fix} in: ${text}`);
    assert.doesNotMatch(text, /ReSim: |Sign In|:Eglot|:Lsp/, text);
  });
});
