/**
 * One connection rule for the CLI and the language server (server/src/resim/connection.ts):
 * given values (flags, editor settings) win; then RESIM_URL, RESIM_PROJECT, RESIM_TOKEN; client
 * credentials; the resim CLI's token cache; the production API URL; no default project.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_API_URL } from '../../server/src/resim';
import { resolveApiUrl, resolveConnection, resolveProjectRef } from '../../server/src/resim/connection';
import { normalizeSettings } from '../../server/src/lsp/settings';

const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('connection resolution (CLI and language server)', () => {
  let home: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-conn-'));
    fs.mkdirSync(path.join(home, '.resim'));
    fs.writeFileSync(
      path.join(home, '.resim', 'cache.json'),
      JSON.stringify({ any: { access_token: 'cached', token_type: 'Bearer', expiry: inOneHour() } }),
      { mode: 0o600 },
    );
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('API URL: given, else RESIM_URL, else the production API', () => {
    assert.equal(resolveApiUrl('http://given/v1/', { RESIM_URL: 'http://env/v1/' }), 'http://given/v1/');
    assert.equal(resolveApiUrl('  ', { RESIM_URL: 'http://env/v1/' }), 'http://env/v1/');
    assert.equal(resolveApiUrl(undefined, {}), DEFAULT_API_URL);
  });

  it("project: given, else RESIM_PROJECT, else the fallback (the file's comment for the CLI)", () => {
    assert.equal(resolveProjectRef('flag', { RESIM_PROJECT: 'env' }, 'comment'), 'flag');
    assert.equal(resolveProjectRef(undefined, { RESIM_PROJECT: 'env' }, 'comment'), 'env');
    assert.equal(resolveProjectRef('', {}, 'comment'), 'comment');
    assert.equal(resolveProjectRef(undefined, {}), undefined);
  });

  it('credentials: given token, RESIM_TOKEN, client credentials, the resim CLI cache, in that order', () => {
    const env = { RESIM_TOKEN: 't', RESIM_CLIENT_ID: 'id', RESIM_CLIENT_SECRET: 's' };
    assert.match(resolveConnection({ token: 'x' }, { env, homeDir: home }).auth!.describe(), /given explicitly/);
    assert.match(resolveConnection({}, { env, homeDir: home }).auth!.describe(), /RESIM_TOKEN/);
    assert.equal(
      resolveConnection({}, { env: { RESIM_CLIENT_ID: 'id', RESIM_CLIENT_SECRET: 's' }, homeDir: home }).auth!.kind,
      'client-credentials',
    );
    assert.equal(resolveConnection({}, { env: {}, homeDir: home }).auth!.kind, 'cli-cache');
    assert.equal(resolveConnection({}, { env: {}, homeDir: path.join(home, 'nothing') }).auth, undefined);
  });

  it("the language server's settings fall back the same way; what the client sets wins", () => {
    const env = { RESIM_URL: 'http://127.0.0.1:1/v1', RESIM_PROJECT: 'from-env' };
    assert.deepEqual([normalizeSettings({}, env).apiUrl, normalizeSettings({}, env).project], ['http://127.0.0.1:1/v1/', 'from-env']);
    const given = normalizeSettings({ apiUrl: 'http://127.0.0.1:2/v1/', project: 'mine' }, env);
    assert.deepEqual([given.apiUrl, given.project], ['http://127.0.0.1:2/v1/', 'mine']);
    assert.equal(normalizeSettings({}, {}).apiUrl, DEFAULT_API_URL);
  });
});
