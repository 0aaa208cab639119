/**
 * The ReSim Experience Sync extension (docs/architecture.md, "extension client"): starts the language
 * server (dist/server.js) and wires the commands, the plan webview, sign-in and the status bar.
 *
 * Activation: on the `resim-experiences` language, on a workspace holding `*.experiences.yaml`,
 * or on any ReSim command. The language client starts in the background so that activation
 * stays short; commands wait for it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { refreshState, selectProject, signIn, signOut } from './commands/account';
import { cloneProject } from './commands/clone';
import { applySync, previewSync, requestPreview } from './commands/sync';
import { ClientContext, guarded } from './context';
import { closePassingProblems } from './problems';
import { isSyncConfig } from './documents';
import { LANGUAGE_ID, hasProjectComment } from '../../protocol';
import { languageClientModule } from './lazy';
import { Logger } from './log';
import { Redactor } from './redact';
import { PlanView } from './planView';
import { Sandbox, startSandbox } from './sandbox';
import { askToLeaveSandbox, sandboxAfterReload, stopSandbox } from './sandboxMode';
import { PROVIDER_ID, PROVIDER_LABEL, ResimAuthProvider } from './auth/provider';
import { runSignIn } from './auth/signIn';
import { Session } from './session';
import { StatusBar } from './statusBar';
import { restoreUi, ui, type Ui } from './ui';
import { registerViews, revealInConfig } from './views';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient> | undefined;

/**
 * What `activate` returns to the extension-host tests (test/vscode/), and only to them: in VS
 * Code's test mode or with `RESIM_EXTENSION_TESTS=1` in the environment; otherwise nothing.
 */
export interface TestApi {
  ui: Ui;
  restoreUi: () => void;
  session: Session;
  logger: Logger;
  sandbox: Sandbox;
  planView: PlanView;
}

