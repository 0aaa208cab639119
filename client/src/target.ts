/** Which config file a command acts on: an argument (code lens, menus), the active editor, or the plan shown. */
import * as vscode from 'vscode';
import { UserError } from './context';
import { isSyncConfig } from './documents';

/**
 * Resolves a command's target. `arg` may be a `vscode.Uri`, a URI string (code lens arguments
 * from the server), or absent. Fails with a UserError when no sync config is at hand.
 */
export function resolveTarget(arg: unknown, fallback?: vscode.Uri): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.parse(arg);
  if (arg && typeof arg === 'object' && typeof (arg as { uri?: unknown }).uri === 'string') {
    return vscode.Uri.parse((arg as { uri: string }).uri);
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isSyncConfig(doc)) return doc.uri;
  if (fallback) return fallback;
  const open = vscode.workspace.textDocuments.filter(isSyncConfig);
  if (open.length === 1) return open[0].uri;
  throw new UserError('ReSim: open an experience sync config (*.experiences.yaml) first.');
}
