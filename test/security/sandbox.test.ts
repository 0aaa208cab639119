/**
 * The local sandbox is not open to other parties (docs/security.md, "The local sandbox"): its
 * admin endpoints need the bearer token; a cross-site request from a web page (a foreign
 * `Origin`, `text/plain` so that no preflight stops it) cannot reset it; a DNS-rebinding
 * request (a foreign `Host`) is refused; a token is generated and printed when none is given;
 * and the VS Code client starts it with the token in the environment, so no other local user
 * reads it in `ps` (/proc/<pid>/cmdline). Real sandbox processes (`resim-sync sandbox`).
 */
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { spawnSandbox } from '../../client/src/sandboxSpawn';
import { CLI, freePort } from './helpers';

/** Waits for the "listening on <url>" line of a sandbox process; returns the URL and all stdout so far. */
function listening(proc: ChildProcess): Promise<{ url: string; out: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start: ${out}`)), 20_000);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve({ url: m[1], out });
      }
    });
    proc.once('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${out}`)));
  });
}

function stop(proc: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/** One HTTP request with full control of the headers (Host included). */
function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const TOKEN = 'sandbox-token-3b8e1f6c2d';

describe('security: the local sandbox', function () {
  this.timeout(60_000);
  let dir: string;
  let proc: ChildProcess | undefined;
  let base: string; // http://127.0.0.1:PORT
  let api: string;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-sandbox-'));
  });
  afterEach(async () => {
    await stop(proc);
    proc = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startWithToken(): Promise<string> {
    const data = path.join(dir, 'sandbox.json');
    proc = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--seed', 'demo', '--data', data], {
      env: { PATH: process.env.PATH, HOME: dir, RESIM_SANDBOX_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url, out } = await listening(proc);
    assert.ok(!out.includes(TOKEN), 'a token that was given is not printed');
    api = url;
    base = new URL(url).origin;
    return data;
  }

  it('a cross-site reset from a web page is refused; nothing is wiped', async () => {
    const data = await startWithToken();
    const pid = JSON.parse(fs.readFileSync(data, 'utf8')).projects[0].projectID as string;
    const created = await request(`${api}projects/${pid}/experiences`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'keep-me', description: 'd', locations: ['s3://b/k'] }),
    });
    assert.equal(created.status, 201, created.body);
    const before = fs.readFileSync(data, 'utf8');
    assert.ok(before.includes('keep-me'));

    // What a form or fetch() on any page can send: text/plain, no preflight, the page's Origin.
    const csrf = { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' }, body: '{"seed":"empty"}' };
    const anonymous = await request(`${base}/_sandbox/reset`, csrf);
    assert.equal(anonymous.status, 403, anonymous.body);
    // Even with the token (a page cannot have it, but the Origin alone is enough to refuse).
    const withToken = await request(`${base}/_sandbox/reset`, { ...csrf, headers: { ...csrf.headers, ...auth } });
    assert.equal(withToken.status, 403, withToken.body);
    assert.equal(fs.readFileSync(data, 'utf8'), before, 'the data file is untouched');
    const state = await request(`${base}/_sandbox/state`, { headers: auth });
    assert.equal(state.status, 200);
    assert.ok(state.body.includes('keep-me'), 'the state is untouched');
  });

  it('admin endpoints need the bearer token', async () => {
    await startWithToken();
    assert.equal((await request(`${base}/_sandbox/state`)).status, 401);
    assert.equal((await request(`${base}/_sandbox/state`, { headers: { Authorization: 'Bearer not-the-token' } })).status, 401);
    assert.equal((await request(`${base}/_sandbox/reset`, { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await request(`${base}/_sandbox/requests`, { headers: auth })).status, 200);
  });

  it('a request under a foreign Host (DNS rebinding) is refused, API and admin alike', async () => {
    await startWithToken();
    const port = new URL(base).port;
    for (const url of [`${base}/_sandbox/state`, `${api}projects`]) {
      const rebound = await request(url, { headers: { ...auth, Host: `rebind.example:${port}` } });
      assert.equal(rebound.status, 403, `${url}: ${rebound.body}`);
      assert.ok(!rebound.body.includes('demo'), 'no state in the answer');
      const local = await request(url, { headers: { ...auth, Host: `localhost:${port}` } });
      assert.equal(local.status, 200, `${url} under localhost: ${local.body}`);
    }
  });

  it('without a token, a random one is generated, printed, and required', async () => {
    proc = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--seed', 'demo'], {
      env: { PATH: process.env.PATH, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url, out } = await listening(proc);
    const token = /Bearer token \(generated[^)]*\): (\S+)/.exec(out)?.[1];
    assert.ok(token && token.length >= 32, out);
    assert.ok(out.includes(`RESIM_TOKEN=${token}`), out);
    assert.equal((await request(`${url}projects`, { headers: { Authorization: 'Bearer anything-else' } })).status, 401);
    assert.equal((await request(`${url}projects`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await request(`${new URL(url).origin}/_sandbox/state`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
  });

  it('the token can come from a file', async () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    proc = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--token-file', file], {
      env: { PATH: process.env.PATH, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url, out } = await listening(proc);
    assert.ok(!out.includes(TOKEN));
    assert.equal((await request(`${url}projects`, { headers: auth })).status, 200);
    assert.equal((await request(`${url}projects`, { headers: { Authorization: 'Bearer other-token' } })).status, 401);
  });

  it('started as the VS Code client starts it, the token is in no process command line', async function () {
    if (!fs.existsSync('/proc/self/cmdline')) this.skip();
    const token = `vscode-sandbox-${Date.now().toString(36)}-c4f1`;
    proc = spawnSandbox(CLI, await freePort(), token, { PATH: process.env.PATH, HOME: dir });
    const { url } = await listening(proc);
    // Every process's command line, as any local user can read it.
    const leaks: string[] = [];
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      if (cmdline.includes(token)) leaks.push(`${pid}: ${cmdline.split('\0').join(' ')}`);
    }
    assert.deepEqual(leaks, [], 'the token is on a command line');
    assert.ok(fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0').includes('sandbox'), 'that is the sandbox process');
    // And the sandbox does use it.
    assert.equal((await request(`${url}projects`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await request(`${url}projects`, { headers: { Authorization: 'Bearer guessed-token' } })).status, 401);
  });
});
