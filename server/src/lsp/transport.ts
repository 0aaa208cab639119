/**
 * The language server's connection, with one exit for every message: a `MessageWriter` that
 * passes what a person may read through the one redaction function (security/redact.ts) before
 * it leaves the process (docs/security.md, "Secrets in messages"):
 * - in the params of `textDocument/publishDiagnostics`, `window/logMessage`, `window/showMessage`,
 *   `window/showMessageRequest` and `$/logTrace`, every message (see below; a URI or a
 *   diagnostic's code is not text for a person), and all of `telemetry/event`;
 * - the `error` of every response (`ResponseError` message and data);
 * - in the results of requests, every string under a key that holds messages (`message`,
 *   `verbose`, `title`, `error`, `errors`, `detail`, `reason`, `warnings`, `problem`), e.g. `resim/preview`'s errors
 *   and `resim/apply`'s failed calls. Other results (edits, the text of a clone) are data and
 *   are left exactly as they are.
 *
 * Transports are chosen from the command line as `vscode-languageserver/node` does: `--stdio`,
 * `--node-ipc`, `--socket=N` (or `--socket N`), `--pipe=NAME`.
 */
import { format } from 'util';
import {
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
  type DataCallback,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { mapStrings, redact, redactDeep } from '../security/redact';

/** Notifications and requests from the server whose params are text for a person. */
const TEXT_METHODS = new Set([
  'textDocument/publishDiagnostics',
  'window/logMessage',
  'window/showMessage',
  'window/showMessageRequest',
  '$/logTrace',
  'telemetry/event',
]);

/** Keys of a request's result under which strings are messages. */
const MESSAGE_KEYS = new Set(['message', 'verbose', 'title', 'error', 'errors', 'detail', 'reason', 'warnings', 'problem']);

function redactMessagesIn(value: unknown): unknown {
  return mapStrings(value, (key) => MESSAGE_KEYS.has(key));
}

/** `msg` as it may leave the process (see the module comment). */
export function redactOutgoing(msg: Message): Message {
  const m = msg as Message & { method?: string; params?: unknown; error?: unknown; result?: unknown };
  const swap = (key: 'params' | 'error' | 'result', value: unknown): Message =>
    value === m[key] ? msg : ({ ...m, [key]: value } as Message);
  if (typeof m.method === 'string') {
    if (m.method === 'telemetry/event') return swap('params', redactDeep(m.params));
    return TEXT_METHODS.has(m.method) ? swap('params', redactMessagesIn(m.params)) : msg;
  }
  if (m.error !== undefined) return swap('error', redactDeep(m.error));
  if (m.result !== undefined && m.result !== null && typeof m.result === 'object') return swap('result', redactMessagesIn(m.result));
  return msg;
}

/** A `MessageWriter` that writes `redactOutgoing(msg)` to `inner`. */
export function redactingWriter(inner: MessageWriter): MessageWriter {
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    write: (msg) => inner.write(redactOutgoing(msg)),
    end: () => inner.end(),
    dispose: () => inner.dispose(),
  };
}

/**
 * `msg` as the library may read it: an `initialize` whose params or `capabilities` are missing
 * or not objects gets `{}` there (a client that offers nothing), because vscode-languageserver
 * reads `params.capabilities.workspace` before the server's handler runs (a TypeError answered
 * to the client otherwise).
 */
export function lenientIncoming(msg: Message): Message {
  const m = msg as Message & { method?: string; params?: unknown };
  if (m.method !== 'initialize') return msg;
  const params = m.params && typeof m.params === 'object' && !Array.isArray(m.params) ? (m.params as Record<string, unknown>) : {};
  if (params.capabilities && typeof params.capabilities === 'object' && params === m.params) return msg;
  return {
    ...m,
    params: { ...params, capabilities: params.capabilities && typeof params.capabilities === 'object' ? params.capabilities : {} },
  } as Message;
}

/** A `MessageReader` that hands `lenientIncoming(msg)` on; `onShutdown` is called when `shutdown` arrives. */
export function lenientReader(inner: MessageReader, onShutdown?: () => void): MessageReader {
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    onPartialMessage: inner.onPartialMessage,
    listen: (callback: DataCallback) =>
      inner.listen((msg) => {
        if ((msg as { method?: string }).method === 'shutdown') onShutdown?.();
        callback(lenientIncoming(msg));
      }),
    dispose: () => inner.dispose(),
  };
}

/** The transport named on the command line, as `vscode-languageserver/node` reads it. */
function transportOf(argv: string[]): { input: MessageReader | NodeJS.ReadableStream; output: MessageWriter; stdio: boolean } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [flag, value = argv[i + 1]] = argv[i].split('=');
    if (argv[i] === '--node-ipc') return { input: new IPCMessageReader(process), output: new IPCMessageWriter(process), stdio: false };
    if (argv[i] === '--stdio') return { input: process.stdin, output: new StreamMessageWriter(process.stdout), stdio: true };
    if (flag === '--socket' && Number(value) > 0) {
      const [input, output] = createServerSocketTransport(Number(value));
      return { input, output, stdio: false };
    }
    if (flag === '--pipe' && value) {
      const [input, output] = createServerPipeTransport(value);
      return { input, output, stdio: false };
    }
  }
  return undefined;
}

/**
 * The server's connection (all proposed features) on the transport of the command line, every
 * outgoing message through `redactOutgoing`. With `--stdio`, `console.*` goes to the client's
 * log (as the library does), redacted too, so nothing corrupts stdout.
 */
export function createRedactingConnection(argv: string[] = process.argv.slice(2)): Connection {
  const t = transportOf(argv);
  if (!t) return createConnection(ProposedFeatures.all); // the library explains the missing transport
  let shutdown = false;
  const reader = lenientReader(t.stdio ? new StreamMessageReader(process.stdin) : (t.input as MessageReader), () => (shutdown = true));
  if (t.stdio) {
    // What the library does for a stream input: the client went away, so does the server.
    for (const event of ['end', 'close'] as const) process.stdin.on(event, () => process.exit(shutdown ? 0 : 1));
  }
  const connection = createConnection(ProposedFeatures.all, reader, redactingWriter(t.output));
  if (t.stdio) {
    const toLog =
      (send: (m: string) => void) =>
      (...args: unknown[]) =>
        send(redact(format(...args)));
    console.log = toLog((m) => connection.console.log(m));
    console.info = toLog((m) => connection.console.info(m));
    console.warn = toLog((m) => connection.console.warn(m));
    console.error = toLog((m) => connection.console.error(m));
    console.debug = toLog((m) => connection.console.log(m));
  }
  return connection;
}