export function activate(ext: vscode.ExtensionContext): TestApi | undefined {
  const redactor = new Redactor();
  const logger = new Logger(redactor);
  const auth = new ResimAuthProvider(ext.secrets, redactor, logger);
  const session = new Session(ext, redactor, auth);
  const statusBar = new StatusBar(session);
  const sandbox = new Sandbox();
  ext.subscriptions.push(
    logger,
    auth,
    session,
    statusBar,
    sandbox,
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, auth, { supportsMultipleAccounts: false }),
  );

  const startClient = (): Promise<LanguageClient> => {
    const c = languageClientModule().createLanguageClient(ext, session, logger);
    client = c;
    starting = c
      .start()
      .then(async () => {
        await languageClientModule().pushSession(c, session, logger);
        return c;
      })
      .catch((err: unknown) => {
        logger.error('The ReSim language server did not start', err);
        starting = undefined;
        throw err;
      });
    return starting;
  };
  const restartClient = async (why: string): Promise<void> => {
    logger.info(`Restarting the language server: ${why}`);
    const old = client;
    client = undefined;
    starting = undefined;
    if (old) await old.stop().catch(() => undefined);
    await startClient().catch(() => undefined);
  };

  const ctx: ClientContext = {
    ext,
    session,
    logger,
    statusBar,
    planView: undefined as unknown as PlanView,
    async client() {
      const c = await (starting ?? startClient());
      if (!c.isRunning()) throw new Error('the ReSim language server is not running (see ReSim: Show Output)');
      return c;
    },
  };
  const planView = new PlanView(ext.extensionUri, {
    apply: (uri, shown) => {
      void guarded(ctx, 'Apply Sync', () => applySync(ctx, uri, shown))();
    },
    refresh: (uri) => guarded(ctx, 'Preview Sync', () => previewSync(ctx, uri))(),
    reveal: (uri, where) => {
      void guarded(ctx, 'Reveal', () => revealInConfig(uri, where))();
    },
  });
  (ctx as { planView: PlanView }).planView = planView;
  ext.subscriptions.push(planView);
  statusBar.previewer = (uri) => requestPreview(ctx, uri);
  statusBar.onNotSignedIn = () => requestSignInEntry();
  registerViews(ctx, planView);

  const command = (id: string, title: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    ext.subscriptions.push(vscode.commands.registerCommand(id, guarded(ctx, title, fn)));
  command('resim.previewSync', 'Preview Sync', (arg) => previewSync(ctx, arg));
  command('resim.applySync', 'Apply Sync', (arg) => applySync(ctx, arg));
  command('resim.cloneProject', 'Clone Project', () => cloneProject(ctx));
  const leaveSandboxToSignIn = () => askToLeaveSandbox(ctx, sandbox, 'Signing in leaves sandbox mode and stops the sandbox.', true);
  auth.signInUi = () => runSignIn({ logger, leaveSandbox: leaveSandboxToSignIn });
  command('resim.signIn', 'Sign In', () => signIn(ctx, leaveSandboxToSignIn));
  command('resim.signOut', 'Sign Out', () => signOut(ctx));
  command('resim.selectProject', 'Select Project', () => selectProject(ctx));
  command('resim.refreshState', 'Refresh Project State', (arg) => refreshState(ctx, arg));
  command('resim.startSandbox', 'Start Local Sandbox', () => startSandbox(ctx, sandbox));
  command('resim.stopSandbox', 'Stop Local Sandbox', () => stopSandbox(ctx, sandbox));
  command('resim.showOutput', 'Show Output', async () => logger.show());

  ext.subscriptions.push(
    session.onDidChange(() => {
      // A notification of a missing project or sign-in closes: its cause may be gone (a new
      // preview says so again if it is not).
      closePassingProblems();
      planView.markStale('The project or the sign-in changed since this plan was computed');
      statusBar.render();
      if (client?.isRunning())
        void languageClientModule()
          .pushSession(client, session, logger)
          .then(() => statusBar.refreshSoon());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('resim.apiUrl') && session.usingSandbox) {
        void askToLeaveSandbox(ctx, sandbox, 'resim.apiUrl changed: leave sandbox mode to use it?', false);
      }
      if (e.affectsConfiguration('resim.configFiles')) void restartClient('resim.configFiles changed');
      else if (e.affectsConfiguration('resim') && client?.isRunning())
        void languageClientModule()
          .pushSession(client, session, logger)
          .then(() => statusBar.refreshSoon());
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restartClient('workspace trusted')),
    vscode.window.onDidChangeActiveTextEditor(() => {
      statusBar.render();
      statusBar.refreshSoon();
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (isSyncConfig(doc)) statusBar.refreshSoon();
    }),
    vscode.workspace.onDidOpenTextDocument(adoptByFirstLine),
  );
  vscode.workspace.textDocuments.forEach(adoptByFirstLine);

  logger.info(
    `ReSim Experience Sync ${String(ext.extension.packageJSON.version)} activated` +
      (vscode.workspace.isTrusted ? '' : ' (Restricted Mode: no API calls)'),
  );
  // Spawning the server is left to the next turn of the event loop, so that it does not count
  // against activation (commands that need the server wait for it).
  setImmediate(() => {
    if (!starting)
      void startClient().then(
        () => statusBar.refreshSoon(),
        () => undefined,
      );
    void sandboxAfterReload(ctx);
  });
  // No session: VS Code lists "Sign in with ReSim" in the Accounts menu, with a badge, once a
  // preview says the file needs one (and again after a sign-out). Never in sandbox mode or
  // Restricted Mode, where signing in is not what is missing (VS Code cannot withdraw a request).
  function requestSignInEntry(): void {
    if (!vscode.workspace.isTrusted || session.usingSandbox) return;
    void auth
      .session()
      .then((s) => (s ? undefined : vscode.authentication.getSession(PROVIDER_ID, [], { createIfNone: false })))
      .then(undefined, () => undefined);
  }
  ext.subscriptions.push(
    auth.onDidChangeSessions((e) => {
      if (e.removed?.length) requestSignInEntry();
    }),
  );
  const testing = ext.extensionMode === vscode.ExtensionMode.Test || process.env.RESIM_EXTENSION_TESTS === '1';
  return testing ? { ui, restoreUi, session, logger, sandbox, planView } : undefined;
}

/**
 * A `.yaml`/`.yml` file whose first line is `# resim-project: …` is a sync config (docs/sync-rules.md);
 * VS Code's own detection prefers the `.yaml` extension, so switch its language here.
 */
function adoptByFirstLine(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'yaml' || doc.lineCount === 0) return;
  if (hasProjectComment(doc.lineAt(0).text)) void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  starting = undefined;
  if (c) await c.stop().catch(() => undefined);
}
