/**
 * `resim-sync login` / `whoami` / `logout` (dist/cli.js, as users run it) against a real OAuth
 * server started here (oidc-provider with the device flow, refresh tokens and revocation, routes
 * where Auth0 has them: test/support/oidcProvider.ts) and the sandbox accepting that server's
 * access tokens as the ReSim API accepts Auth0's. The person's approval goes through the
 * provider's own pages over HTTP.
 */
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { refreshAccessToken, LoginError } from '../../server/src/resim/login';
import { INTERACTIVE_CLIENT, startTestOidc, type TestOidc, type TestOidcOptions } from '../support/oidcProvider';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the user code once the CLI printed it. */
  code: Promise<string>;
  done: Promise<number | null>;
}

function cli(args: string[], home: string, extraEnv: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = { child, stdout: '', stderr: '' } as Running;
  let gotCode: (c: string) => void;
  r.code = new Promise((resolve) => {
    gotCode = resolve;
  });
  child.stdout!.on('data', (d) => {
    r.stdout += d;
  });
  child.stderr!.on('data', (d) => {
    r.stderr += d;
    const m = /shows the code\s+(\S+)/.exec(r.stderr);
    if (m) gotCode(m[1]);
  });
  r.done = new Promise((resolve) => child.on('close', (c) => resolve(c)));
  return r;
}

