/**
 * A minimal LSP client for the language server tests: spawns `node dist/server.js --stdio` and
 * speaks JSON-RPC over its stdin/stdout with vscode-jsonrpc's StreamMessageReader/Writer, as any
 * editor would. Collects `textDocument/publishDiagnostics` and `window/logMessage`, answers
 * `workspace/configuration`.
 *
 * Every test that uses it also checks the server's hygiene (`LspClient.problems`), after each
 * test and when the client stops: no failure of the server's own (a handler that threw, an
 * uncaught exception: Error-level logs with `HANDLER_FAILURE_PREFIX`), no other Error-level log
 * unless the test expects it, no credential in a log, a diagnostic or stderr, and no redaction
 * marker in a log (the server tried to log a secret).
 */
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CancellationToken,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  InitializeResult,
  Location,
  Position,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
} from 'vscode-languageserver-protocol';

import { HANDLER_FAILURE_PREFIX } from '../../protocol';
import { REDACTED } from '../../server/src/security/redact';
import * as fs from 'fs';
import * as os from 'os';

let historyFolder: string | undefined;
/** One sync history folder per test process, removed when it exits. */
export function historyDir(): string {
  if (!historyFolder) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-lsp-history-'));
    historyFolder = made;
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return historyFolder;
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export interface StartOptions {
  /** `resim` settings answered to `workspace/configuration` (null: the client has no configuration support). */
  settings?: Record<string, unknown> | null;
  initializationOptions?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Whether the client advertises `workspace/codeLens/refresh` etc. */
  capabilities?: Record<string, unknown>;
  /** The server's command line (default: `node dist/server.js --stdio`). */
  command?: string[];
  /** Sent as the `initialize` params exactly (e.g. `{}`), instead of this client's own. */
  rawInitialize?: unknown;
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly progress: unknown[] = [];
  /** `window/logMessage` notifications and `client/registerCapability` requests, as received. */
  readonly logs: { type: number; message: string }[] = [];
  readonly registrations: unknown[] = [];
  stderr = '';
  /** Error-level logs the test expects (e.g. a refused request it provokes); others fail the test. */
  expectErrorLog: (message: string) => boolean = () => false;
  /** Set by tests that send secrets on purpose inside text (redaction tests): no marker check. */
  allowRedactionMarker = false;
  /** Credentials this client gave the server (`resim/setCredentials`, env): never to be seen again. */
  readonly secrets = new Set<string>();
  private checkedLogs = 0;
  private checkedStderr = 0;
  private waiters: (() => void)[] = [];
  /** Every client not yet stopped, for the after-each hygiene check. */
  static readonly live = new Set<LspClient>();
  private versions = new Map<string, number>();
  settings: Record<string, unknown> | null;
  /** What the server answered to `initialize`. */
  initializeResult: InitializeResult | undefined;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    settings: Record<string, unknown> | null,
  ) {
    this.settings = settings;
  }

  /**
   * A server whose `resim.apiUrl` is `apiUrl`, signed in there with `token` as the VS Code client
   * signs in (`resim/setCredentials`): the live setup of the integration tests.
   */
  static async startSignedIn(apiUrl: string, token: string): Promise<LspClient> {
    const c = await LspClient.start({ settings: { apiUrl } });
    c.notify('resim/setCredentials', { apiUrl, token });
    return c;
  }

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const [cmd, ...args] = opts.command ?? [process.execPath, SERVER, '--stdio'];
    const proc = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      // No credentials or CLI cache from the machine running the tests.
      // The sync history (docs/undo.md) in a folder of this test run, not under the missing HOME.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent-home-for-tests',
        RESIM_HISTORY_DIR: historyDir(),
        ...opts.env,
      } as NodeJS.ProcessEnv,
    });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn, opts.settings === undefined ? {} : opts.settings);
    LspClient.live.add(client);
    for (const k of ['RESIM_TOKEN', 'RESIM_CLIENT_SECRET', 'RESIM_SANDBOX_TOKEN']) client.addSecret(opts.env?.[k]);
    proc.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p);
      client.wake();
    });
    conn.onNotification('window/logMessage', (p: { type: number; message: string }) => void client.logs.push(p));
    conn.onNotification('$/progress', (p: unknown) => {
      client.progress.push(p);
    });
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'resim' ? client.settings : null)),
    );
    conn.onRequest('client/registerCapability', (p: unknown) => {
      client.registrations.push(p);
      return null;
    });
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.listen();
    const pull = opts.settings !== null;
    const result = await conn.sendRequest<InitializeResult>(
      'initialize',
      opts.rawInitialize ?? {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: pull, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } },
          // As VS Code declares them: Markdown hovers and documentation, `data` sent back with code actions.
          textDocument: {
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } },
            codeAction: { dataSupport: true },
          },
          window: { workDoneProgress: true },
          ...opts.capabilities,
        },
        initializationOptions: { diagnosticsDebounceMs: 10, ...opts.initializationOptions },
      },
    );
    if (!result.capabilities.hoverProvider) throw new Error('server did not announce hover');
    client.initializeResult = result;
    await conn.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits until `cond()` is true (re-checked on each published diagnostic and every 50 ms). */
  async until<T>(cond: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = cond();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Diagnostics of `uri` for its current version that satisfy `pred`. */
  diagnosticsFor(uri: string, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return this.until(
      () => {
        const p = this.diagnostics.get(uri);
        if (!p || (p.version !== undefined && p.version !== this.versions.get(uri))) return undefined;
        return pred(p.diagnostics) ? p.diagnostics : undefined;
      },
      timeoutMs,
      `diagnostics of ${uri}`,
    );
  }

  open(uri: string, text: string, languageId = 'resim-experiences'): void {
    this.versions.set(uri, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (a full-document change). */
  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** An incremental change. */
  edit(uri: string, range: Range, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  close(uri: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  completion(uri: string, position: Position): Promise<CompletionList | null> {
    return this.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return this.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  codeLens(uri: string): Promise<CodeLens[]> {
    return this.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  }

  definition(uri: string, position: Position): Promise<Location | null> {
    return this.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position });
  }

  symbols(uri: string): Promise<DocumentSymbol[]> {
    return this.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  }

  /** A request; cancelling `token` sends `$/cancelRequest`, as an editor's Cancel does. */
  request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    return token ? this.conn.sendRequest(method, params, token) : this.conn.sendRequest(method, params);
  }

  notify(method: string, params: unknown): void {
    if (method === 'resim/setCredentials' && params && typeof params === 'object') {
      const p = params as { token?: unknown; clientSecret?: unknown };
      this.addSecret(p.token);
      this.addSecret(p.clientSecret);
    }
    void this.conn.sendNotification(method, params);
  }

  /** A credential the server must never show (6 characters or more, as the server's redaction). */
  addSecret(value: unknown): void {
    if (typeof value === 'string' && value.length >= 6) this.secrets.add(value);
  }

  /** Failures of the server's own (handlers that threw, uncaught exceptions) logged so far. */
  get handlerFailures(): number {
    return this.logs.filter((l) => l.type === 1 && l.message.startsWith(HANDLER_FAILURE_PREFIX)).length;
  }

  /** What went wrong since the last check (see the module comment); empty when all is well. */
  problems(): string[] {
    const out: string[] = [];
    const logs = this.logs.slice(this.checkedLogs);
    const stderr = this.stderr.slice(this.checkedStderr);
    this.checkedLogs = this.logs.length;
    this.checkedStderr = this.stderr.length;
    for (const l of logs) {
      if (l.type === 1 && l.message.startsWith(HANDLER_FAILURE_PREFIX)) out.push(`server failure logged: ${l.message.slice(0, 600)}`);
      else if (l.type === 1 && !this.expectErrorLog(l.message)) out.push(`unexpected Error-level log: ${l.message.slice(0, 600)}`);
      if (!this.allowRedactionMarker && l.message.includes(REDACTED))
        out.push(`the server tried to log a secret (redacted): ${l.message.slice(0, 300)}`);
    }
    const texts = [
      ...logs.map((l) => l.message),
      stderr,
      ...[...this.diagnostics.values()].flatMap((p) => p.diagnostics.map((d) => msg(d))),
    ];
    for (const secret of this.secrets)
      if (texts.some((t) => t.includes(secret))) out.push(`a credential given to the server (${secret.slice(0, 2)}…) was shown`);
    if (/\b(Uncaught|Unhandled rejection)\b/.test(stderr)) out.push(`stderr: ${stderr.slice(0, 600)}`);
    return out;
  }

  /** Fails (AssertionError) when `problems()` finds anything. */
  assertHealthy(): void {
    const p = this.problems();
    assert.deepStrictEqual(p, [], `language server hygiene:\n${p.join('\n')}`);
  }

  async stop(): Promise<void> {
    LspClient.live.delete(this);
    const problems = this.problems();
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => {
      if (this.proc.exitCode !== null) return r();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        r();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    this.conn.dispose();
    assert.deepStrictEqual(problems, [], `language server hygiene:\n${problems.join('\n')}`);
  }
}

// Every test file that starts a server checks it after each test (a root hook: mocha runs it
// after every test of the run; it looks only at live clients).
afterEach(function () {
  const problems = [...LspClient.live].flatMap((c) => c.problems());
  if (problems.length) assert.fail(`language server hygiene after "${this.currentTest?.fullTitle()}":\n${problems.join('\n')}`);
});

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function msg(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** The text covered by `range`. */
export function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = [(lines[range.start.line] ?? '').slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l] ?? '');
  parts.push((lines[range.end.line] ?? '').slice(0, range.end.character));
  return parts.join('\n');
}

/** Position of the `nth` (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
export function posOf(text: string, needle: string, nth = 0, delta = 0): Position {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`"${needle}" #${nth} not in text`);
  }
  idx += delta;
  const before = text.slice(0, idx);
  const line = before.split('\n').length - 1;
  return { line, character: idx - (before.lastIndexOf('\n') + 1) };
}
