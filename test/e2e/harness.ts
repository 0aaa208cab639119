/**
 * The e2e harness (docs/architecture.md, "Tests"): code-server 4.100.3 (VS Code 1.100.3) from npm
 * serving the packaged .vsix on loopback, the bundled sandbox as the ReSim API, and Debian's
 * Chromium driven by playwright-core. Everything it starts runs in its own process group and
 * is killed by `stop()`.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { freePort } from '../../server/src/util/net';

export const ROOT = path.resolve(__dirname, '../..');
export const VSIX = path.join(ROOT, 'resim-experience-sync.vsix');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/e2e');

export { freePort };

/** Runs scripts/e2e-setup.sh (idempotent) and returns the code-server binary. */
export function ensureCodeServer(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/e2e-setup.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) throw new Error(`e2e-setup.sh did not give a code-server binary (got "${bin}")`);
  return bin;
}

/** Builds the .vsix unless it exists and is newer than every bundle input it ships. */
export function ensureVsix(): string {
  if (!fs.existsSync(VSIX) || process.env.E2E_REPACKAGE === '1') {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return VSIX;
}

/** A child process in its own process group, with its output collected into a log file. */
export class Proc {
  readonly output: string[] = [];
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logFile: string,
  ) {
    const log = fs.createWriteStream(logFile);
    for (const s of [child.stdout, child.stderr]) {
      s?.setEncoding('utf8');
      s?.on('data', (d: string) => {
        this.output.push(d);
        log.write(d);
      });
    }
    child.once('exit', () => log.end());
  }

  static start(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string }): Proc {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Proc(name, child, opts.logFile);
  }

  /** Resolves with the first match of `re` in the output (within `ms`). */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.join('').match(re);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${re} within ${ms} ms:\n${this.output.join('').slice(-2000)}`));
      }, ms);
      const exit = (code: number | null) => {
        done();
        reject(new Error(`${this.name} exited (${code}):\n${this.output.join('').slice(-2000)}`));
      };
      const onData = () => check();
      const done = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.stderr?.off('data', onData);
        this.child.off('exit', exit);
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      this.child.once('exit', exit);
      check();
    });
  }

  /** Kills the whole process group (code-server leaves a file watcher and the extension host). */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (!pid || this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    await exited;
    clearTimeout(t);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
  }
}

/** GET a sandbox URL (admin or /v1 API) as JSON. */
export async function getJson<T>(url: string, token?: string): Promise<T> {
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Runs a command from the palette by its title ("ReSim: Preview Sync"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await row.click();
}

/** Opens a workspace file with Quick Open (again, if the first pick did not make it the active tab). */
export async function openFile(page: Page, name: string): Promise<void> {
  const active = page.locator('.tab.active', { hasText: name }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(name);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    // Click the row: Enter opens the focused row, which may still be a recently opened other file.
    await row.click();
    try {
      await active.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15000 });
}

/** The webview frame holding `selector` (webviews are nested iframes), within `ms`. */
export async function findFrame(page: Page, selector: string, ms = 30000): Promise<Frame> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        if (await f.$(selector)) return f;
      } catch {
        /* frame detached while looping */
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame holds ${selector}`);
}

/** Waits until some frame's `selector` text matches `re`; returns that text. */
export async function waitForFrameText(page: Page, selector: string, re: RegExp, ms = 30000): Promise<{ frame: Frame; text: string }> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        const el = await f.$(selector);
        if (!el) continue;
        last = await el.innerText();
        if (re.test(last)) return { frame: f, text: last };
      } catch {
        /* detached */
      }
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`no frame's ${selector} matched ${re}; last text:\n${last}`);
}

/** Every file under `dir` whose bytes contain `needle` (binary files too). */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (fs.readFileSync(p).includes(needle)) hits.push(p);
        } catch {
          /* unreadable socket etc. */
        }
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return hits;
}

/** A running e2e setup: the sandbox, code-server with the .vsix installed, and a Chromium page on the workspace. */
export interface Workbench {
  work: string;
  ws: string;
  userData: string;
  extDir: string;
  sandboxUrl: string;
  /** The sandbox's bearer token (API and `/_sandbox/` admin endpoints). */
  sandboxToken: string;
  sandbox: Proc;
  codeServer: Proc;
  browser: Browser;
  page: Page;
  /** window.alert / confirm / prompt calls the page made (each is dismissed). */
  alerts: string[];
  stop(): Promise<void>;
}

/**
 * Starts a workbench in `.work/<name>` (wiped first): the sandbox (`demo` seed; its bearer token
 * is `sandboxToken`, else `token`, passed in its environment), a workspace holding `files` and `.vscode/settings.json` pointing
 * `resim.apiUrl` at the sandbox and `resim.project` at "demo" (none with `project: null`), code-server (trusted unless
 * `trusted: false`, which leaves VS Code's trust prompt to the test), `RESIM_TOKEN` in its
 * environment, and a Chromium page on the workspace.
 */
