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
import { renderApplyResultBody, renderDocument, renderPlanBody } from './planHtml';
import type { ApplyResult, PlanBinding, PreviewResult } from '../../protocol';

export interface PlanViewHandlers {
  /** The user pressed Apply on the plan shown for `uri`, which `shown` binds (its state and config fingerprints). */
  apply(uri: vscode.Uri, shown: PlanBinding): void;
  /** The user asked for a fresh preview of `uri`. */
  refresh(uri: vscode.Uri): void;
}

/**
 * What the panel shows now. A plan follows its document and the project: `stale` says why it no
 * longer matches (the file was edited, the project or settings changed); Apply is then disabled
 * until the plan is previewed again.
 */
export type PlanViewContent =
  | { kind: 'plan'; uri: vscode.Uri; result: PreviewResult; stale?: string }
  | { kind: 'applyResult'; uri: vscode.Uri; result: ApplyResult; projectName: string };

export class PlanView implements vscode.Disposable {
  static readonly viewType = 'resim.plan';
  private panel?: vscode.WebviewPanel;
  private content?: PlanViewContent;
  private busy = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly handlers: PlanViewHandlers) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && e.document.uri.toString() === this.content?.uri.toString()) this.markStale('The file changed since this plan was computed');
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
  get currentUri(): vscode.Uri | undefined { return this.panel ? this.content?.uri : undefined; }
  get current(): PlanViewContent | undefined { return this.panel ? this.content : undefined; }

  /** Shows (or updates) the plan of `uri`. */
  showPlan(uri: vscode.Uri, result: PreviewResult): void {
    this.content = { kind: 'plan', uri, result };
    this.render(true);
  }

  /** Shows the outcome of an apply: every failed call with its error. */
  showApplyResult(uri: vscode.Uri, result: ApplyResult, projectName: string): void {
    this.content = { kind: 'applyResult', uri, result, projectName };
    this.render(true);
  }

  /** Disables the Apply button while an apply runs. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    void this.panel?.webview.postMessage({ type: 'busy', busy });
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(PlanView.viewType, 'ReSim Plan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'resim.svg');
    panel.onDidDispose(() => { this.panel = undefined; }, undefined, this.disposables);
    panel.webview.onDidReceiveMessage((msg: { type?: string }) => this.onMessage(msg), undefined, this.disposables);
    this.panel = panel;
    return panel;
  }

  private onMessage(msg: { type?: string }): void {
    const c = this.content;
    if (!c) return;
    if (msg.type === 'apply' && c.kind === 'plan' && c.result.plan) {
      // A stale plan is never applied: the button is disabled, and a late click previews again.
      if (c.stale) this.handlers.refresh(c.uri);
      else this.handlers.apply(c.uri, { stateFingerprint: c.result.plan.stateFingerprint, configFingerprint: c.result.plan.configFingerprint ?? '' });
    } else if (msg.type === 'refresh') {
      this.handlers.refresh(c.uri);
    } else if (msg.type === 'ready' && this.busy) {
      void this.panel?.webview.postMessage({ type: 'busy', busy: true });
    }
  }

  private render(reveal: boolean): void {
    const c = this.content;
    if (!c) return;
    const panel = this.ensurePanel();
    const webview = panel.webview;
    const fileLabel = c.uri.path.split('/').pop() || c.uri.toString();
    const body = c.kind === 'plan'
      ? renderPlanBody(c.result, { now: new Date(), fileLabel, applyDisabled: this.busy || !vscode.workspace.isTrusted, stale: c.stale })
      : renderApplyResultBody(c.result, { fileLabel, projectName: c.projectName });
    panel.title = c.kind === 'plan' ? `ReSim Plan: ${fileLabel}` : `ReSim Apply: ${fileLabel}`;
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
