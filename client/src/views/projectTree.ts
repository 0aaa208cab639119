/**
 * The "ReSim Project" view (activity bar): the experiences, tags, systems and test suites of the
 * current config's project, from the server's cached state (`resim/projectItems`), each marked
 * with what the config would do to it. Groups show their counts; a group lists its items a page
 * at a time ("Show more"), so a project of 50,000 experiences costs one page per expansion.
 * Click: reveal the entry in the config. Context menu: Open in ReSim. Title bar: filter,
 * Compare with Project, Refresh.
 */
import * as vscode from 'vscode';
import {
  ProjectViewMethods,
  type ProjectGroup,
  type ProjectItem,
  type ProjectItemKind,
  type ProjectItemStatus,
  type ProjectItemsParams,
  type ProjectItemsResult,
} from '../../../protocol';
import type { ClientContext } from '../context';
import { plural } from '../../../protocol';
import { configLabel } from '../format';
import { currentConfig } from '../target';
import { ui } from '../ui';

export const VIEW_ID = 'resim.projectView';
const PAGE = 200;

const GROUP_LABEL: Record<ProjectItemKind, [string, string]> = {
  experience: ['experience', 'Experiences'],
  tag: ['tag', 'Tags'],
  system: ['system', 'Systems'],
  testSuite: ['test suite', 'Test suites'],
};

const STATUS: Record<ProjectItemStatus, { label: string; icon: string; color?: string }> = {
  create: { label: 'create', icon: 'diff-added', color: 'gitDecoration.addedResourceForeground' },
  update: { label: 'update', icon: 'diff-modified', color: 'gitDecoration.modifiedResourceForeground' },
  restore: { label: 'restore', icon: 'history', color: 'gitDecoration.untrackedResourceForeground' },
  archive: { label: 'archive', icon: 'diff-removed', color: 'gitDecoration.deletedResourceForeground' },
  unchanged: { label: 'unchanged', icon: 'check' },
  unmanaged: { label: 'not managed by this file', icon: 'circle-outline', color: 'disabledForeground' },
};

/** The order statuses are counted in a group's description. */
const STATUS_ORDER: ProjectItemStatus[] = ['create', 'update', 'restore', 'archive', 'unchanged', 'unmanaged'];

type Node =
  | { type: 'group'; group: ProjectGroup; config: vscode.Uri }
  | { type: 'item'; item: ProjectItem; config: vscode.Uri }
  | { type: 'more'; kind: ProjectItemKind; shown: number; total: number };

/** A group's counts as a short line: "1 update · 3 archive · 2 not managed". */
export function countsText(g: ProjectGroup): string {
  return STATUS_ORDER.filter((s) => g.counts[s])
    .map((s) => `${g.counts[s]} ${s === 'unmanaged' ? 'not managed' : s}`)
    .join(' · ');
}