describe('resim-sync login / whoami / logout against a local OAuth server', function () {
  this.timeout(120_000);
  let oidc: TestOidc | undefined;
  let sb: Sandbox | undefined;
  let home: string;
  let cacheFile: string;
  const OTHER = { access_token: 'other-client-token', token_type: 'Bearer', expiry: '0001-01-01T00:00:00Z' };

  async function setUp(o: TestOidcOptions = {}): Promise<TestOidc> {
    oidc = await startTestOidc({ interval: 1, ...o });
    sb = await startSandbox({ port: 0, seed: 'demo', issuer: oidc.url, token: 'sandbox-only-token' });
    return oidc;
  }
  const login = (extra: string[] = []) =>
    cli(['--auth-url', oidc!.url, '--client-id', INTERACTIVE_CLIENT, 'login', '--no-browser', ...extra], home);
  const readCache = () => JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Record<string, Record<string, unknown>>;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-login-'));
    cacheFile = path.join(home, '.resim', 'cache.json');
    fs.mkdirSync(path.dirname(cacheFile));
    fs.writeFileSync(cacheFile, JSON.stringify({ 'another-client': OTHER }), { mode: 0o644 });
  });
  afterEach(async () => {
    await sb?.close();
    await oidc?.close();
    sb = undefined;
    oidc = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("signs in with the device flow found by discovery; the cache is the resim CLI's format, mode 0600; whoami calls the API", async () => {
    await setUp();
    const run = login();
    const userCode = await run.code;
    assert.match(run.stderr, new RegExp(`${oidc!.url}activate\\?user_code=`));
    await oidc!.approve(userCode, 'engineer');
    assert.equal(await run.done, 0, run.stderr);
    assert.match(run.stdout, /Signed in as engineer \(OAuth client test-interactive-client\)/);
    assert.ok(oidc!.paths.includes('/.well-known/openid-configuration'));

    assert.equal(fs.statSync(cacheFile).mode & 0o777, 0o600);
    const cache = readCache();
    assert.deepEqual(cache['another-client'], OTHER, "other clients' entries are kept");
    const entry = cache[INTERACTIVE_CLIENT];
    assert.deepEqual(Object.keys(entry).sort(), ['access_token', 'expiry', 'refresh_token', 'token_type']);
    assert.equal(entry.token_type, 'Bearer');
    assert.match(String(entry.expiry), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Date.parse(String(entry.expiry)) > Date.now() + 50 * 60_000);

    const who = cli(['--url', sb!.url, '--client-id', INTERACTIVE_CLIENT, 'whoami'], home, { RESIM_AUTH_URL: oidc!.url });
    assert.equal(await who.done, 0, who.stderr);
    assert.match(who.stdout, new RegExp(`API: +${sb!.url.replace(/[/.]/g, '\\$&')} \\(answered: \\d+ projects? visible\\)`));
    assert.match(who.stdout, /Signed in as: engineer \(OAuth client test-interactive-client\)/);
    assert.match(who.stdout, /Token: +expires \d{4}-.*\(in (59|60) min\)/);
    assert.ok(sb!.requestLog.some((r) => r.operation === 'ListProjects' && r.status === 200));
    assert.ok(!who.stdout.includes(String(entry.access_token)), 'whoami never prints the token');
  });

  it('falls back to the Auth0 paths when the server has no discovery document', async () => {
    await setUp({ discovery: false });
    const run = login();
    await oidc!.approve(await run.code);
    assert.equal(await run.done, 0, run.stderr);
    assert.ok(oidc!.paths.includes('/oauth/device/code'));
    assert.ok(readCache()[INTERACTIVE_CLIENT].access_token);
  });

  it('says the sign-in was denied and writes nothing when the person denies it', async () => {
    await setUp();
    const run = login();
    await oidc!.deny(await run.code);
    assert.equal(await run.done, 1);
    assert.match(run.stderr, /^Error: The sign-in was denied in the browser\. Run `resim-sync login` again to retry\.$/m);
    assert.deepEqual(Object.keys(readCache()), ['another-client']);
  });

  it('says the code expired when nobody approves it in time', async () => {
    await setUp({ deviceCodeTtl: 3 });
    const run = login();
    await run.code;
    assert.equal(await run.done, 1);
    assert.match(run.stderr, /^Error: The sign-in code expired before it was approved\. Run `resim-sync login` again/m);
    assert.deepEqual(Object.keys(readCache()), ['another-client']);
  });

  it('polls more slowly after slow_down', async () => {
    await setUp({ interval: 1, minPollSeconds: 3 });
    const run = login();
    const userCode = await run.code;
    // Approve once the server has answered slow_down (the 2nd poll comes 1 s after the 1st).
    while (oidc!.polls.length < 2) await new Promise((r) => setTimeout(r, 100));
    await oidc!.approve(userCode);
    assert.equal(await run.done, 0, run.stderr);
    const p = oidc!.polls;
    assert.ok(p.length >= 3, `polls: ${p.length}`);
    assert.ok(p[1] - p[0] < 3000, 'the 2nd poll was early enough to be slowed down');
    assert.ok(p[2] - p[1] >= 5900, `after slow_down the client waited ${p[2] - p[1]} ms (interval + 5 s expected)`);
  });

  it('cancels on Ctrl-C (exit 130) and writes nothing', async () => {
    await setUp();
    const run = login();
    await run.code;
    run.child.kill('SIGINT');
    assert.equal(await run.done, 130);
    assert.match(run.stderr, /Sign-in cancelled\./);
    assert.deepEqual(Object.keys(readCache()), ['another-client']);
  });

  it('refreshes an expired access token with the refresh token and writes the new one back', async () => {
    await setUp({ accessTokenTtl: 12 });
    const run = login();
    await oidc!.approve(await run.code);
    assert.equal(await run.done, 0, run.stderr);
    const before = readCache()[INTERACTIVE_CLIENT];
    // 12 s tokens are refreshed 10 s early; wait until the access token itself has expired.
    await new Promise((r) => setTimeout(r, 12_500));
    const who = cli(['--url', sb!.url, '--client-id', INTERACTIVE_CLIENT, 'whoami'], home, { RESIM_AUTH_URL: oidc!.url });
    assert.equal(await who.done, 0, who.stderr);
    const after = readCache()[INTERACTIVE_CLIENT];
    assert.notEqual(after.access_token, before.access_token);
    assert.ok(Date.parse(String(after.expiry)) > Date.now());
    assert.equal(fs.statSync(cacheFile).mode & 0o777, 0o600);
    // The sandbox refuses the expired token: the API call succeeded with the refreshed one.
    const refused = await fetch(new URL('projects', sb!.url), { headers: { Authorization: `Bearer ${String(before.access_token)}` } });
    assert.equal(refused.status, 401);
    assert.match(who.stdout, /Signed in as: engineer/);
  });

  it('logs out: revokes the refresh token, removes only its own entry', async () => {
    await setUp();
    const run = login();
    await oidc!.approve(await run.code);
    assert.equal(await run.done, 0, run.stderr);
    const refreshToken = String(readCache()[INTERACTIVE_CLIENT].refresh_token);
    const out = cli(['--auth-url', oidc!.url, '--client-id', INTERACTIVE_CLIENT, 'logout'], home);
    assert.equal(await out.done, 0, out.stderr);
    assert.match(
      out.stdout,
      /Signed out: removed the token of OAuth client test-interactive-client from .* and revoked its refresh token\./,
    );
    assert.deepEqual(readCache(), { 'another-client': OTHER });
    await assert.rejects(
      refreshAccessToken({ authUrl: oidc!.url, clientId: INTERACTIVE_CLIENT }, refreshToken),
      (e: unknown) => e instanceof LoginError && e.code === 'refused',
    );
    const again = cli(['--auth-url', oidc!.url, '--client-id', INTERACTIVE_CLIENT, 'logout'], home);
    assert.equal(await again.done, 0);
    assert.match(again.stdout, /Not signed in/);
  });

  it('names the flag to check when the auth URL is not an OAuth server', async () => {
    await setUp();
    const run = cli(['--auth-url', sb!.url, '--client-id', INTERACTIVE_CLIENT, 'login', '--no-browser'], home);
    assert.equal(await run.done, 1);
    assert.match(run.stderr, /^Error: .*Check --auth-url \(RESIM_AUTH_URL\)/m);
  });
});