export async function startWorkbench(opts: {
  name: string;
  files: Record<string, string>;
  token: string;
  sandboxToken?: string;
  /** The sandbox also accepts this OAuth issuer's access tokens (`--issuer`). */
  sandboxIssuer?: string;
  trusted: boolean;
  /** `resim.project` in the workspace settings: "demo" unless given; `null` leaves it unset. */
  project?: string | null;
  userSettings?: Record<string, unknown>;
  /** A sandbox data file (`--data`) to start from instead of the `demo` seed. */
  sandboxData?: string;
  /**
   * A multi-root workspace instead of one folder: each folder (under the workspace directory)
   * with its files and its `.vscode/settings.json`; `multi.code-workspace` names them and sets
   * `resim.apiUrl`, and the page opens it.
   */
  folders?: Record<string, { files: Record<string, string>; settings: Record<string, unknown> }>;
}): Promise<Workbench> {
  const bin = ensureCodeServer();
  const vsix = ensureVsix();
  const work = path.join(ROOT, '.work', opts.name);
  const ws = path.join(work, 'workspace');
  const userData = path.join(work, 'user-data');
  const extDir = path.join(work, 'extensions');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const started: Proc[] = [];
  let browser: Browser | undefined;
  try {
    const sbPort = await freePort();
    const sandboxToken = opts.sandboxToken ?? opts.token;
    const sandbox = Proc.start(
      'sandbox',
      process.execPath,
      [
        path.join(ROOT, 'dist/cli.js'),
        'sandbox',
        '--port',
        String(sbPort),
        '--seed',
        'demo',
        ...(opts.sandboxIssuer ? ['--issuer', opts.sandboxIssuer] : []),
        ...(opts.sandboxData ? ['--data', opts.sandboxData] : []),
      ],
      { cwd: ROOT, env: { ...process.env, RESIM_SANDBOX_TOKEN: sandboxToken }, logFile: path.join(work, 'sandbox.log') },
    );
    started.push(sandbox);
    const sandboxUrl = (await sandbox.waitFor(/listening on (http:\/\/\S+)/, 20000))[1];

    for (const [name, text] of Object.entries(opts.files)) fs.writeFileSync(path.join(ws, name), text);
    fs.writeFileSync(
      path.join(ws, '.vscode/settings.json'),
      JSON.stringify(
        { 'resim.apiUrl': sandboxUrl, ...(opts.project === null ? {} : { 'resim.project': opts.project ?? 'demo' }) },
        null,
        2,
      ),
    );
    let workspaceFile: string | undefined;
    if (opts.folders) {
      for (const [folder, { files, settings }] of Object.entries(opts.folders)) {
        fs.mkdirSync(path.join(ws, folder, '.vscode'), { recursive: true });
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(ws, folder, name), text);
        fs.writeFileSync(path.join(ws, folder, '.vscode/settings.json'), JSON.stringify(settings, null, 2));
      }
      workspaceFile = path.join(ws, 'multi.code-workspace');
      fs.writeFileSync(
        workspaceFile,
        JSON.stringify({ folders: Object.keys(opts.folders).map((f) => ({ path: f })), settings: { 'resim.apiUrl': sandboxUrl } }, null, 2),
      );
    }
    fs.writeFileSync(
      path.join(userData, 'User/settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.welcomePage.walkthroughs.openOnInstall': false,
          'workbench.tips.enabled': false,
          'git.openRepositoryInParentFolders': 'never',
          'telemetry.telemetryLevel': 'off',
          'extensions.ignoreRecommendations': true,
          'update.mode': 'none',
          'window.dialogStyle': 'custom',
          ...opts.userSettings,
        },
        null,
        2,
      ),
    );
    execFileSync(bin, ['--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', vsix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const csPort = await freePort();
    const codeServer = Proc.start(
      'code-server',
      bin,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${csPort}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(opts.trusted ? ['--disable-workspace-trust'] : []),
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extDir,
        ws,
      ],
      { cwd: work, env: { ...process.env, RESIM_TOKEN: opts.token }, logFile: path.join(work, 'code-server.log') },
    );
    started.push(codeServer);
    await codeServer.waitFor(/HTTP server listening on/, 60000);

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const alerts: string[] = [];
    page.on('dialog', (d) => {
      alerts.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(
      `http://127.0.0.1:${csPort}/?${workspaceFile ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(ws)}`}`,
    );
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90000 });
    const b = browser;
    return {
      work,
      ws,
      userData,
      extDir,
      sandboxUrl,
      sandboxToken,
      sandbox,
      codeServer,
      browser: b,
      page,
      alerts,
      async stop() {
        await b.close().catch(() => undefined);
        await codeServer.stop();
        await sandbox.stop();
      },
    };
  } catch (err) {
    // Nothing started may outlive a failed start.
    await browser?.close().catch(() => undefined);
    for (const p of started.reverse()) await p.stop();
    throw err;
  }
}
