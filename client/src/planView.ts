/**
 * The plan webview: one panel ("ReSim Plan") showing the latest preview of a config file, or
 * the result of an apply. The HTML is rendered and escaped by `planHtml.ts`; this module owns
 * the panel: CSP nonce, `localResourceRoots` = [media], messages from media/plan.js.
 *
 * `retainContextWhenHidden` is off: when the panel is hidden and shown again VS Code reloads
 * the last HTML, and media/plan.js restores its UI state with `getState`.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { configLabel } from './format';
import { PAGE_SIZE, renderApplyResultBody, renderDocument, renderPlanBody, renderRows, virtualLists } from './planHtml';
import type { ApplyResult, PlanBinding, PlanJsonExperience, PreviewResult } from '../../protocol';

export interface PlanViewHandlers {
  /** The user pressed Apply on the plan shown for `uri`, which `shown` binds (its state and config fingerprints). */
  apply(uri: vscode.Uri, shown: PlanBinding): void;
  /** The user asked for a fresh preview of `uri` (the Refresh button shows it is busy until this settles). */
  refresh(uri: vscode.Uri): void | Promise<unknown>;
  /** The user clicked a name (`name`, of `kind`) or a `[Ln, Col]` (1-based `line`, `column`) of the plan of `uri`. */
  reveal(uri: vscode.Uri, where: RevealTarget): void;
}

/** What a click in the webview asks to reveal in the config. */
export type RevealTarget = { name: string; kind: 'experience' | 'testSuite' } | { line: number; column: number };

/** What media/plan.js keeps with `setState` (restored by the WebviewPanelSerializer after a reload). */
export interface PlanViewState {
  docId?: string;
}

/**
 * What the panel shows now. A plan follows its document and the project: `stale` says why it no
 * longer matches (the file was edited, the project or settings changed); Apply is then disabled
 * until the plan is previewed again.
 */
export type PlanViewContent =
  | { kind: 'plan'; uri: vscode.Uri; result: PreviewResult; stale?: string }
  | { kind: 'applyResult'; uri: vscode.Uri; result: ApplyResult; projectName: string };

/** Why a plan tab restored after a reload shows no plan (it is stale until previewed again). */
export const RESTORED_STALE = 'This tab was restored after a reload and shows no current plan';

/** The tab's title: what it shows, the config file and the project ("ReSim Plan: demo.experiences.yaml → demo"). */
export function planTabTitle(kind: PlanViewContent['kind'], fileLabel: string, projectName: string | undefined): string {
  return `ReSim ${kind === 'plan' ? 'Plan' : 'Apply'}: ${fileLabel}${projectName ? ` → ${projectName}` : ''}`;
}

