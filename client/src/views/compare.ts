/**
 * "ReSim: Compare with Project": VS Code's diff editor between the config (left) and the project
 * as it is now (right), the latter a read-only virtual document (scheme `resim-project`) whose
 * text is the project written as a config by the server's clone code (`resim/projectText`),
 * with the experiences in the file's order, so that drift reads line by line. The project state
 * is read again first; Preview Sync is in the diff editor's title bar.
 */
import * as vscode from 'vscode';
import { ProjectViewMethods, RefreshStateRequest, type ProjectTextResult } from '../../../protocol';
import { requireTrust, type ClientContext } from '../context';
import { resolveTarget } from '../target';
import { ui } from '../ui';

export const PROJECT_SCHEME = 'resim-project';

/** The virtual document of `config`'s project: `resim-project:/<project> (ReSim).yaml?<config URI>`. */
export function projectDocUri(config: vscode.Uri, projectName: string): vscode.Uri {
  const safe = projectName.replace(/[\\/:*?"<>|#?%\s]+/g, '-').slice(0, 80) || 'project';
  return vscode.Uri.from({ scheme: PROJECT_SCHEME, path: `/${safe} (ReSim).yaml`, query: config.toString() });
}

export class ProjectDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly ctx: ClientContext) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROJECT_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.texts.get(uri.toString());
    if (known !== undefined) return known;
    const r = await this.fetch(vscode.Uri.parse(uri.query));
    return r.text;
  }

  /** Reads the project text of `config` (from the server's state, read again just before). */
  async fetch(config: vscode.Uri): Promise<ProjectTextResult> {
    const client = await this.ctx.client();
    return client.sendRequest<ProjectTextResult>(ProjectViewMethods.text, { uri: config.toString() });
  }

  /** Opens the diff editor for `config`. */
  async compare(arg: unknown): Promise<void> {
    const config = await resolveTarget(arg, this.ctx.planView.currentUri);
    await requireTrust('Compare with Project');
    const client = await this.ctx.client();
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === config.toString()))
      await vscode.workspace.openTextDocument(config);
    const r = await ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: reading the project' }, async () => {
      await client.sendRequest(RefreshStateRequest.method, { uri: config.toString() });
      return this.fetch(config);
    });
    const right = projectDocUri(config, r.project.name);
    this.texts.set(right.toString(), r.text);
    this.changed.fire(right);
    const file = config.path.split('/').pop() ?? config.toString();
    await vscode.commands.executeCommand('vscode.diff', config, right, `${file} ↔ project ${r.project.name} (now)`, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
