/**
 * Which config file a command acts on: an argument (code lens, menus, the project view), the
 * active editor, the config last active (so that a command works with the Output panel, a
 * webview or another file focused), the plan shown, the only open config, or, when several are
 * open and none of these says which, the one the user picks.
 */
import * as vscode from 'vscode';
import { UserError } from './context';
import { isSyncConfig } from './documents';
import { ui } from './ui';

let lastActive: vscode.Uri | undefined;

function isOpen(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === key);
}

/** Follows the active editor: remembers the last sync config that was active. */
export function trackActiveConfig(): vscode.Disposable {
  const note = (e: vscode.TextEditor | undefined) => {
    if (e && isSyncConfig(e.document)) lastActive = e.document.uri;
  };
  note(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor(note);
}

/**
 * The config a command or the status bar means without asking: the active editor's, else the
 * last active one still open, else `fallback`, else the only open config.
 */
export function currentConfig(fallback?: vscode.Uri): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isSyncConfig(doc)) return doc.uri;
  if (lastActive && isOpen(lastActive)) return lastActive;
  if (fallback) return fallback;
  const open = vscode.workspace.textDocuments.filter((d) => !d.isClosed && isSyncConfig(d));
  return open.length === 1 ? open[0].uri : undefined;
}

/**
 * Resolves a command's target. `arg` may be a `vscode.Uri`, a URI string (code lens arguments
 * from the server), an object with `uri` (tree items), or absent. With several open configs and
 * nothing to go by, asks. Fails with a UserError when no sync config is at hand.
 */
export async function resolveTarget(arg: unknown, fallback?: vscode.Uri): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.parse(arg);
  if (arg && typeof arg === 'object') {
    const uri = (arg as { uri?: unknown }).uri;
    if (uri instanceof vscode.Uri) return uri;
    if (typeof uri === 'string') return vscode.Uri.parse(uri);
  }
  const current = currentConfig(fallback);
  if (current) return current;
  const open = vscode.workspace.textDocuments.filter((d) => !d.isClosed && isSyncConfig(d));
  if (open.length > 1) {
    const pick = await ui.showQuickPick(
      open.map((d) => ({ label: vscode.workspace.asRelativePath(d.uri), uri: d.uri })),
      { title: 'ReSim: which config?', placeHolder: 'Several experience sync configs are open' },
    );
    if (pick) return pick.uri;
    throw new UserError('');
  }
  throw new UserError('ReSim: open an experience sync config (*.experiences.yaml) first.');
}
