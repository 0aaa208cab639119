/**
 * The ReSim Experience Sync language server (docs/architecture.md, "Pieces"), bundled to `dist/server.js`.
 *
 * Transports: whatever `vscode-languageserver/node` reads from the command line: `--stdio`
 * (Neovim, Helix, Emacs, any LSP client), `--node-ipc` (VS Code's client), `--socket=N`.
 *
 * Wiring only: each feature lives in its own module under `lsp/` (settings, credentials, state
 * cache, analysis, diagnostics, hover, completion, code actions, code lens, symbols, custom
 * requests). `initializationOptions` (all optional):
 *   `{settings?: {resim…} | resim settings, resim?: {…}, workspaceTrusted?: boolean,
 *     trusted?: boolean, diagnosticsDebounceMs?: number, freshPreviewMaxAgeMs?: number}`
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, type Analysis } from './lsp/analysis';
import { codeActionsFor, FIX_ALL_KIND, WRITE_IDS_KIND } from './lsp/codeActions';
import { codeLensesFor } from './lsp/codeLens';
import { completionsAt } from './lsp/completion';
import { CredentialStore } from './lsp/credentials';
import { diagnosticsOf } from './lsp/diagnostics';
import { isHandledDocument } from './lsp/documents';
import { formatEdits, formatRangeEdits } from './lsp/format';
import { hoverAt } from './lsp/hover';
import { HANDLER_FAILURE_PREFIX, SetCredentialsNotification } from '../../protocol';
import { registerProjectView } from './lsp/projectView';
import { FRESH_PREVIEW_MAX_AGE_MS, registerRequests } from './lsp/requests';
import { MIN_STATE_REFRESH_SECONDS, resimSection, SettingsStore, type ResimSettings } from './lsp/settings';
import { StateCache } from './lsp/state';
import { definitionAt, documentSymbolsFor } from './lsp/symbols';
import { createRedactingConnection } from './lsp/transport';
import { serverArgs } from './serverArgs';
import { VERSION } from './version';

// --version, --help, or no transport: answer and stop before the library parses the arguments.
const cli = serverArgs(process.argv.slice(2));
if (!cli.run) {
  (cli.exitCode ? process.stderr : process.stdout).write(`${cli.text}\n`);
  process.exit(cli.exitCode);
}

// Every message leaves through the one redaction function (lsp/transport.ts).
const connection = createRedactingConnection();
const documents = new TextDocuments(TextDocument);
const log = (message: string) => connection.console.log(message);
/**
 * A failure of ours (a handler that threw, an uncaught exception): logged at Error level with the
 * prefix `HANDLER_FAILURE_PREFIX`, so that clients and tests can count them (test/integration/lsp-helpers.ts).
 */
const logFailure = (message: string) => connection.console.error(`${HANDLER_FAILURE_PREFIX} ${message}`);

let settings = new SettingsStore();
const credentials = new CredentialStore();
let workspaceFolders: string[] = [];
let codeLensRefresh = false;
/** The client registers `workspace/didChangeConfiguration` dynamically (LSP: only when it says so). */
let configRegistration = false;
let analyzer!: Analyzer;
const states = new StateCache({ credentials, trusted: true, log, inUse: () => analyzer.keysInUse() });

/** Guards a handler: a failure is logged and answered with `fallback`; the server never dies of it. */
function safe<P extends unknown[], R>(name: string, fallback: R, f: (...args: P) => R | Promise<R>): (...args: P) => Promise<R> {
  return async (...args: P) => {
    try {
      return await f(...args);
    } catch (err) {
      logFailure(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return fallback;
    }
  };
}

/** Trust from `initializationOptions` or pushed settings (`workspaceTrusted` / `trusted`). */
function trustOf(payload: unknown): boolean | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  for (const k of ['workspaceTrusted', 'trusted']) if (typeof p[k] === 'boolean') return p[k] as boolean;
  for (const k of ['settings', 'resim']) {
    const inner = trustOf(p[k]);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The settings part of `initializationOptions`: `{resim}`, `{settings: {resim}}` or `{settings: flat}`. */
function initialSettings(opts: Record<string, unknown>): unknown {
  const section = resimSection(opts);
  if (section) return { resim: section };
  if (opts.settings && typeof opts.settings === 'object') return { resim: opts.settings };
  return undefined;
}

const lastPlanSignature = new Map<string, string>();

function publish(uri: string, a: Analysis | undefined): void {
  if (!a) {
    lastPlanSignature.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    return;
  }
  void connection.sendDiagnostics({ uri, version: a.version, diagnostics: diagnosticsOf(a) });
  // Lenses follow edits by themselves; ask for new ones when the plan changed for another reason.
  const sig = a.plan ? `${a.plan.stateFingerprint}` : a.snapshot?.problem ? 'problem' : 'none';
  if (lastPlanSignature.get(uri) !== sig) {
    lastPlanSignature.set(uri, sig);
    if (codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const opts = (params.initializationOptions ?? {}) as Record<string, unknown>;
  settings = new SettingsStore(initialSettings(opts));
  const trusted = trustOf(opts);
  if (trusted === false) states.trusted = false;
  workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (!workspaceFolders.length && params.rootUri) workspaceFolders = [params.rootUri];
  const caps = params.capabilities;
  const pull = !!caps.workspace?.configuration;
  settings.attach(connection, pull);
  codeLensRefresh = !!caps.workspace?.codeLens?.refreshSupport;
  configRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
  if (typeof opts.freshPreviewMaxAgeMs === 'number' && opts.freshPreviewMaxAgeMs >= 0) freshPreviewMaxAgeMs = opts.freshPreviewMaxAgeMs;
  const debounce =
    typeof opts.diagnosticsDebounceMs === 'number' && opts.diagnosticsDebounceMs >= 0 ? opts.diagnosticsDebounceMs : undefined;
  analyzer = new Analyzer({
    documents,
    settings,
    states,
    isHandled: (doc, s) => isHandledDocument(doc, s, workspaceFolders),
    publish,
    debounceMs: debounce,
    log,
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['-', ':', '[', ','], resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, WRITE_IDS_KIND, FIX_ALL_KIND], resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      definitionProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      documentSymbolProvider: { label: 'ReSim experiences' },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'resim-experience-sync', version: VERSION },
  };
});

connection.onInitialized(async () => {
  if (configRegistration) {
    try {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'resim' });
    } catch {
      /* the client pushes settings without registration, or not at all */
    }
  }
  try {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      workspaceFolders = [...workspaceFolders.filter((f) => !e.removed.some((r) => r.uri === f)), ...e.added.map((f) => f.uri)];
      analyzer.invalidateAll();
    });
  } catch {
    /* no workspace folder support */
  }
  applyRefreshInterval(await settings.get());
});