export class ProjectTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private filter = '';
  private limits = new Map<ProjectItemKind, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private pending?: ReturnType<typeof setTimeout>;
  private config?: string;
  /** The markers shown are those of the config's last version that planned (it does not now). */
  private stale = false;

  constructor(private readonly ctx: ClientContext) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      vscode.commands.registerCommand('resim.projectView.filter', () => this.askFilter()),
      vscode.commands.registerCommand('resim.projectView.clearFilter', () => this.setFilter('')),
      vscode.commands.registerCommand('resim.projectView.more', (kind: ProjectItemKind) => this.more(kind)),
      vscode.commands.registerCommand('resim.projectView.reveal', (n: Node | undefined) => this.reveal(n)),
      vscode.commands.registerCommand('resim.projectView.openInResim', (n: Node | undefined) => this.openInResim(n)),
    );
  }

  /** Lists again (debounced): the plan, the state or the config changed. */
  refresh(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, 300);
  }

  private async request(params: Omit<ProjectItemsParams, 'uri'>, config: vscode.Uri): Promise<ProjectItemsResult> {
    const client = await this.ctx.client();
    return client.sendRequest<ProjectItemsResult>(ProjectViewMethods.items, {
      uri: config.toString(),
      filter: this.filter || undefined,
      ...params,
    });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const config = currentConfig(this.ctx.planView.currentUri);
      if (config?.toString() !== this.config) {
        this.limits.clear();
        this.config = config?.toString();
      }
      if (!config) {
        this.view.message = 'Open an experience sync config (*.experiences.yaml) to see its ReSim project.';
        this.view.description = undefined;
        return [];
      }
      if (!vscode.workspace.isTrusted) {
        this.view.message = 'Restricted Mode: the project is not read until the workspace is trusted.';
        return [];
      }
      let r: ProjectItemsResult;
      try {
        r = await this.request({}, config);
      } catch (err) {
        this.view.message = `The project could not be listed: ${err instanceof Error ? err.message : String(err)}`;
        return [];
      }
      const file = configLabel(config);
      this.view.description = r.project ? `${r.project.name} · ${file}` : file;
      this.stale = r.stale === true;
      // The filter shows in the view itself (a single view's description is not shown in its
      // container's title), with Clear Filter in the title bar while it is on.
      const matched = r.groups.reduce((n, g) => n + g.total, 0);
      const filterLine = this.filter
        ? `Filter "${this.filter}": ${plural(matched, 'match', 'matches')}. Clear Filter shows all.`
        : undefined;
      this.view.message = [r.problem, filterLine].filter(Boolean).join(' ') || undefined;
      return r.groups.map((group) => ({ type: 'group' as const, group, config }));
    }
    if (node.type !== 'group') return [];
    const kind = node.group.kind;
    const limit = this.limits.get(kind) ?? PAGE;
    const items: Node[] = [];
    // Pages of at most 1000 (the server's cap), fetched in turn until `limit`.
    let total = node.group.total;
    for (let offset = 0; offset < limit && offset < total; offset += 1000) {
      const r = await this.request({ kind, offset, limit: Math.min(1000, limit - offset) }, node.config);
      total = r.groups.find((g) => g.kind === kind)?.total ?? total;
      for (const item of r.items) items.push({ type: 'item', item, config: node.config });
      if (r.items.length === 0) break;
    }
    if (items.length < total) items.push({ type: 'more', kind, shown: items.length, total });
    return items;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'group') {
      const [one, many] = GROUP_LABEL[node.group.kind];
      const t = new vscode.TreeItem(
        `${many} (${node.group.total})`,
        node.group.total ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      // The same ID with and without a filter: the group stays expanded as the filter changes.
      t.id = `group:${node.config.toString()}:${node.group.kind}`;
      t.description = countsText(node.group);
      t.tooltip = `${plural(node.group.total, one)}${this.filter ? ` matching "${this.filter}"` : ''}`;
      t.contextValue = 'resim.group';
      return t;
    }
    if (node.type === 'more') {
      const t = new vscode.TreeItem(`Show ${Math.min(PAGE, node.total - node.shown)} more`, vscode.TreeItemCollapsibleState.None);
      t.description = `${node.shown} of ${node.total} shown`;
      t.iconPath = new vscode.ThemeIcon('ellipsis');
      t.command = { command: 'resim.projectView.more', title: 'Show more', arguments: [node.kind] };
      return t;
    }
    const { item } = node;
    const st = STATUS[item.status];
    const t = new vscode.TreeItem(item.name, vscode.TreeItemCollapsibleState.None);
    t.id = `${item.kind}:${item.id ?? `new:${item.name}`}`;
    t.description = this.stale ? `${st.label} (out of date)` : st.label;
    t.iconPath = new vscode.ThemeIcon(st.icon, st.color ? new vscode.ThemeColor(st.color) : undefined);
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendText(`${GROUP_LABEL[item.kind][0]} ${item.name}\n\n${item.id ?? '(new)'}\n\nThis config: ${st.label}`);
    t.tooltip = tip;
    t.contextValue = `resim.item${item.line !== undefined ? '.inConfig' : ''}${item.url ? '.onResim' : ''}`;
    if (item.line !== undefined) t.command = { command: 'resim.projectView.reveal', title: 'Reveal in Config', arguments: [node] };
    return t;
  }

  private more(kind: ProjectItemKind): void {
    this.limits.set(kind, (this.limits.get(kind) ?? PAGE) + PAGE);
    this.changed.fire(undefined);
  }

  private async askFilter(): Promise<void> {
    const v = await ui.showInputBox({
      title: 'ReSim Project: filter',
      prompt: 'Show only names or IDs containing (empty: show all)',
      value: this.filter,
    });
    if (v === undefined) return;
    this.setFilter(v.trim());
  }

  private setFilter(filter: string): void {
    this.filter = filter;
    this.limits.clear();
    void vscode.commands.executeCommand('setContext', 'resim.projectView.filtered', filter !== '');
    this.changed.fire(undefined);
  }

  private async reveal(n: Node | undefined): Promise<void> {
    if (n?.type !== 'item' || n.item.line === undefined) return;
    const pos = new vscode.Position(n.item.line, n.item.character ?? 0);
    await vscode.window.showTextDocument(n.config, { selection: new vscode.Range(pos, pos), preserveFocus: false });
  }

  private async openInResim(n: Node | undefined): Promise<void> {
    if (n?.type === 'item' && n.item.url) await vscode.env.openExternal(vscode.Uri.parse(n.item.url));
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
