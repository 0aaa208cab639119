/**
 * One redaction function for every message that leaves a process (docs/security.md, "Secrets in
 * messages"): URL user info, bearer tokens, `access_token`/`client_secret` values and the exact
 * secrets in use never appear in the CLI's stdout/stderr, nor in the language server's
 * diagnostics, `window/logMessage` stream or request errors, nor in the VS Code output channel.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Redactor } from '../../client/src/redact';
import { redact } from '../../server/src/security/redact';
import { LspClient } from '../integration/lsp-helpers';
import { json, localServer, runCli, type LocalServer } from './helpers';

const PASSWORD = 'hunter2-PASSWORD-4e1b';
const TOKEN = 'bearer-token-0c9f7d21aa';
const SECRET = 'client-secret-77ab3d0e';
const MARKERS = [PASSWORD, TOKEN, SECRET];

function assertClean(where: string, text: string): void {
  for (const m of MARKERS) assert.ok(!text.includes(m), `${where} holds a secret (${m}):\n${text}`);
}

describe('security: secrets never appear in messages', function () {
  this.timeout(60_000);

  describe('the redaction function', () => {
    it('hides user info, bearer tokens, OAuth parameters in URLs and bodies, and the secrets given', () => {
      const text = [
        `http://user:${PASSWORD}@api.example/v1/`,
        `Authorization: Bearer ${TOKEN}`,
        `https://cb.example/done#access_token=${TOKEN}&state=1`,
        `grant_type=client_credentials&client_secret=${SECRET}`,
        `{"access_token": "${TOKEN}", "client_secret":"${SECRET}"}`,
        `"{\\"client_secret\\":\\"${SECRET}\\"}"`,
        `plain mention of ${SECRET}`,
      ].join('\n');
      const out = redact(text, [SECRET]);
      assertClean('redact()', out);
      assert.match(out, /http:\/\/\[redacted\]@api\.example\/v1\//);
      assert.match(out, /Bearer \[redacted\]/);
      assert.match(out, /state=1/, 'other parameters stay');
      // Prose and ordinary names are left alone.
      assert.equal(
        redact('a bearer token from RESIM_TOKEN; test suite "Basic Suite"; pageToken=abc'),
        'a bearer token from RESIM_TOKEN; test suite "Basic Suite"; pageToken=abc',
      );
    });

    it('is what the VS Code output channel uses', () => {
      const r = new Redactor();
      r.add(SECRET);
      assertClean('Redactor', r.redact(`GET http://u:${PASSWORD}@h/v1/ Authorization: Bearer ${TOKEN} secret ${SECRET}`));
    });
  });

  describe('the CLI', () => {
    let dir: string;
    let config: string;
    let api: LocalServer;
    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-redact-'));
      config = path.join(dir, 'demo.experiences.yaml');
      fs.writeFileSync(config, '# resim-project: demo\nexperiences:\n  - name: one\n    description: d\n    locations: [s3://b/k]\n');
      // An API that redirects, with the token in the Location, and a token endpoint that echoes.
      api = await localServer((req, res) => {
        if (req.url.endsWith('/oauth/token'))
          json(res, 401, { error: 'access_denied', error_description: `bad client_secret=${SECRET} for ${req.body}` });
        else {
          res.writeHead(302, { Location: `http://127.0.0.1:1/cb/${TOKEN}?access_token=${TOKEN}` });
          res.end();
        }
      });
    });
    afterEach(async () => {
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('an unparsable API URL with a password: the error does not print it', async () => {
      const r = await runCli(['preview', '--config', config], {
        HOME: dir,
        RESIM_URL: `http://user:${PASSWORD}@127.0.0.1:notaport/v1/`,
        RESIM_TOKEN: TOKEN,
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Invalid ReSim API URL|is not an http\(s\) URL/);
      assertClean('stdout+stderr', r.stdout + r.stderr);
    });

    it('an API URL with a password and a redirect holding the token: neither is printed', async () => {
      const url = api.origin.replace('http://', `http://user:${PASSWORD}@`);
      const r = await runCli(['preview', '--config', config], { HOME: dir, RESIM_URL: `${url}/v1/`, RESIM_TOKEN: TOKEN });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /redirect to 127\.0\.0\.1:1 refused/);
      assertClean('stdout+stderr', r.stdout + r.stderr);
    });

    it('an auth URL with a password and a token endpoint that echoes the secret: neither is printed', async () => {
      const auth = api.origin.replace('http://', `http://user:${PASSWORD}@`);
      const r = await runCli(['preview', '--config', config], {
        HOME: dir,
        RESIM_URL: `${api.origin}/v1/`,
        RESIM_CLIENT_ID: 'cid',
        RESIM_CLIENT_SECRET: SECRET,
        RESIM_AUTH_URL: `${auth}/`,
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /GetToken failed: 401/);
      assertClean('stdout+stderr', r.stdout + r.stderr);
    });
  });

  describe('the language server', () => {
    let api: LocalServer;
    let client: LspClient | undefined;
    afterEach(async () => {
      await client?.stop();
      client = undefined;
      await api.close();
    });

    it('diagnostics, window/logMessage and request errors hold no password, token or secret', async () => {
      api = await localServer((_req, res) => {
        res.writeHead(302, { Location: `http://127.0.0.1:1/cb/${TOKEN}?access_token=${TOKEN}` });
        res.end();
      });
      const apiUrl = `${api.origin.replace('http://', `http://user:${PASSWORD}@`)}/v1/`;
      client = await LspClient.start({ settings: { apiUrl, project: 'demo' }, env: { RESIM_TOKEN: TOKEN } });
      client.allowRedactionMarker = true; // this test puts a password into the API URL on purpose
      const uri = 'file:///tmp/sec/demo.experiences.yaml';
      client.open(uri, '# resim-project: demo\nexperiences:\n  - name: one\n    description: d\n    locations: [s3://b/k]\n');
      const diags = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'state-unavailable'));
      const errors: string[] = [];
      const preview = await client.request<unknown>('resim/preview', { uri, fresh: true });
      for (const [method, params] of [
        ['resim/listProjects', {}],
        ['resim/clone', { project: 'demo' }],
        ['resim/apply', { uri, stateFingerprint: 'x' }],
      ] as const) {
        try {
          errors.push(JSON.stringify(await client.request(method, params)));
        } catch (e) {
          errors.push(`${(e as Error).message} ${JSON.stringify((e as { data?: unknown }).data ?? null)}`);
        }
      }
      await client.until(() => client!.logs.length > 0, 5000, 'log messages');
      assert.ok(api.requests.length > 0, 'the server did call the API');
      assert.match(JSON.stringify(diags), /redirect to 127\.0\.0\.1:1 refused/);
      assertClean('diagnostics', JSON.stringify(diags));
      assertClean('resim/preview', JSON.stringify(preview));
      assertClean('request errors', errors.join('\n'));
      assertClean('window/logMessage', client.logs.map((l) => l.message).join('\n'));
      assertClean('stderr', client.stderr);
    });
  });
});
