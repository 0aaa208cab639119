/**
 * What the client offers, read once from `initialize` (LSP 3.17 `ClientCapabilities`). Lenient:
 * a missing or malformed capability means the client does not offer it, so `initialize` with
 * `params: {}` is a client that offers nothing, never a `TypeError`.
 */
import { MarkupKind, type ClientCapabilities } from 'vscode-languageserver';

export interface ClientOffers {
  /** `workspace.configuration`: the server may pull settings. */
  configuration: boolean;
  /** `workspace.didChangeConfiguration.dynamicRegistration`. */
  configurationRegistration: boolean;
  /** `workspace.codeLens.refreshSupport`. */
  codeLensRefresh: boolean;
  /** `textDocument.hover.contentFormat` includes `markdown` (else hovers are plain text). */
  markdownHover: boolean;
  /** `textDocument.completion.completionItem.documentationFormat` includes `markdown`. */
  markdownCompletion: boolean;
  /** `textDocument.codeAction.dataSupport`: the client sends a diagnostic's `data` back. */
  codeActionData: boolean;
  /** `window.workDoneProgress`: the server may create progress tokens (`$/progress`). */
  workDoneProgress: boolean;
  /** `window.showDocument.support`: the server may ask the client to open a file. */
  showDocument: boolean;
}

/** The offers of `caps` (anything: what `initialize` carried as `capabilities`). */
export function clientOffers(caps: unknown): ClientOffers {
  const c = (caps && typeof caps === 'object' ? caps : {}) as ClientCapabilities;
  const obj = <T>(v: T | undefined): Partial<T> => (v && typeof v === 'object' ? v : {});
  const workspace = obj(c.workspace);
  const textDocument = obj(c.textDocument);
  const window = obj(c.window);
  const formats = (v: unknown): boolean => Array.isArray(v) && v.includes(MarkupKind.Markdown);
  return {
    configuration: workspace.configuration === true,
    configurationRegistration: obj(workspace.didChangeConfiguration).dynamicRegistration === true,
    codeLensRefresh: obj(workspace.codeLens).refreshSupport === true,
    markdownHover: formats(obj(textDocument.hover).contentFormat),
    markdownCompletion: formats(obj(obj(textDocument.completion).completionItem).documentationFormat),
    codeActionData: obj(textDocument.codeAction).dataSupport === true,
    workDoneProgress: window.workDoneProgress === true,
    showDocument: obj(window.showDocument).support === true,
  };
}