/** Starts the background refresh at `resim.stateRefreshSeconds`, warning once when it was raised to the floor. */
let warnedRefreshFloor: number | undefined;
function applyRefreshInterval(s: ResimSettings): void {
  if (s.stateRefreshRaisedFrom !== undefined && s.stateRefreshRaisedFrom !== warnedRefreshFloor) {
    warnedRefreshFloor = s.stateRefreshRaisedFrom;
    // A notification (window/showMessage), not a request: it needs no answer.
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `ReSim: resim.stateRefreshSeconds is ${s.stateRefreshRaisedFrom}; the project is read again every ${MIN_STATE_REFRESH_SECONDS} s at most (the lowest setting).`,
    });
  }
  states.setRefreshInterval(s.stateRefreshSeconds);
}

connection.onDidChangeConfiguration(
  safe('didChangeConfiguration', undefined, async (params) => {
    settings.changed(params.settings);
    const trusted = trustOf(params.settings);
    if (trusted !== undefined && trusted !== states.trusted) {
      states.trusted = trusted;
      states.retain(new Set()); // every cached answer depended on the trust: read again
    }
    applyRefreshInterval(await settings.get());
    analyzer.invalidateAll();
  }),
);

connection.onNotification(SetCredentialsNotification.method, (params: unknown) => {
  // Never log params: they hold a token.
  credentials.set(params);
});

credentials.onDidChange((apiUrl) => {
  void states.refreshAll(apiUrl).then(() => analyzer.invalidateAll());
});

states.onDidChange((snapshot) => analyzer.stateChanged(snapshot));

documents.onDidOpen((e) => analyzer.schedule(e.document.uri, 0));
documents.onDidChangeContent((e) => analyzer.schedule(e.document.uri, analyzer.latest(e.document.uri) ? undefined : 0));
documents.onDidClose((e) => {
  analyzer.forget(e.document.uri);
  settings.forget(e.document.uri);
  lastPlanSignature.delete(e.document.uri);
  states.retain(analyzer.keysInUse());
});

connection.onHover(
  safe('hover', null, (params) => {
    const a = analyzer.latest(params.textDocument.uri);
    return a ? hoverAt(a, params.position) : null;
  }),
);

connection.onCompletion(
  safe('completion', null, (params) => {
    const doc = documents.get(params.textDocument.uri);
    const a = analyzer.latest(params.textDocument.uri);
    if (!doc || !a) return null;
    return completionsAt(doc.getText(), params.position, a, {
      lineCount: doc.lineCount,
      lineStart: (line) => doc.offsetAt({ line, character: 0 }),
    });
  }),
);

connection.onCodeAction(
  safe('codeAction', [], async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const a = await analyzer.current(params.textDocument.uri);
    return doc && a ? codeActionsFor(a, doc, params) : [];
  }),
);

connection.onCodeLens(
  safe('codeLens', [], async (params) => {
    const a = await analyzer.current(params.textDocument.uri);
    return a ? codeLensesFor(a) : [];
  }),
);

connection.onDefinition(
  safe('definition', null, async (params) => {
    const a = await analyzer.current(params.textDocument.uri);
    return a ? definitionAt(a, params.position) : null;
  }),
);

connection.onDocumentSymbol(
  safe('documentSymbol', [], async (params) => {
    const a = await analyzer.current(params.textDocument.uri);
    return a ? documentSymbolsFor(a) : [];
  }),
);

connection.onDocumentFormatting(
  safe('formatting', [], (params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc && analyzer.latest(doc.uri) ? formatEdits(doc.getText(), params.options) : [];
  }),
);

connection.onDocumentRangeFormatting(
  safe('rangeFormatting', [], (params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc && analyzer.latest(doc.uri) ? formatRangeEdits(doc.getText(), params.range, params.options) : [];
  }),
);

registerProjectView({
  connection,
  documents,
  get analyzer() {
    return analyzer;
  },
});

let freshPreviewMaxAgeMs = FRESH_PREVIEW_MAX_AGE_MS;

registerRequests({
  connection,
  documents,
  get analyzer() {
    return analyzer;
  },
  states,
  get settings() {
    return settings;
  },
  get freshPreviewMaxAgeMs() {
    return freshPreviewMaxAgeMs;
  },
  log,
  logFailure,
});

connection.onShutdown(() => states.dispose());

process.on('uncaughtException', (err) => logFailure(`Uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) =>
  logFailure(`Unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
);

documents.listen(connection);
connection.listen();
