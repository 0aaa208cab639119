/**
 * A small LSP client over stdio (JSON-RPC 2.0 with Content-Length framing) for the editor
 * benchmark: spawns a server process, sends requests and notifications, answers the server's
 * own requests (workspace/configuration, client/registerCapability, ...), and lets the caller
 * wait for notifications that satisfy a predicate.
 */
import { spawn, type ChildProcess } from 'child_process';
import { now } from './measure';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Waiter {
  method: string;
  test: (params: Json) => boolean;
  resolve: (v: { params: Json; at: number }) => void;
}

export class LspClient {
  readonly child: ChildProcess;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private waiters: Waiter[] = [];
  /** Every notification received, with its arrival time (ms, `now()`). */
  readonly notifications: { method: string; params: Json; at: number }[] = [];
  stderr = '';
  /** Answers the server's requests by method; unknown ones get `null`. */
  onServerRequest: (method: string, params: Json) => Json = () => null;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.onData(d));
    this.child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 100_000) this.stderr += d.toString('utf8');
    });
    this.child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited: ${this.stderr.slice(-500)}`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private send(msg: Json): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buf.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: *(\d+)/i.exec(header);
      if (!m) throw new Error(`bad LSP header: ${header}`);
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const body = this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: Json): void {
    const at = now();
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      let result: Json = null;
      try {
        result = this.onServerRequest(msg.method, msg.params);
      } catch {
        result = null;
      }
      this.send({ id: msg.id, result: result ?? null });
      return;
    }
    this.notifications.push({ method: msg.method, params: msg.params, at });
    if (this.notifications.length > 2000) this.notifications.splice(0, 1000);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.method === msg.method && w.test(msg.params)) w.resolve({ params: msg.params, at });
      else still.push(w);
    }
    this.waiters = still;
  }

  request<T = Json>(method: string, params: Json): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ id, method, params });
    });
  }

  /** Sends a request and resolves with its answer and the round-trip time in ms. */
  async timedRequest<T = Json>(method: string, params: Json): Promise<{ result: T; ms: number }> {
    const t0 = now();
    const result = await this.request<T>(method, params);
    return { result, ms: now() - t0 };
  }

  notify(method: string, params: Json): void {
    this.send({ method, params });
  }

  /** The next notification `method` (arriving after this call) for which `test` holds; rejects after `timeoutMs`. */
  waitFor(method: string, test: (params: Json) => boolean, timeoutMs: number): Promise<{ params: Json; at: number }> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { method, test, resolve: (v) => (clearTimeout(timer), resolve(v)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no ${method} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-500)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** shutdown + exit; kills the process if it has not exited after `graceMs`. */
  async close(graceMs = 3000): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, graceMs))]);
      this.notify('exit', null);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
