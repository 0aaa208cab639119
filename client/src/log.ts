/**
 * The extension's output: one LogOutputChannel ("ReSim"), shown by "ReSim: Show Output".
 * Every line passes through `redact`, which replaces each registered secret (API token, client
 * secret, sandbox token) with "***" — so even the language client's JSON-RPC trace of
 * `resim/setCredentials` never shows a token (brief "Security": tokens never in logs).
 */
import * as vscode from 'vscode';

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Registers a secret to hide from every log line. Short strings (< 6 chars) are ignored. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}

/** The redacting logger used by every module of the client. */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  constructor(readonly redactor: Redactor, name = 'ReSim') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }
  info(msg: string): void { this.channel.info(this.redactor.redact(msg)); }
  warn(msg: string): void { this.channel.warn(this.redactor.redact(msg)); }
  error(msg: string, err?: unknown): void {
    const detail = err instanceof Error ? `: ${err.message}` : err !== undefined ? `: ${String(err)}` : '';
    this.channel.error(this.redactor.redact(msg + detail));
  }
  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }

  /**
   * An OutputChannel for the language client (server log and trace) that writes into the same
   * channel, redacted.
   */
  asOutputChannel(): vscode.OutputChannel {
    const ch = this.channel;
    const r = this.redactor;
    let pending = '';
    return {
      name: ch.name,
      append(value: string) {
        pending += value;
        const nl = pending.lastIndexOf('\n');
        if (nl >= 0) { ch.appendLine(r.redact(pending.slice(0, nl))); pending = pending.slice(nl + 1); }
      },
      appendLine(value: string) { ch.appendLine(r.redact(pending + value)); pending = ''; },
      replace(value: string) { ch.replace(r.redact(value)); },
      clear() { ch.clear(); },
      show(a?: unknown, b?: boolean) { ch.show(typeof a === 'boolean' ? a : b); },
      hide() { ch.hide(); },
      dispose() { /* owned by Logger */ },
    };
  }
}
