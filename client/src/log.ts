/**
 * The extension's output: one LogOutputChannel ("ReSim"), shown by "ReSim: Show Output".
 * Every line passes through `redact`, which replaces each registered secret (API token, client
 * secret, sandbox token) with "[redacted]" (and URL user info, bearer tokens, OAuth parameters: server/src/security/redact.ts) — so even the language client's JSON-RPC trace of
 * `resim/setCredentials` never shows a token (docs/security.md: tokens never in logs).
 */
import * as vscode from 'vscode';
import type { Redactor } from './redact';

/** The redacting logger used by every module of the client. */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The last 2000 lines written (redacted, with their level), for the extension-host tests. */
  readonly lines: { level: string; text: string }[] = [];
  constructor(
    readonly redactor: Redactor,
    name = 'ReSim',
  ) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }
  private keep(level: string, text: string): string {
    this.lines.push({ level, text });
    if (this.lines.length > 2000) this.lines.splice(0, this.lines.length - 2000);
    return text;
  }
  info(msg: string): void {
    this.channel.info(this.keep('info', this.redactor.redact(msg)));
  }
  warn(msg: string): void {
    this.channel.warn(this.keep('warn', this.redactor.redact(msg)));
  }
  error(msg: string, err?: unknown): void {
    const detail = err instanceof Error ? `: ${err.message}` : err !== undefined ? `: ${String(err)}` : '';
    this.channel.error(this.keep('error', this.redactor.redact(msg + detail)));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }

  /**
   * A LogOutputChannel for the language client (server log and JSON-RPC trace) that writes into
   * the same channel, redacted.
   */
  asOutputChannel(): vscode.LogOutputChannel {
    const ch = this.channel;
    const r = (s: string) => this.redactor.redact(s);
    const k = (level: string, s: string) => this.keep(level, s);
    return {
      name: ch.name,
      get logLevel() {
        return ch.logLevel;
      },
      onDidChangeLogLevel: ch.onDidChangeLogLevel,
      append: (value: string) => ch.append(k('server', r(value))),
      appendLine: (value: string) => ch.appendLine(k('server', r(value))),
      replace: (value: string) => ch.replace(r(value)),
      clear: () => ch.clear(),
      show: (a?: unknown, b?: boolean) => ch.show(typeof a === 'boolean' ? a : b),
      hide: () => ch.hide(),
      trace: (m: string, ...args: unknown[]) => ch.trace(r(m), ...args.map(redactArg(r))),
      debug: (m: string, ...args: unknown[]) => ch.debug(r(m), ...args.map(redactArg(r))),
      info: (m: string, ...args: unknown[]) => ch.info(k('info', r(m)), ...args.map(redactArg(r))),
      warn: (m: string, ...args: unknown[]) => ch.warn(k('warn', r(m)), ...args.map(redactArg(r))),
      error: (e: string | Error, ...args: unknown[]) =>
        ch.error(k('error', r(typeof e === 'string' ? e : e.message)), ...args.map(redactArg(r))),
      dispose: () => {
        /* owned by Logger */
      },
    };
  }
}

/** Extra log arguments are stringified (as the channel would) and redacted. */
function redactArg(r: (s: string) => string): (a: unknown) => string {
  return (a) => r(typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a));
}
