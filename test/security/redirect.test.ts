/**
 * No credential follows a redirect (docs/security.md, "Redirects"): the token endpoint answering
 * 307 or 302 towards a second local origin gets a clear error naming that origin's host, and
 * nothing at all reaches it (not the client secret, not a request); the API answering a
 * redirect likewise. Token endpoints must be https except on loopback. Real CLI processes
 * against local servers.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { json, localServer, runCli, type LocalServer } from './helpers';

const SECRET = 'client-secret-5f1c0a9e77';
const ELSEWHERE_TOKEN = 'token-from-elsewhere-9d2e';

describe('security: no credential follows a redirect', function () {
  this.timeout(60_000);
  let dir: string;
  let sandbox: Sandbox;
  let target: LocalServer; // the second origin: it must never be contacted
  let config: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-redirect-'));
    config = path.join(dir, 'demo.experiences.yaml');
    fs.writeFileSync(config, '# resim-project: demo\nexperiences:\n  - name: only-one\n    description: d\n    locations: [s3://b/k]\n');
    sandbox = await startSandbox({ seed: 'demo' });
    target = await localServer((req, res) => {
      if (req.url.endsWith('/oauth/token')) json(res, 200, { access_token: ELSEWHERE_TOKEN, expires_in: 3600, token_type: 'Bearer' });
      else json(res, 200, { projects: [] });
    });
  });
  afterEach(async () => {
    await sandbox.close();
    await target.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const status of [307, 302]) {
    it(`token endpoint ${status} to another origin: refused naming its host, nothing sent there`, async () => {
      const auth = await localServer((_req, res) => {
        res.writeHead(status, { Location: `${target.origin}/oauth/token` });
        res.end();
      });
      try {
        const r = await runCli(['preview', '--config', config], {
          HOME: dir,
          RESIM_URL: sandbox.url,
          RESIM_CLIENT_ID: 'client-id-1',
          RESIM_CLIENT_SECRET: SECRET,
          RESIM_AUTH_URL: `${auth.origin}/`,
        });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.equal(auth.requests.length, 1, 'the token endpoint was asked once');
        assert.deepEqual(target.requests, [], 'nothing reached the redirect target');
        assert.match(r.stderr, new RegExp(`${status} redirect to ${target.host.replace(/\./g, '\\.')} refused`));
        assert.equal(sandbox.requestLog.length, 0, 'no API call was made without a token of our own');
        assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the secret is never printed');
      } finally {
        await auth.close();
      }
    });
  }

  it('the API answering a redirect: refused naming the host, the token not sent and not printed', async () => {
    const api = await localServer((_req, res) => {
      res.writeHead(307, { Location: `${target.origin}/v1/projects?access_token=api-token-7c3e55aa` });
      res.end();
    });
    try {
      const r = await runCli(['preview', '--config', config], {
        HOME: dir,
        RESIM_URL: `${api.origin}/v1/`,
        RESIM_TOKEN: 'api-token-7c3e55aa',
      });
      assert.equal(r.code, 1);
      assert.ok(api.requests.length >= 1);
      assert.deepEqual(target.requests, [], 'nothing reached the redirect target');
      assert.match(r.stderr, new RegExp(`307 redirect to ${target.host.replace(/\./g, '\\.')} refused`));
      assert.ok(!(r.stdout + r.stderr).includes('api-token-7c3e55aa'), 'the token in the Location is not printed');
    } finally {
      await api.close();
    }
  });

  it('a plain-http token endpoint off loopback is refused before anything is sent', async () => {
    // 0.0.0.0 reaches this machine's 127.0.0.1 listener, but it is not a loopback name: over
    // plain http the client secret would cross the network unencrypted.
    const auth = await localServer((_req, res) => json(res, 200, { access_token: ELSEWHERE_TOKEN, expires_in: 3600 }));
    try {
      const port = auth.host.split(':')[1];
      const r = await runCli(['preview', '--config', config], {
        HOME: dir,
        RESIM_URL: sandbox.url,
        RESIM_CLIENT_ID: 'client-id-1',
        RESIM_CLIENT_SECRET: SECRET,
        RESIM_AUTH_URL: `http://0.0.0.0:${port}/`,
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.deepEqual(auth.requests, [], 'the secret was not sent over plain http');
      assert.match(r.stderr, /token endpoint must use https/);
      // On loopback plain http is fine (local servers, tests).
      const ok = await runCli(['preview', '--config', config], {
        HOME: dir,
        RESIM_URL: sandbox.url,
        RESIM_CLIENT_ID: 'client-id-1',
        RESIM_CLIENT_SECRET: SECRET,
        RESIM_AUTH_URL: `${auth.origin}/`,
      });
      assert.equal(auth.requests.length, 1, ok.stderr);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      await auth.close();
    }
  });
});
