/**
 * The auth server and the token cache as attackers (docs/security.md, "The auth server as an
 * attacker", "The token cache"): the built CLI's `login`, `whoami` and `logout` against a hostile
 * OAuth server on 127.0.0.1 (test/support/hostileAuth.ts) and planted `~/.resim` caches. Shown:
 * no secret in any output, no raw control character, no browser link on a refused URL, no token
 * written through a link, a one-line error within `--timeout`, no run over 600 MB.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startHostileAuth, type HostileAuth, type HostileMode } from '../support/hostileAuth';
import { CLI, localServer, type Run } from './helpers';

/** Control characters (but LF), DEL, C1 and bidi controls: none may reach a terminal raw. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** Peak RSS (VmHWM) allowed for one CLI run, in kB. */
const RSS_LIMIT_KB = 600 * 1024;

interface Measured extends Run {
  /** Peak resident set size of the CLI process (kB, VmHWM), as last seen. */
  peakKb: number;
}

/** Runs the CLI as `runCli` does, reading its peak RSS from /proc while it runs. */
function runMeasured(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Measured> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* gone */
      }
    }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stdout, stderr, peakKb });
    });
  });
}

function assertClean(r: Run, secrets: string[], what: string): void {
  const all = r.stdout + r.stderr;
  for (const s of secrets) assert.ok(!all.includes(s), `${what}: a secret (${s.slice(0, 6)}…) was printed:\n${all}`);
  assert.doesNotMatch(all, RAW_CONTROL, `${what}: a raw control character was printed: ${JSON.stringify(all)}`);
  assert.doesNotMatch(all, /Please report this|\n\s+at /, `${what}: a stack trace was printed:\n${all}`);
}

/** The error line of a failed run: one `Error: …` line (API errors add the CLI's "Nothing was changed by this step."). */
function oneLineError(r: Run): string {
  const all = r.stderr.trim().split('\n');
  // A login prints its prompt first; the error is what follows.
  const lines = all
    .slice(
      Math.max(
        0,
        all.findIndex((l) => l.startsWith('Error: ')),
      ),
    )
    .filter((l) => l !== 'Nothing was changed by this step.');
  assert.equal(lines.length, 1, `one line of error, got:\n${r.stderr}`);
  assert.match(lines[0], /^Error: /);
  return lines[0];
}

