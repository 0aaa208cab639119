/**
 * Wires the editor-level views of issue 14: the "ReSim Project" tree, Compare with Project, the
 * plan webview's restore after a reload (`WebviewPanelSerializer`) and its links into the
 * config, and keeps the status bar and the tree in step with the current config (its
 * diagnostics change whenever its plan does: an edit, a change on disk, a fix, a new state).
 */
import * as vscode from 'vscode';
import type { ClientContext } from '../context';
import { guarded } from '../context';
import { PlanView, type PlanViewState, type RevealTarget } from '../planView';
import { isSyncConfig } from '../documents';
import { currentConfig, trackActiveConfig } from '../target';
import { ProjectDocuments } from './compare';
import { ProjectTree } from './projectTree';
import { SyncHistoryTree } from './historyTree';

interface SymbolLike {
  name: string;
  selectionRange: vscode.Range;
  children?: SymbolLike[];
}

/**
 * Shows the config `uri` at `where`: a 1-based line and column, or the entry named `name` (the
 * language server's document symbols: experiences and test suites).
 */
export async function revealInConfig(uri: vscode.Uri, where: RevealTarget): Promise<void> {
  let range: vscode.Range | undefined;
  if ('line' in where) {
    const p = new vscode.Position(Math.max(0, where.line - 1), Math.max(0, where.column - 1));
    range = new vscode.Range(p, p);
  } else {
    const symbols = await vscode.commands.executeCommand<SymbolLike[] | undefined>('vscode.executeDocumentSymbolProvider', uri);
    const find = (list: SymbolLike[] | undefined): SymbolLike | undefined => {
      for (const s of list ?? []) {
        if (s.name === where.name) return s;
        const inner = find(s.children);
        if (inner) return inner;
      }
      return undefined;
    };
    range = find(symbols)?.selectionRange;
  }
  const column =
    vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn ?? vscode.ViewColumn.One;
  await vscode.window.showTextDocument(uri, { viewColumn: column, selection: range, preserveFocus: false });
}

/** Registers the project view, Compare with Project and the plan panel's serializer. */
export function registerViews(ctx: ClientContext, planView: PlanView): void {
  const tree = new ProjectTree(ctx);
  const history = new SyncHistoryTree(ctx);
  const docs = new ProjectDocuments(ctx);
  const isCurrent = (uris: readonly vscode.Uri[]) => {
    const cur = currentConfig(ctx.planView.currentUri)?.toString();
    return !!cur && uris.some((u) => u.toString() === cur);
  };
  // The walkthrough's "Open or clone a sync config" step completes on this context key.
  const noteOpened = (e: vscode.TextEditor | undefined) => {
    if (e && isSyncConfig(e.document)) void vscode.commands.executeCommand('setContext', 'resim.configOpened', true);
  };
  noteOpened(vscode.window.activeTextEditor);
  ctx.ext.subscriptions.push(
    tree,
    history,
    docs,
    trackActiveConfig(),
    vscode.window.onDidChangeActiveTextEditor(noteOpened),
    vscode.commands.registerCommand(
      'resim.compareWithProject',
      guarded(ctx, 'Compare with Project', (arg?: unknown) => docs.compare(arg)),
    ),
    vscode.window.registerWebviewPanelSerializer(PlanView.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) =>
        planView.restore(panel, state as PlanViewState | undefined),
    }),
    vscode.languages.onDidChangeDiagnostics((e) => {
      if (!isCurrent(e.uris)) return;
      ctx.statusBar.refreshSoon();
      tree.refresh();
      history.refresh(); // an apply reads the state again: the current config's diagnostics follow
    }),
    vscode.window.onDidChangeActiveTextEditor(() => tree.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      ctx.statusBar.render();
      tree.refresh();
    }),
    vscode.workspace.onDidCloseTextDocument(() => tree.refresh()),
  );
}
