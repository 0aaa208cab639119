/**
 * Credentials for the ReSim API (server/src/resim/auth.ts): precedence of explicit token,
 * RESIM_TOKEN, client credentials and the resim CLI's token cache (docs/api.md, "The resim
 * CLI's conventions"; docs/architecture.md, "Command line"), against a fake OAuth token endpoint.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  ApiError,
  CLI_INTERACTIVE_CLIENT_ID,
  CLI_NON_INTERACTIVE_CLIENT_ID,
  CliCacheAuth,
  ClientCredentialsAuth,
  resolveAuth,
} from '../../server/src/resim';

const SECRET = 'client-SECRET-value-42';
const dirs: string[] = [];
const servers: http.Server[] = [];

function tempHome(cache?: unknown): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-auth-'));
  dirs.push(home);
  if (cache !== undefined) {
    fs.mkdirSync(path.join(home, '.resim'));
    fs.writeFileSync(path.join(home, '.resim', 'cache.json'), typeof cache === 'string' ? cache : JSON.stringify(cache), { mode: 0o600 });
  }
  return home;
}

const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3600_000).toISOString();
const entry = (token: string, expiry: string) => ({ access_token: token, token_type: 'Bearer', refresh_token: 'r', expiry });

interface TokenRequest {
  path: string;
  contentType: string | undefined;
  body: Record<string, string>;
}

/** A fake Auth0 `/oauth/token`: answers with `reply(n)` for the n-th request (1-based). */
async function tokenEndpoint(reply: (n: number) => { status: number; body: unknown }): Promise<{ url: string; requests: TokenRequest[] }> {
  const requests: TokenRequest[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) as Record<string, string> });
      const r = reply(requests.length);
      res.writeHead(r.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

afterEach(async () => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0))
    await new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
});

describe('resim auth: precedence', () => {
  const cache = { [CLI_INTERACTIVE_CLIENT_ID]: entry('cached-token', inOneHour()) };

  it('explicit token, then RESIM_TOKEN, then client credentials, then the CLI cache', async () => {
    const home = tempHome(cache);
    const env = { RESIM_TOKEN: 'env-token', RESIM_CLIENT_ID: 'cid', RESIM_CLIENT_SECRET: SECRET };

    const a = resolveAuth({ token: 'explicit-token', env, homeDir: home });
    assert.equal(a?.kind, 'token');
    assert.equal(await a?.getToken(), 'explicit-token');

    const b = resolveAuth({ env, homeDir: home });
    assert.equal(b?.kind, 'token');
    assert.equal(await b?.getToken(), 'env-token');
    assert.match(b?.describe() ?? '', /RESIM_TOKEN/);

    const c = resolveAuth({ env: { RESIM_CLIENT_ID: 'cid', RESIM_CLIENT_SECRET: SECRET }, homeDir: home });
    assert.equal(c?.kind, 'client-credentials');
    assert.ok(c?.describe().includes('cid'));
    assert.ok(!c?.describe().includes(SECRET));

    const d = resolveAuth({ clientId: 'cid2', clientSecret: SECRET, env: {}, homeDir: home });
    assert.equal(d?.kind, 'client-credentials');

    const e = resolveAuth({ env: {}, homeDir: home });
    assert.equal(e?.kind, 'cli-cache');
    assert.equal(await e?.getToken(), 'cached-token');
    assert.ok(!e?.describe().includes('cached-token'));
    assert.ok(e?.describe().includes(path.join(home, '.resim', 'cache.json')));
  });

  it('ignores blank values and reads only the env it is given', () => {
    const home = tempHome();
    assert.equal(resolveAuth({ token: '  ', env: { RESIM_TOKEN: '' }, homeDir: home }), undefined);
    const prev = process.env.RESIM_TOKEN;
    process.env.RESIM_TOKEN = 'from-process-env';
    try {
      assert.equal(resolveAuth({ env: {}, homeDir: home }), undefined);
      assert.equal(resolveAuth({ homeDir: home })?.kind, 'token');
    } finally {
      if (prev === undefined) delete process.env.RESIM_TOKEN;
      else process.env.RESIM_TOKEN = prev;
    }
  });

  it('a client ID without a secret is not client credentials: the cache is used, that client first', async () => {
    const home = tempHome({ ...cache, 'my-client': entry('my-client-token', inOneHour()) });
    const a = resolveAuth({ env: { RESIM_CLIENT_ID: 'my-client' }, homeDir: home });
    assert.equal(a?.kind, 'cli-cache');
    assert.equal(await a?.getToken(), 'my-client-token');
  });

  it('is undefined when there is nothing', () => {
    assert.equal(resolveAuth({ env: {}, homeDir: tempHome() }), undefined);
    assert.equal(resolveAuth({ env: {}, homeDir: tempHome({}) }), undefined);
  });
});

