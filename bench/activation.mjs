// Activation time of the packaged extension in real VS Code (code-server 4.100.3, VS Code
// 1.100.3; see docs/architecture.md, "Tests"), written to bench/activation.json.
//
// Per run: a fresh user-data dir, the .vsix installed, code-server started with `--log trace`,
// Chromium opening a workspace whose demo.experiences.yaml is open (activation event
// `onLanguage:resim-experiences`). Figures, all read from what VS Code itself records:
//   - activationMs (the figure): what "Developer: Show Running Extensions" shows for the
//     extension, i.e. VS Code's own activationTimes (code loading + activate() call + resolve);
//   - logSpanMs: from the exthost log's "ExtensionService#_doActivateExtension <id>" line to the
//     extension's "activated" line in ReSim.log. Log files are written in batches, so this is
//     only an upper bound;
//   - serverReadyMs: from _doActivateExtension to the first "Session:" line in ReSim.log
//     (language server started, settings and credentials sent); an upper bound likewise.
// Usage: node bench/activation.mjs [--runs N]   (needs `npm run package` first; runs setup)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VSIX = path.join(ROOT, 'resim-experience-sync.vsix');
const EXT_ID = 'resim-experience-sync.resim-experience-sync';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** "2026-11-23 17:36:30.595 [info] …" → epoch ms (local time, as the logs write it). */
function stamp(line) {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : NaN;
}

function findFiles(dir, name) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === name) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function startGroup(cmd, args, opts) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    out += d;
  });
  return {
    child,
    output: () => out,
    async waitFor(re, ms) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const m = out.match(re);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${re} in ${ms} ms:\n${out.slice(-1500)}`);
    },
    stop() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}

async function oneRun(bin, i) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `resim-bench-${i}-`));
  const ws = path.join(work, 'ws');
  const userData = path.join(work, 'user-data');
  const extDir = path.join(work, 'ext');
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test/e2e/fixtures/demo.experiences.yaml'), path.join(ws, 'demo.experiences.yaml'));
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'git.openRepositoryInParentFolders': 'never',
    }),
  );
  const sbPort = await freePort();
  const sandbox = startGroup(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'sandbox', '--port', String(sbPort), '--seed', 'demo'], {
    cwd: ROOT,
    env: { ...process.env, RESIM_SANDBOX_TOKEN: 'sandbox' },
  });
  const url = (await sandbox.waitFor(/listening on (http:\/\/\S+)/, 20000))[1];
  fs.writeFileSync(path.join(ws, '.vscode/settings.json'), JSON.stringify({ 'resim.apiUrl': url, 'resim.project': 'demo' }));
  execFileSync(bin, ['--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', VSIX], { stdio: 'ignore' });
  const port = await freePort();
  const cs = startGroup(
    bin,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--log',
      'trace',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extDir,
      ws,
    ],
    { cwd: work, env: { ...process.env, RESIM_TOKEN: 'sandbox' } },
  );
  let browser;
  try {
    await cs.waitFor(/HTTP server listening on/, 60000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
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
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('demo.experiences.yaml');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'demo.experiences.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    // Wait for the extension's log to say the server is ready.
    const end = Date.now() + 60000;
    let resimLog = '';
    while (Date.now() < end) {
      const f = findFiles(path.join(userData, 'logs'), 'ReSim.log')[0];
      resimLog = f ? fs.readFileSync(f, 'utf8') : '';
      if (/\] Session: /.test(resimLog)) break;
      await page.waitForTimeout(200);
    }
    const exthost = findFiles(path.join(userData, 'logs'), 'remoteexthost.log')
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const startLine = exthost.split('\n').find((l) => l.includes(`_doActivateExtension ${EXT_ID}`));
    const activatedLine = resimLog.split('\n').find((l) => /\] ReSim Experience Sync .* activated/.test(l));
    const sessionLine = resimLog.split('\n').find((l) => /\] Session: /.test(l));
    if (!startLine || !activatedLine) throw new Error(`activation lines not found:\n${exthost.slice(-1500)}\n${resimLog}`);
    const t0 = stamp(startLine);
    const result = {
      activationEvent: /activationEvent: '([^']+)'/.exec(startLine)?.[1] ?? null,
      activationMs: null,
      logSpanMs: stamp(activatedLine) - t0,
      serverReadyMs: sessionLine ? stamp(sessionLine) - t0 : null,
    };
    // VS Code's own activationTimes, when the web build has the Running Extensions view.
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Shift+P');
      await page.locator('.quick-input-widget .quick-input-box input').fill('>Developer: Show Running Extensions');
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show Running Extensions' }).first();
      await row.waitFor({ timeout: 5000 });
      await row.click();
      const ext = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'ReSim Experience Sync' }).first();
      await ext.waitFor({ timeout: 10000 });
      const text = await ext.innerText();
      const m = /(\d+)\s*ms/.exec(text);
      if (m) result.activationMs = Number(m[1]);
      if (i === 0)
        await page.screenshot({ path: path.join(ROOT, 'test-artifacts/e2e/bench-running-extensions.png') }).catch(() => undefined);
    } catch {
      /* the view is not available: activationMs stays null */
    }
    return result;
  } finally {
    await browser?.close().catch(() => undefined);
    cs.stop();
    sandbox.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

if (!fs.existsSync(VSIX)) throw new Error('resim-experience-sync.vsix is missing: run `npm run package` first');
fs.mkdirSync(path.join(ROOT, 'test-artifacts/e2e'), { recursive: true });
const bin = execFileSync('bash', [path.join(ROOT, 'scripts/e2e-setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  .trim()
  .split('\n')
  .pop();
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const r = await oneRun(bin, i);
  console.log(
    `run ${i + 1}/${RUNS}: activation ${r.activationMs ?? 'n/a'} ms (Running Extensions), log span ${r.logSpanMs} ms, server ready ≤ ${r.serverReadyMs} ms`,
  );
  runs.push(r);
}
const out = {
  what: 'Activation of the packaged extension in code-server 4.100.3 (VS Code 1.100.3), opening a *.experiences.yaml file',
  machine: { cpus: os.cpus().length, node: process.version },
  vsixBytes: fs.statSync(VSIX).size,
  runs,
  median: {
    activationMs: median(runs.map((r) => r.activationMs)),
    logSpanMs: median(runs.map((r) => r.logSpanMs)),
    serverReadyMs: median(runs.map((r) => r.serverReadyMs)),
  },
  measuredAt: new Date().toISOString(),
};
fs.writeFileSync(path.join(ROOT, 'bench/activation.json'), JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out.median));
