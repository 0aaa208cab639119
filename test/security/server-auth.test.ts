/**
 * The language server against a hostile auth server and a hostile workspace (docs/security.md,
 * "The auth server as an attacker", "A malicious workspace"): the server's token refresh from a
 * planted `~/.resim/cache.json` whose auth server echoes the refresh token with terminal
 * escapes; an API URL over plain http off loopback; a `resim.configFiles` glob that backtracks;
 * `resim.stateRefreshSeconds: 0.001`. The real server (dist/server.js) over stdio.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { startHostileAuth, type HostileAuth } from '../support/hostileAuth';
import { LspClient } from '../integration/lsp-helpers';
import { localServer } from './helpers';

const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const DOC = '# resim-project: demo\nexperiences:\n  - name: one\n    description: d\n    locations: [s3://b/k]\n';

/** Every `window/showMessage` the server sends. */
function collectShown(c: LspClient): string[] {
  const shown: string[] = [];
  c.conn.onNotification('window/showMessage', (p: { message: string }) => void shown.push(p.message));
  return shown;
}

/** Rejects after `ms`: the server did not answer (its main thread is stalled). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

describe('security: the language server against a hostile auth server and workspace', function () {
  this.timeout(60_000);
  let c: LspClient | undefined;
  let home: string;
  let auth: HostileAuth | undefined;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-lsp-'));
  });
  afterEach(async () => {
    await c?.stop();
    c = undefined;
    await auth?.close();
    auth = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('token refresh: the echoed refresh token and its escapes reach no message, log or error', async () => {
    auth = await startHostileAuth('escapes');
    const rt = 'RT_server_planted_refresh_3c9d17';
    fs.mkdirSync(path.join(home, '.resim'), { mode: 0o700 });
    fs.writeFileSync(
      path.join(home, '.resim', 'cache.json'),
      JSON.stringify({ 'client-x': { access_token: 'AT_server_expired_0a1b2c', refresh_token: rt, expiry: '2020-01-01T00:00:00Z' } }),
      { mode: 0o600 },
    );
    c = await LspClient.start({
      settings: { apiUrl: `${auth.origin}/v1/` },
      env: { HOME: home, RESIM_AUTH_URL: auth.url, RESIM_CLIENT_ID: 'client-x' },
    });
    c.addSecret(rt);
    c.addSecret('AT_server_expired_0a1b2c');
    c.expectErrorLog = () => true;
    const shown = collectShown(c);
    const err = await c.request('resim/listProjects', {}).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'listing projects fails: the refresh was refused');
    assert.ok(
      auth.requests.some((q) => q.body.includes(rt)),
      'the server asked for a refresh',
    );
    const texts = [err.message, ...c.logs.map((l) => l.message), ...shown, c.stderr];
    for (const t of texts) {
      assert.ok(!t.includes(rt), `the refresh token was shown: ${t}`);
      assert.doesNotMatch(t, RAW_CONTROL, `a raw control character: ${JSON.stringify(t)}`);
    }
  });

  it('an API URL over plain http off loopback: refused naming the setting; the token is not sent', async () => {
    const api = await localServer((_q, res) => res.end('{"projects":[]}'));
    try {
      const url = `http://0.0.0.0:${api.host.split(':')[1]}/v1/`;
      c = await LspClient.startSignedIn(url, 'bearer-never-in-clear-5521');
      c.addSecret('bearer-never-in-clear-5521');
      c.expectErrorLog = () => true;
      const err = await c.request('resim/listProjects', {}).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.ok(err);
      assert.match(err.message, /API URL .*plain http to 0\.0\.0\.0:\d+/);
      assert.deepEqual(api.requests, [], 'nothing was sent');
    } finally {
      await api.close();
    }
  });

  it('resim.configFiles with a backtracking glob and a long file name: the server keeps answering', async () => {
    c = await LspClient.start({ settings: { configFiles: ['*a*a*a*a*a*a*a*a*a*a*c'] } });
    // minimatch's regular expression for this glob backtracks for minutes on this name.
    c.open(`file:///w/${'a'.repeat(60)}.yaml`, 'experiences: []\n', 'yaml');
    c.open('file:///w/b.experiences.yaml', DOC);
    const symbols = await within(c.symbols('file:///w/b.experiences.yaml'), 10_000, 'documentSymbol');
    assert.ok(symbols.length > 0);
    // The matcher still matches what the glob means.
    c.open(`file:///w/${'a'.repeat(12)}c`, DOC, 'yaml');
    await within(c.diagnosticsFor(`file:///w/${'a'.repeat(12)}c`), 10_000, 'diagnostics of a file the glob names');
  });

  it('resim.stateRefreshSeconds 0.001 is raised to 10 s with a warning: no read storm', async () => {
    const sb: Sandbox = await startSandbox({ seed: 'demo', token: 'the-right-token' });
    try {
      c = await LspClient.start({ settings: { apiUrl: sb.url, stateRefreshSeconds: 0.001 } });
      const shown = collectShown(c);
      c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
      c.open('file:///w/r.experiences.yaml', DOC);
      await c.until(() => sb.requestLog.length > 0, 10_000, 'the first state read');
      // The first read is several requests (pages): wait until it is over.
      for (let seen = -1; seen !== sb.requestLog.length;) {
        seen = sb.requestLog.length;
        await new Promise((r) => setTimeout(r, 700));
      }
      const first = sb.requestLog.length;
      await new Promise((r) => setTimeout(r, 4000));
      // One read of the state (a few pages) and no periodic one within 4 s (a 1 s interval made 4 more).
      assert.equal(sb.requestLog.length, first, `requests after the first read: ${sb.requestLog.length - first}`);
      await c.until(() => shown.find((m) => /resim\.stateRefreshSeconds is 0\.001.*every 10 s/.test(m)), 10_000, 'the warning');
    } finally {
      await c?.stop();
      c = undefined;
      await sb.close();
    }
  });
});