describe('resim auth: the resim CLI token cache', () => {
  it('prefers the interactive client, then the non-interactive one, then any', async () => {
    const all = {
      other: entry('other-token', inOneHour()),
      [CLI_NON_INTERACTIVE_CLIENT_ID]: entry('machine-token', inOneHour()),
      [CLI_INTERACTIVE_CLIENT_ID]: entry('person-token', inOneHour()),
    };
    assert.equal(await resolveAuth({ env: {}, homeDir: tempHome(all) })?.getToken(), 'person-token');
    const noPerson = { other: all.other, [CLI_NON_INTERACTIVE_CLIENT_ID]: all[CLI_NON_INTERACTIVE_CLIENT_ID] };
    assert.equal(await resolveAuth({ env: {}, homeDir: tempHome(noPerson) })?.getToken(), 'machine-token');
    assert.equal(await resolveAuth({ env: {}, homeDir: tempHome({ other: all.other }) })?.getToken(), 'other-token');
  });

  it('skips expired tokens; Go zero expiry and nanosecond RFC 3339 are understood', async () => {
    const nanos = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, '.123456789+00:00');
    const home = tempHome({
      [CLI_INTERACTIVE_CLIENT_ID]: entry('stale', anHourAgo()),
      [CLI_NON_INTERACTIVE_CLIENT_ID]: entry('fresh', nanos),
    });
    assert.equal(await resolveAuth({ env: {}, homeDir: home })?.getToken(), 'fresh');
    const zero = tempHome({ x: entry('forever', '0001-01-01T00:00:00Z') });
    assert.equal(await resolveAuth({ env: {}, homeDir: zero })?.getToken(), 'forever');
  });

  it('only expired tokens: getToken rejects saying so, without the token', async () => {
    const home = tempHome({ [CLI_INTERACTIVE_CLIENT_ID]: { ...entry('stale-token-value', anHourAgo()), refresh_token: undefined } });
    const a = resolveAuth({ env: {}, homeDir: home });
    assert.equal(a?.kind, 'cli-cache');
    await assert.rejects(a!.getToken(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /expired/);
      assert.match(e.message, /cache\.json/);
      assert.match(e.message, /resim/);
      assert.ok(!e.message.includes('stale-token-value'));
      return true;
    });
  });

  it('an unreadable cache file gets a clear error', async () => {
    const a = resolveAuth({ env: {}, homeDir: tempHome('{not json') });
    assert.equal(a?.kind, 'cli-cache');
    await assert.rejects(a!.getToken(), /cannot read the resim CLI's token cache .*not valid JSON/);
  });

  it('reads the file again once the token in use expires', async () => {
    const home = tempHome({ a: entry('first', new Date(Date.now() + 60_000).toISOString()) });
    let now = Date.now();
    const auth = new CliCacheAuth(path.join(home, '.resim', 'cache.json'), undefined, () => now);
    assert.equal(await auth.getToken(), 'first');
    fs.writeFileSync(
      path.join(home, '.resim', 'cache.json'),
      JSON.stringify({ a: entry('second', new Date(Date.now() + 7200_000).toISOString()) }),
    );
    assert.equal(await auth.getToken(), 'first'); // still valid: no re-read
    now += 120_000;
    assert.equal(await auth.getToken(), 'second');
  });
});

