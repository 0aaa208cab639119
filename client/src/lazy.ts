/**
 * The language client's half of the extension, loaded on first use (after activate() returns):
 * dist/languageClient.js, a bundle of its own (esbuild.mjs), so that activation does not pay for
 * loading vscode-languageclient.
 */
import * as path from 'path';

export type LanguageClientModule = typeof import('./languageClient');

let loaded: LanguageClientModule | undefined;

export function languageClientModule(): LanguageClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(path.join(__dirname, 'languageClient.js')) as LanguageClientModule);
}