describe('security: the auth server and the token cache as attackers', function () {
  this.timeout(120_000);
  let home: string;
  let auth: HostileAuth | undefined;
  const cacheFile = () => path.join(home, '.resim', 'cache.json');
  const CLIENT = 'client-under-test';

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-auth-'));
  });
  afterEach(async () => {
    await auth?.close();
    auth = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  const start = async (mode: HostileMode, o: { foreignOrigin?: string } = {}) => (auth = await startHostileAuth(mode, o));
  const env = (extra: Record<string, string> = {}) => ({
    HOME: home,
    RESIM_AUTH_URL: auth!.url,
    RESIM_URL: `${auth!.origin}/v1/`,
    ...extra,
  });
  const login = (extra: string[] = [], e: Record<string, string> = {}) =>
    runMeasured(['--client-id', CLIENT, ...extra, 'login', '--no-browser'], env(e));
  /** A cache whose token for CLIENT has expired and holds a refresh token. */
  const plantExpired = (refreshToken: string) => {
    fs.mkdirSync(path.join(home, '.resim'), { mode: 0o700 });
    fs.writeFileSync(
      cacheFile(),
      JSON.stringify({
        [CLIENT]: {
          access_token: 'AT_expired_access_token',
          token_type: 'Bearer',
          refresh_token: refreshToken,
          expiry: '2020-01-01T00:00:00Z',
        },
      }),
      { mode: 0o600 },
    );
  };

  describe('secrets the server echoes', () => {
    it('whoami: the refresh token echoed in error_description is not printed', async () => {
      await start('echo');
      const rt = 'RT_planted_refresh_token_7f3a9c';
      plantExpired(rt);
      const r = await runMeasured(['whoami'], env({ RESIM_CLIENT_ID: CLIENT }));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(
        auth!.requests.some((q) => q.body.includes(rt)),
        'the refresh was attempted',
      );
      assertClean(r, [rt], 'whoami');
      assert.match(r.stderr, /refused the refresh: refresh token \[redacted\] was revoked/);
    });

    it('logout: the refresh token echoed by the revocation endpoint is not printed', async () => {
      await start('echo');
      const rt = 'RT_planted_refresh_token_41bd2e';
      plantExpired(rt);
      const r = await runMeasured(['--client-id', CLIENT, 'logout'], env());
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(
        auth!.requests.some((q) => q.path === '/oauth/revoke'),
        'revocation was attempted',
      );
      assertClean(r, [rt], 'logout');
      assert.match(r.stderr, /cannot revoke \[redacted\]/);
    });
  });

  describe('text from the server reaches the terminal escaped', () => {
    it('login: verification_uri, user_code and the email claim with escapes', async () => {
      await start('escapes');
      const r = await login();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assertClean(r, [auth!.accessToken, auth!.refreshToken], 'login');
      assert.match(r.stderr, /ABCD\\x1b\[2K\\x1b\[1A\\x1b\]0;pwned\\x07/);
      assert.match(r.stdout, /^Signed in as victim@corp\.example\\x1b/);
    });

    it('whoami and logout: error_description with escapes', async () => {
      await start('escapes');
      plantExpired('RT_planted_refresh_token_e5c1aa');
      const w = await runMeasured(['whoami'], env({ RESIM_CLIENT_ID: CLIENT }));
      assert.equal(w.code, 1);
      assertClean(w, ['RT_planted_refresh_token_e5c1aa'], 'whoami');
      assert.match(w.stderr, /\\x1b\[2K/);
      const l = await runMeasured(['--client-id', CLIENT, 'logout'], env());
      assertClean(l, ['RT_planted_refresh_token_e5c1aa'], 'logout');
    });
  });

  describe('links the browser may open', () => {
    for (const mode of ['file-uri', 'foreign-uri', 'vscode-uri'] as const) {
      it(`${mode}: printed escaped, said not opened`, async () => {
        await start(mode);
        const r = await login();
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assertClean(r, [auth!.accessToken], 'login');
        assert.match(r.stderr, /^The link .* was not opened: /m);
        assert.match(
          r.stderr,
          /To sign in, open\n {2}http:\/\/127\.0\.0\.1:\d+\/activate\n/,
          'the link of the auth server is the one given',
        );
      });
    }
    it('an https link of the auth server itself is not refused (control)', async () => {
      await start('honest');
      const r = await login();
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /not opened/);
      assert.match(r.stdout, /Signed in as person@corp\.example .*it expires .* and is refreshed automatically\.\n$/);
    });
  });

  describe('the token cache', () => {
    it('a fresh ~/.resim is created 0700, cache.json 0600', async () => {
      await start('honest');
      const r = await login();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.statSync(path.join(home, '.resim')).mode & 0o777, 0o700);
      assert.equal(fs.statSync(cacheFile()).mode & 0o777, 0o600);
      assert.equal(JSON.parse(fs.readFileSync(cacheFile(), 'utf8'))[CLIENT].access_token, auth!.accessToken);
    });

    it('cache.json a symlink to another user’s file: nothing written through it; the link is kept aside', async () => {
      await start('honest');
      const other = path.join(home, 'other-user');
      fs.mkdirSync(other);
      const victim = path.join(other, 'their-cache.json');
      fs.writeFileSync(victim, '{"theirs":{"access_token":"THEIR_token_value"}}', { mode: 0o644 });
      if (process.getuid?.() === 0) fs.chownSync(victim, 65534, 65534);
      fs.mkdirSync(path.join(home, '.resim'), { mode: 0o700 });
      fs.symlinkSync(victim, cacheFile());
      const before = fs.readFileSync(victim, 'utf8');
      const w = await runMeasured(['whoami'], env({ RESIM_CLIENT_ID: CLIENT }));
      assert.equal(w.code, 1);
      assert.match(oneLineError(w), /cache\.json is a symbolic link/);
      assertClean(w, ['THEIR_token_value'], 'whoami');
      const r = await login();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(victim, 'utf8'), before, 'the other file is unchanged');
      assert.ok(!fs.lstatSync(cacheFile()).isSymbolicLink(), 'cache.json is now a file of its own');
      assert.equal(fs.statSync(cacheFile()).mode & 0o777, 0o600);
      assert.equal(JSON.parse(fs.readFileSync(cacheFile(), 'utf8'))[CLIENT].access_token, auth!.accessToken);
      assert.match(r.stderr, /kept as .*cache\.json\.bad-/);
    });

    for (const [what, prep, fix] of [
      ['group/world-writable', (d: string) => fs.chmodSync(d, 0o777), /chmod 700/],
      [
        'another user’s',
        (d: string) => {
          if (process.getuid?.() !== 0) return false; // only root can give a folder away
          fs.chownSync(d, 65534, 65534);
          return true;
        },
        /belongs to another user/,
      ],
      [
        'a symlink',
        (d: string) => {
          const real = path.join(home, 'elsewhere');
          fs.renameSync(d, real);
          fs.symlinkSync(real, d);
        },
        /is a symbolic link/,
      ],
    ] as const) {
      it(`~/.resim ${what}: login refused before the server is asked, one line naming the fix`, async function () {
        await start('honest');
        const dir = path.join(home, '.resim');
        fs.mkdirSync(dir, { mode: 0o700 });
        if ((prep as (d: string) => unknown)(dir) === false) this.skip();
        const r = await login();
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(oneLineError(r), fix);
        assert.deepEqual(auth!.requests, [], 'no request before the cache folder is safe');
        assert.ok(!fs.existsSync(path.join(dir, 'cache.json')));
      });
    }

    it('invalid JSON: whoami says so in one line (no piece of the file); login keeps the bad file aside and saves the token', async () => {
      await start('honest');
      fs.mkdirSync(path.join(home, '.resim'), { mode: 0o700 });
      const bad = '{"other-client": {"access_token": "OTHER_CLIENT_token_tail_9911"';
      fs.writeFileSync(cacheFile(), bad, { mode: 0o600 });
      const w = await runMeasured(['whoami'], env());
      assert.equal(w.code, 1);
      assert.match(oneLineError(w), /cache\.json is not valid JSON/);
      assertClean(w, ['OTHER_CLIENT_token_tail_9911'], 'whoami');
      const r = await login();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assertClean(r, ['OTHER_CLIENT_token_tail_9911', auth!.accessToken], 'login');
      assert.equal(JSON.parse(fs.readFileSync(cacheFile(), 'utf8'))[CLIENT].access_token, auth!.accessToken, 'the approved login is saved');
      const aside = fs.readdirSync(path.join(home, '.resim')).filter((f) => f.startsWith('cache.json.bad-'));
      assert.equal(aside.length, 1);
      assert.equal(fs.readFileSync(path.join(home, '.resim', aside[0]), 'utf8'), bad, 'the bad file is kept');
    });

    for (const kind of ['FIFO', '/dev/zero'] as const) {
      it(`cache.json a ${kind}: whoami ends with one line, bounded memory`, async () => {
        fs.mkdirSync(path.join(home, '.resim'), { mode: 0o700 });
        if (kind === 'FIFO') execFileSync('mkfifo', [cacheFile()]);
        else fs.symlinkSync('/dev/zero', cacheFile());
        const r = await runMeasured(['whoami'], { HOME: home, RESIM_URL: 'http://127.0.0.1:9/v1/' }, 30_000);
        assert.equal(r.code, 1, `ended (not killed): ${r.stderr}`);
        assert.match(oneLineError(r), /cache\.json is (not a regular file|a symbolic link)/);
        assert.ok(r.peakKb < RSS_LIMIT_KB, `peak RSS ${r.peakKb} kB`);
      });
      it(`sandbox --token-file ${kind}: refused in one line`, async () => {
        const f = path.join(home, 'token');
        if (kind === 'FIFO') execFileSync('mkfifo', [f]);
        else fs.symlinkSync('/dev/zero', f);
        const r = await runMeasured(['sandbox', '--port', '0', '--token-file', f], { HOME: home }, 30_000);
        assert.equal(r.code, 1, `ended (not killed): ${r.stderr}`);
        assert.match(r.stderr, /--token-file: .*not a regular file/);
        assert.ok(r.peakKb < RSS_LIMIT_KB, `peak RSS ${r.peakKb} kB`);
      });
    }
  });

  describe('bounded login', () => {
    for (const mode of ['huge-device', 'huge-discovery'] as const) {
      it(`${mode}: refused unread, RSS under 600 MB`, async () => {
        await start(mode);
        const r = await login();
        if (mode === 'huge-device') {
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.match(oneLineError(r), /larger than 1 MB/);
        }
        assert.ok(r.peakKb > 0 && r.peakKb < RSS_LIMIT_KB, `peak RSS ${r.peakKb} kB`);
      });
    }

    it('a server that never answers: login ends within --timeout with one line', async () => {
      await start('slow');
      // runMeasured kills the run after 20 s: a login that ignored --timeout 2 (it waited 30 s) fails here.
      const r = await runMeasured(['--client-id', CLIENT, '--timeout', '2', 'login', '--no-browser'], env(), 20_000);
      assert.equal(r.code, 1, `ended by itself: ${r.stderr}`);
      assert.match(oneLineError(r), /did not answer within 2 s/);
    });
  });

  describe('credentials only over https (plain http only to loopback)', () => {
    it('discovery naming plain-http endpoints on another host: refused, nothing sent there', async () => {
      const target = await localServer((_q, res) => res.end('{}'));
      try {
        await start('foreign-http', { foreignOrigin: `http://0.0.0.0:${target.host.split(':')[1]}` });
        const r = await login();
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(oneLineError(r), /endpoint that is refused: it uses plain http to 0\.0\.0\.0/);
        assert.deepEqual(target.requests, [], 'nothing reached the foreign endpoint');
      } finally {
        await target.close();
      }
    });

    it('RESIM_URL over plain http off loopback: whoami refuses it naming --url, the token is not sent', async () => {
      const api = await localServer((_q, res) => res.end('{"projects":[]}'));
      try {
        const r = await runMeasured(['whoami'], {
          HOME: home,
          RESIM_TOKEN: 'bearer-token-never-in-clear-42',
          RESIM_URL: `http://0.0.0.0:${api.host.split(':')[1]}/v1/`,
        });
        assert.equal(r.code, 1);
        assert.match(oneLineError(r), /refused: it uses plain http .*--url \(RESIM_URL\)/);
        assert.deepEqual(api.requests, []);
      } finally {
        await api.close();
      }
    });
  });

  it('an invalid id_token is reported as an invalid answer, not as an unreachable server', async () => {
    await start('bad-id-token');
    const r = await login();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const line = oneLineError(r);
    assert.doesNotMatch(line, /Cannot reach/);
    assert.match(line, /sent an invalid answer to the sign-in/);
    assertClean(r, [auth!.accessToken, auth!.refreshToken], 'login');
  });
});
