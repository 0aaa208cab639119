/**
 * Which documents are sync configs (docs/sync-rules.md, "Reading the file"): the language
 * `resim-experiences` plus YAML files matching the `resim.configFiles` globs. Kept apart from the
 * language client so that activation does not load vscode-languageclient.
 */
import * as vscode from 'vscode';
import { CONFIG_SCHEMES, LANGUAGE_ID } from '../../protocol';

/**
 * A `resim.configFiles` glob as a document filter pattern. VS Code matches a filter's pattern
 * against the whole path, while the setting's globs are relative to a workspace folder (or match
 * the file name), as the server reads them (`matchesGlobs`, server/src/lsp/documents.ts): a
 * relative glob is prefixed with `**` and a slash, a superset that the server then narrows.
 */
function selectorPattern(glob: string): string {
  return glob.startsWith('/') || glob.startsWith('**') ? glob : `**/${glob.replace(/^\.\//, '')}`;
}

/**
 * The documents the server handles, for the current `resim.configFiles`: only of the config
 * schemes (`CONFIG_SCHEMES`), so a read-only or virtual document (Compare's project side) is
 * never one, even with a `# resim-project:` first line.
 */
export function documentSelector(configFiles: string[]): { language: string; scheme: string; pattern?: string }[] {
  return CONFIG_SCHEMES.flatMap((scheme) => [
    { language: LANGUAGE_ID, scheme },
    ...configFiles.map((glob) => ({ language: 'yaml', scheme, pattern: selectorPattern(glob) })),
  ]);
}

/** True when `doc` is a sync config the server handles. */
export function isSyncConfig(doc: vscode.TextDocument): boolean {
  const files = vscode.workspace.getConfiguration('resim').get<string[]>('configFiles', []);
  return vscode.languages.match(documentSelector(files), doc) > 0;
}
