/**
 * The prompts and messages the commands show, in one object: the commands call `ui.…`, never
 * `vscode.window.show…` directly, so that the extension-host tests (test/vscode/) can answer a
 * quick pick or an input box through the extension's test API (`activate`'s exports when
 * `RESIM_EXTENSION_TESTS=1` or in VS Code's test mode). Behaviour is `vscode.window`'s.
 */
import * as vscode from 'vscode';

type Window = typeof vscode.window;
export type Ui = Pick<
  Window,
  | 'showQuickPick'
  | 'showInputBox'
  | 'showInformationMessage'
  | 'showWarningMessage'
  | 'showErrorMessage'
  | 'showSaveDialog'
  | 'withProgress'
>;

const forward = <K extends keyof Ui>(name: K): Ui[K] =>
  ((...args: unknown[]) => (vscode.window[name] as (...a: unknown[]) => unknown)(...args)) as Ui[K];

/** What the commands show. Tests replace members; `restoreUi()` puts `vscode.window`'s back. */
export const ui: Ui = {
  showQuickPick: forward('showQuickPick'),
  showInputBox: forward('showInputBox'),
  showInformationMessage: forward('showInformationMessage'),
  showWarningMessage: forward('showWarningMessage'),
  showErrorMessage: forward('showErrorMessage'),
  showSaveDialog: forward('showSaveDialog'),
  withProgress: forward('withProgress'),
};

const original: Ui = { ...ui };

/** Puts every member back to `vscode.window`'s. */
export function restoreUi(): void {
  Object.assign(ui, original);
}
