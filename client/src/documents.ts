/**
 * Which documents are sync configs (docs/sync-rules.md, "The file ↔ project link"): the language
 * `resim-experiences` plus YAML files matching the `resim.configFiles` globs. Kept apart from the
 * language client so that activation does not load vscode-languageclient.
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../../protocol';

/** The documents the server handles, for the current `resim.configFiles`. */
export function documentSelector(configFiles: string[]): { language: string; pattern?: string }[] {
  return [
    { language: LANGUAGE_ID },
    ...configFiles.map((pattern) => ({ language: 'yaml', pattern })),
  ];
}

/** True when `doc` is a sync config the server handles. */
export function isSyncConfig(doc: vscode.TextDocument): boolean {
  const files = vscode.workspace.getConfiguration('resim').get<string[]>('configFiles', []);
  return vscode.languages.match(documentSelector(files), doc) > 0;
}

