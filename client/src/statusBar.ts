/**
 * The status bar item: project · pending changes · state age; click → Preview Sync
 * (README "Status bar"). Counts come from the latest preview of the active config (the server caches the
 * project state, so a preview after a save or editor switch is cheap).
 */
import * as vscode from 'vscode';
import { formatAge } from './format';
import { currentConfig } from './target';
import type { PreviewResult } from '../../protocol';
import { changeCount, configErrors, formatSummary } from '../../protocol';
import type { Session } from './session';
import { wordProblem } from './problems';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private latest?: { uri: string; result: PreviewResult };
  private readonly timer: ReturnType<typeof setInterval>;
  private pending?: ReturnType<typeof setTimeout>;
  /** Set by the extension: computes a preview of `uri` (updates this bar through `update`). */
  previewer?: (uri: vscode.Uri) => Promise<unknown>;

  constructor(private readonly session: Session) {
    this.item = vscode.window.createStatusBarItem('resim.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'ReSim Experience Sync';
    this.item.command = 'resim.previewSync';
    this.timer = setInterval(() => this.render(), 30_000);
    this.render();
  }

  /**
   * Set by the extension: a preview said "not signed in" (reason `not-signed-in`), so the Accounts
   * menu may offer Sign In; not called in sandbox mode, which needs no sign-in.
   */
  onNotSignedIn?: () => void;

  /** Records a preview result for `uri` and redraws. */
  update(uri: vscode.Uri, result: PreviewResult): void {
    this.latest = { uri: uri.toString(), result };
    if (!this.session.usingSandbox && result.errors?.some((e) => e.code === 'state-unavailable' && e.reason === 'not-signed-in'))
      this.onNotSignedIn?.();
    this.render();
  }

  /** Recomputes the counts for the active config soon (debounced), in a trusted workspace only. */
  refreshSoon(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const uri = currentConfig();
      if (uri && vscode.workspace.isTrusted && this.previewer) {
        this.previewer(uri).catch(() => undefined);
      }
      this.render();
    }, 600);
  }

  render(): void {
    // The config the commands would act on (the active one, else the last active), so the bar
    // and Preview Sync agree when another editor is focused.
    const current = currentConfig();
    const active = current?.toString();
    const project = this.session.projectFor(current);
    if (!active && !project) {
      this.item.hide();
      return;
    }
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = false;
    const mode = this.session.usingSandbox ? '$(beaker) ' : '';
    const unavailable =
      active && this.latest?.uri === active && !this.latest.result.plan
        ? this.latest.result.errors?.find((e) => e.code === 'state-unavailable')
        : undefined;
    this.item.backgroundColor = undefined;
    // In Restricted Mode a click opens Manage Workspace Trust: Preview Sync cannot run there.
    this.item.command = vscode.workspace.isTrusted ? 'resim.previewSync' : 'workbench.trust.manage';
    if (!vscode.workspace.isTrusted) {
      this.item.text = `$(shield) ReSim: ${project ?? 'no project'} (restricted)`;
      tip.appendText('Restricted Mode: no API calls until the workspace is trusted. Click to manage workspace trust.');
    } else if (unavailable) {
      // The project cannot be read: a warning state until a preview succeeds.
      this.item.text = `${mode}$(warning) ReSim: ${project ?? 'no project'}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tip.appendText(
        `${wordProblem(unavailable.reason, unavailable.message, this.session.settings.apiUrl ?? undefined).text} Signed in: ${this.session.describeAuth()}. Click to preview.`,
      );
    } else if (active && this.latest?.uri === active && this.latest.result.plan) {
      const plan = this.latest.result.plan;
      const n = changeCount(plan.summary);
      const errors = configErrors(this.latest.result.errors).length;
      const age = formatAge(plan.stateFetchedAt, new Date());
      // One text in every state: "ReSim: <project>", then what the plan says when there is one.
      this.item.text = `${mode || '$(cloud) '}ReSim: ${plan.project.name} · ${errors ? `$(error) ${errors} error${errors === 1 ? '' : 's'}` : n ? `${n} change${n === 1 ? '' : 's'}` : 'no changes'} · ${age}`;
      tip.appendText(
        `ReSim project ${plan.project.name}: ${formatSummary(plan.summary)}. State read ${age}. Signed in: ${this.session.describeAuth()}. Click to preview.`,
      );
    } else {
      this.item.text = `${mode || '$(cloud) '}ReSim: ${project ?? 'no project'}`;
      tip.appendText(`Signed in: ${this.session.describeAuth()}. Click to preview the sync plan.`);
    }
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.item.dispose();
  }
}