export class PlanView implements vscode.Disposable {
  static readonly viewType = 'resim.plan';
  private panel?: vscode.WebviewPanel;
  private content?: PlanViewContent;
  private busy = false;
  /** How many entries of each long list are rendered (media/plan.js "Show more"). */
  private limits: Record<string, number> = {};
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: PlanViewHandlers,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && e.document.uri.toString() === this.content?.uri.toString())
          this.markStale('The file changed since this plan was computed');
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('resim')) this.markStale('The ReSim settings changed since this plan was computed');
      }),
    );
  }

  /** Marks the plan shown as stale (`reason` is shown) and disables Apply; a no-op when no plan is shown. */
  markStale(reason: string): void {
    const c = this.content;
    if (!this.panel || c?.kind !== 'plan' || !c.result.plan || c.stale) return;
    c.stale = reason;
    this.render(false);
  }

  /** The config file whose plan is shown, if the panel is open. */
  get currentUri(): vscode.Uri | undefined {
    return this.panel ? this.content?.uri : undefined;
  }
  get current(): PlanViewContent | undefined {
    return this.panel ? this.content : undefined;
  }

  /** Shows (or updates) the plan of `uri`. */
  showPlan(uri: vscode.Uri, result: PreviewResult): void {
    if (this.content?.uri.toString() !== uri.toString()) this.limits = {};
    this.content = { kind: 'plan', uri, result };
    this.render(true);
  }

  /** Shows the outcome of an apply: every failed call with its error. */
  showApplyResult(uri: vscode.Uri, result: ApplyResult, projectName: string): void {
    this.limits = {};
    this.content = { kind: 'applyResult', uri, result, projectName };
    this.render(true);
  }

  /** Disables the Apply button while an apply runs. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    void this.panel?.webview.postMessage({ type: 'busy', busy });
  }

  /**
   * Adopts a panel VS Code restored after a reload (`WebviewPanelSerializer`): `state` is what
   * media/plan.js saved. The tab is stale until its file is previewed again (Preview again):
   * nothing is previewed or applied on its own, since another config may be the one worked on now
   * and the project may have changed meanwhile.
   */
  restore(panel: vscode.WebviewPanel, state: PlanViewState | undefined): void {
    const m = /^(?:plan|applyResult):(.+)$/.exec(state?.docId ?? '');
    if (this.panel || !m) {
      panel.dispose();
      return;
    }
    this.adopt(panel);
    this.limits = {};
    this.content = { kind: 'plan', uri: vscode.Uri.parse(m[1]), result: { plan: null }, stale: RESTORED_STALE };
    this.render(false);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')], retainContextWhenHidden: false };
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const panel = vscode.window.createWebviewPanel(
      PlanView.viewType,
      'ReSim Plan',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.options(),
    );
    this.adopt(panel);
    return panel;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(media, 'resim.svg');
    panel.onDidDispose(
      () => {
        this.panel = undefined;
      },
      undefined,
      this.disposables,
    );
    panel.webview.onDidReceiveMessage((msg: { type?: string }) => this.onMessage(msg), undefined, this.disposables);
    this.panel = panel;
  }

  private onMessage(msg: {
    type?: string;
    key?: unknown;
    name?: unknown;
    kind?: unknown;
    line?: unknown;
    column?: unknown;
    list?: unknown;
    start?: unknown;
    end?: unknown;
  }): void {
    const c = this.content;
    if (!c) return;
    if (msg.type === 'apply' && c.kind === 'plan' && c.result.plan) {
      // A stale plan is never applied: the button is disabled, and a late click previews again.
      if (c.stale) this.handlers.refresh(c.uri);
      else
        this.handlers.apply(c.uri, {
          stateFingerprint: c.result.plan.stateFingerprint,
          configFingerprint: c.result.plan.configFingerprint ?? '',
        });
    } else if (msg.type === 'refresh') {
      const panel = this.panel;
      void Promise.resolve(this.handlers.refresh(c.uri))
        .catch(() => undefined)
        .finally(() => {
          if (this.panel === panel) void panel?.webview.postMessage({ type: 'refreshing', busy: false });
        });
    } else if (msg.type === 'more' && typeof msg.key === 'string') {
      this.limits[msg.key] = Math.max(PAGE_SIZE, this.limits[msg.key] ?? PAGE_SIZE) + PAGE_SIZE;
      this.render(false);
    } else if (msg.type === 'reveal') {
      if (typeof msg.line === 'number' && msg.line >= 1)
        this.handlers.reveal(c.uri, { line: msg.line, column: typeof msg.column === 'number' ? msg.column : 1 });
      else if (typeof msg.name === 'string')
        this.handlers.reveal(c.uri, { name: msg.name, kind: msg.kind === 'testSuite' ? 'testSuite' : 'experience' });
    } else if (msg.type === 'rows' && typeof msg.list === 'string' && typeof msg.start === 'number' && typeof msg.end === 'number') {
      this.postRows(c, msg.list, msg.start, msg.end);
    } else if (msg.type === 'ready') {
      if (this.busy) void this.panel?.webview.postMessage({ type: 'busy', busy: true });
    }
  }

  /** The virtualised lists of the plan shown (computed once per content). */
  private lists?: { content: PlanViewContent; lists: Record<string, PlanJsonExperience[]> };

  /**
   * Answers the page's request for rows `start`..`end` of a virtualised list (media/plan.js asks
   * for the blocks that come near the viewport): they are rendered and escaped here, on demand,
   * so a plan of 50,000 entries costs the page only the rows it shows.
   */
  private postRows(c: PlanViewContent, list: string, start: number, end: number): void {
    if (c.kind !== 'plan') return;
    if (this.lists?.content !== c) this.lists = { content: c, lists: virtualLists(c.result) };
    const items = this.lists.lists[list];
    if (!items) return;
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(items.length, Math.floor(end), from + 500);
    void this.panel?.webview.postMessage({ type: 'rows', list, start: from, rows: renderRows(items.slice(from, to)) });
  }

  private render(reveal: boolean): void {
    const c = this.content;
    if (!c) return;
    const panel = this.ensurePanel();
    const webview = panel.webview;
    const fileLabel = configLabel(c.uri);
    const body =
      c.kind === 'plan'
        ? renderPlanBody(c.result, {
            now: new Date(),
            fileLabel,
            applyDisabled: this.busy || !vscode.workspace.isTrusted,
            stale: c.stale,
            limits: this.limits,
          })
        : renderApplyResultBody(c.result, { fileLabel, projectName: c.projectName, limits: this.limits });
    panel.title = planTabTitle(c.kind, fileLabel, c.kind === 'plan' ? (c.result.plan?.project.name ?? undefined) : c.projectName);
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    webview.html = renderDocument({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'plan.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'plan.css')).toString(),
      title: panel.title,
      body,
      docId: `${c.kind}:${c.uri.toString()}`,
    });
    if (reveal && !panel.visible) panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
