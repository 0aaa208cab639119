/**
 * "ReSim: Start Local Sandbox": runs the bundled CLI's sandbox (`dist/cli.js sandbox --port N
 * --seed demo`, the token in its environment: sandboxSpawn.ts) with the extension host's own
 * Node on a free loopback port, and points this window's session at it (API URL + a random
 * token, in memory only). Stopped with the extension.
 */
import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { ClientContext } from './context';
import { UserError } from './context';
import { spawnSandbox } from './sandboxSpawn';
import { freePort } from '../../server/src/util/net';
import { ui } from './ui';
import { enterSandboxMode, markSandboxProject } from './sandboxMode';

export { freePort };

/** The URL in the sandbox's "ReSim sandbox listening on http://127.0.0.1:PORT/v1/" line. */
export function parseListening(line: string): string | undefined {
  return /listening on (https?:\/\/\S+)/.exec(line)?.[1];
}

export class Sandbox implements vscode.Disposable {
  private proc?: ChildProcess;
  url?: string;

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null;
  }

  /** Starts the sandbox; resolves with its API base URL once it listens (15 s at most). */
  async start(ctx: ClientContext): Promise<{ url: string; token: string }> {
    if (this.running && this.url) throw new UserError(`ReSim: the sandbox already runs at ${this.url}.`);
    const cli = ctx.ext.asAbsolutePath('dist/cli.js');
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    ctx.logger.info(`Starting the sandbox on 127.0.0.1:${port}`);
    const proc = spawnSandbox(cli, port, token);
    this.proc = proc;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the sandbox did not start within 15 s')), 15000);
      proc.stdout?.setEncoding('utf8');
      proc.stderr?.setEncoding('utf8');
      proc.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const found = parseListening(out);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      proc.stderr?.on('data', (chunk: string) => ctx.logger.warn(`sandbox: ${chunk.trimEnd()}`));
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited with code ${code}`));
      });
    }).catch((err: unknown) => {
      this.stop();
      throw err;
    });
    proc.once('exit', (code) => {
      ctx.logger.warn(`The sandbox stopped (exit code ${code}).`);
      if (this.proc === proc) {
        this.proc = undefined;
        this.url = undefined;
        ctx.session.clearSandbox();
      }
    });
    this.url = url;
    ctx.logger.info(`Sandbox listening on ${url}`);
    return { url, token };
  }

  stop(): void {
    const p = this.proc;
    this.proc = undefined;
    this.url = undefined;
    if (p && p.exitCode === null) p.kill();
  }

  dispose(): void {
    this.stop();
  }
}

/** The command: start, point the session at it (sandbox mode, sandboxMode.ts), offer the "demo" project. */
export async function startSandbox(ctx: ClientContext, sandbox: Sandbox): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await ui.showWarningMessage(
      'ReSim: the local sandbox needs a trusted workspace (in Restricted Mode nothing is read from an API). Trust this workspace to start it.',
      'Manage Workspace Trust',
    );
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const { url, token } = await ui.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'ReSim: starting the local sandbox' },
    () => sandbox.start(ctx),
  );
  await enterSandboxMode(ctx);
  ctx.session.useSandbox(url, token);
  const choice = await ui.showInformationMessage(
    `ReSim: local sandbox running at ${url} (this window only; ReSim: Stop Local Sandbox leaves it). Use its "demo" project?`,
    'Select "demo"',
  );
  if (choice) {
    await markSandboxProject(ctx);
    await ctx.session.selectProject('demo');
  }
}
