/**
 * The "Sync History" view (ReSim activity bar, under Project): the syncs recorded in the sync
 * history (`resim/history`, docs/undo.md), per project, newest first: time, who, what changed.
 * A record's context menu and inline action: Preview Undo (client/src/commands/undo.ts), which
 * opens the plan webview on the undo plan. Title bar: Refresh. The list is read again when the
 * view is shown, after an apply or an undo, and when the project state changes.
 */
import * as vscode from 'vscode';
import { HistoryRequest, plural, recordLabel, type SyncRecordSummary } from '../../../protocol';
import type { ClientContext } from '../context';

export const HISTORY_VIEW_ID = 'resim.syncHistory';

export type HistoryNode =
  | { type: 'project'; id: string; name: string; records: SyncRecordSummary[] }
  | { type: 'record'; record: SyncRecordSummary }
  | { type: 'refused'; recordID: string; problem: string };

export class SyncHistoryTree implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<HistoryNode>;
  private pending?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: ClientContext) {
    this.view = vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.refresh();
      }),
      vscode.commands.registerCommand('resim.syncHistory.refresh', () => this.refresh(0)),
    );
  }

  /** Lists again (debounced by `delayMs`). */
  refresh(delayMs = 300): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, delayMs);
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (node) return node.type === 'project' ? node.records.map((record) => ({ type: 'record' as const, record })) : [];
    let r: HistoryRequest.Result;
    try {
      const client = await this.ctx.client();
      r = await client.sendRequest<HistoryRequest.Result>(HistoryRequest.method, {});
    } catch (err) {
      this.view.message = `The sync history could not be read: ${err instanceof Error ? err.message : String(err)}`;
      return [];
    }
    this.view.message = r.records.length || r.refused.length ? undefined : 'No sync recorded yet. Every Apply Sync is recorded here.';
    this.view.description = undefined;
    const projects = new Map<string, HistoryNode & { type: 'project' }>();
    for (const rec of r.records) {
      const p = projects.get(rec.project.id) ?? { type: 'project' as const, id: rec.project.id, name: rec.project.name, records: [] };
      p.records.push(rec);
      projects.set(rec.project.id, p);
    }
    return [...projects.values(), ...r.refused.map((x) => ({ type: 'refused' as const, ...x }))];
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.type === 'project') {
      const t = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      t.id = `history-project:${node.id}`;
      t.description = plural(node.records.length, 'sync');
      t.iconPath = new vscode.ThemeIcon('project');
      t.contextValue = 'resim.historyProject';
      return t;
    }
    if (node.type === 'refused') {
      const t = new vscode.TreeItem(node.recordID, vscode.TreeItemCollapsibleState.None);
      t.description = 'refused';
      t.tooltip = node.problem;
      t.iconPath = new vscode.ThemeIcon('warning');
      return t;
    }
    const r = node.record;
    const [time, ...rest] = recordLabel(r).split(' · ');
    const t = new vscode.TreeItem(time, vscode.TreeItemCollapsibleState.None);
    t.id = `history-record:${r.recordID}`;
    t.description = rest.join(' · ');
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendText(
      `${r.kind === 'undo' ? 'Undo' : 'Sync'} ${r.recordID}\n\n${recordLabel(r)}${r.source ? `\n\n${r.source}` : ''}\n\nPreview Undo shows what undoing it would change.`,
    );
    t.tooltip = tip;
    t.iconPath = new vscode.ThemeIcon(r.kind === 'undo' ? 'discard' : r.status === 'complete' ? 'history' : 'warning');
    t.contextValue = 'resim.syncRecord';
    return t;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
