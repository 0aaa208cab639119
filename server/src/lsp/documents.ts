/**
 * Which open documents the server treats as experience sync configs (docs/sync-rules.md, "Reading the
 * file"): the language `resim-experiences`; YAML documents named `*.experiences.yaml`
 * / `*.experiences.yml`, matching a glob of `resim.configFiles`, or whose first line is
 * `# resim-project: …`. Every other document is ignored (no diagnostics, no features).
 */
import { compileGlob, type CompiledGlob } from '../util/glob';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { isConfigScheme, LANGUAGE_ID, projectCommentOf } from '../../../protocol';
import type { ResimSettings } from './settings';
const YAML_LANGUAGES = new Set(['yaml', 'yml']);
const BUILTIN_NAME = /\.experiences\.ya?ml$/i;

/** The file system path of a `file:` URI, else the URI's path part. */
export function uriPath(uri: string): string {
  try {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/**
 * Whether `uri` matches one of the globs. A glob without a slash matches the file name
 * (`*.sync.yaml`); one with a slash matches the path relative to a workspace folder, or the
 * absolute path (`**` spans folders).
 */
export function matchesGlobs(uri: string, globs: readonly string[], workspaceFolders: readonly string[] = []): boolean {
  if (!globs.length) return false;
  const abs = uriPath(uri).split(path.sep).join('/');
  const rels = workspaceFolders
    .map((f) => uriPath(f).split(path.sep).join('/').replace(/\/+$/, ''))
    .filter((f) => f && abs.startsWith(f + '/'))
    .map((f) => abs.slice(f.length + 1));
  const base = abs.slice(abs.lastIndexOf('/') + 1);
  for (const glob of globs) {
    if (!glob.includes('/')) {
      if (compiled(glob, process.platform === 'win32').match(base)) return true;
      continue;
    }
    const g = glob.replace(/^\.\//, '');
    if (compiled(g).match(abs)) return true;
    if (rels.some((r) => compiled(g).match(r))) return true;
    if (!g.startsWith('/') && !g.startsWith('**') && compiled('**/' + g).match(abs)) return true;
  }
  return false;
}

/** Compiled globs (util/glob.ts: no backtracking, so no workspace glob can stall the server). */
const globCache = new Map<string, CompiledGlob>();
function compiled(glob: string, nocase = false): CompiledGlob {
  const key = `${nocase ? 'i' : ''}:${glob}`;
  let c = globCache.get(key);
  if (!c) {
    if (globCache.size > 256) globCache.clear();
    c = compileGlob(glob, { nocase });
    globCache.set(key, c);
  }
  return c;
}

/** Whether the document is an experience sync config the server should handle. */
export function isHandledDocument(
  doc: { uri: string; languageId: string; getText(): string },
  settings: ResimSettings,
  workspaceFolders: readonly string[] = [],
): boolean {
  if (!isConfigScheme(doc.uri)) return false; // a read-only or virtual document is never a config
  if (doc.languageId === LANGUAGE_ID) return true;
  if (!YAML_LANGUAGES.has(doc.languageId)) return false;
  if (BUILTIN_NAME.test(uriPath(doc.uri))) return true;
  if (matchesGlobs(doc.uri, settings.configFiles, workspaceFolders)) return true;
  return projectCommentOf(firstLine(doc.getText())) !== undefined;
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text.slice(0, 4096) : text.slice(0, Math.min(nl, 4096));
}