describe('resim auth: client credentials', () => {
  it('posts JSON to <authUrl>/oauth/token and caches the token until shortly before expiry', async () => {
    let n = 0;
    const ep = await tokenEndpoint(() => ({ status: 200, body: { access_token: `at-${++n}`, expires_in: 600, token_type: 'Bearer' } }));
    let now = 1_000_000;
    const auth = new ClientCredentialsAuth(
      { clientId: 'cid', clientSecret: SECRET, authUrl: ep.url.replace(/\/$/, ''), audience: 'https://api.resim.ai' },
      () => now,
    );
    assert.equal(await auth.getToken(), 'at-1');
    assert.equal(await auth.getToken(), 'at-1');
    assert.equal(ep.requests.length, 1);
    assert.equal(ep.requests[0].path, '/oauth/token');
    assert.equal(ep.requests[0].contentType, 'application/json');
    assert.deepEqual(ep.requests[0].body, {
      grant_type: 'client_credentials',
      client_id: 'cid',
      client_secret: SECRET,
      audience: 'https://api.resim.ai',
    });
    now += 530_000; // 70 s left: still cached
    assert.equal(await auth.getToken(), 'at-1');
    now += 20_000; // 50 s left: refreshed
    assert.equal(await auth.getToken(), 'at-2');
    auth.invalidate();
    assert.equal(await auth.getToken(), 'at-3');
  });

  it('resolveAuth uses RESIM_AUTH_URL and the default audience; concurrent callers share one request', async () => {
    const ep = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'shared', expires_in: 3600 } }));
    const auth = resolveAuth({ env: { RESIM_CLIENT_ID: 'cid', RESIM_CLIENT_SECRET: SECRET, RESIM_AUTH_URL: ep.url }, homeDir: tempHome() });
    const tokens = await Promise.all([auth!.getToken(), auth!.getToken(), auth!.getToken()]);
    assert.deepEqual(tokens, ['shared', 'shared', 'shared']);
    assert.equal(ep.requests.length, 1);
    assert.equal(ep.requests[0].body.audience, 'https://api.resim.ai');
  });

  it('a refused secret is an ApiError without the secret', async () => {
    const ep = await tokenEndpoint(() => ({ status: 401, body: { error: 'access_denied', error_description: `Unauthorized: ${SECRET}` } }));
    const auth = resolveAuth({ clientId: 'cid', clientSecret: SECRET, authUrl: ep.url, env: {} });
    const err = await auth!.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.operation, 'GetToken');
    assert.equal(err.status, 401);
    assert.equal(err.retriable, false);
    assert.match(
      err.message,
      /^GetToken failed: 401 Unauthorized: Unauthorized: \[redacted\] \(POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token\) Check the client ID/,
    );
    assert.ok(!`${err.message} ${err.stack} ${JSON.stringify(err)}`.includes(SECRET));
  });

  it('a 503 from the token endpoint is retriable; an answer without access_token is not', async () => {
    const ep = await tokenEndpoint((n) =>
      n === 1 ? { status: 503, body: { message: 'down' } } : { status: 200, body: { token_type: 'Bearer' } },
    );
    const auth = new ClientCredentialsAuth({ clientId: 'cid', clientSecret: SECRET, authUrl: ep.url, audience: 'a' });
    await assert.rejects(auth.getToken(), (e: unknown) => e instanceof ApiError && e.status === 503 && e.retriable);
    await assert.rejects(auth.getToken(), (e: unknown) => e instanceof ApiError && !e.retriable && /without access_token/.test(e.message));
  });

  it('an aborted signal rejects with an AbortError', async () => {
    const ep = await tokenEndpoint(() => ({ status: 200, body: { access_token: 't', expires_in: 60 } }));
    const auth = new ClientCredentialsAuth({ clientId: 'cid', clientSecret: SECRET, authUrl: ep.url, audience: 'a' });
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(auth.getToken(ctl.signal), (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.equal(ep.requests.length, 0);
  });
});
