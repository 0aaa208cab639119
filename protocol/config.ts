/**
 * Rules of the config file that both the VS Code client and the language server (and the CLI)
 * apply: the language ID and the first-line `# resim-project:` link (docs/sync-rules.md, "Reading
 * the file"). `package.json` (`contributes.languages[].firstLine`) repeats the
 * regex for VS Code; test/unit/protocol.test.ts checks that it agrees with `PROJECT_COMMENT_RE`.
 */

/** The public ReSim API (docs/api.md); package.json's `resim.apiUrl` default is the same. */
export const DEFAULT_API_URL = 'https://api.resim.ai/v1/';

/** The language ID of experience sync configs (package.json `contributes.languages`). */
export const LANGUAGE_ID = 'resim-experiences';

/**
 * URI schemes of the documents that are sync configs: files on disk and new untitled files. Any
 * other document (Compare's read-only `resim-project:` side, a git or diff view, a plan) is never a
 * config, whatever its language or first line: it drives no diagnostics, status bar or project view.
 */
export const CONFIG_SCHEMES: readonly string[] = ['file', 'untitled'];

/** True when a document of this URI may be a sync config (its scheme is one of `CONFIG_SCHEMES`). */
export function isConfigScheme(uri: string): boolean {
  const m = /^([a-zA-Z][\w+.-]*):/.exec(uri);
  return m !== null && CONFIG_SCHEMES.includes(m[1].toLowerCase());
}

/**
 * The first line that links a file to a ReSim project: `# resim-project: <name or ID>`. A byte
 * order mark before it and spaces around the value are allowed, and the space after `#` is
 * optional (`#resim-project: demo`). Group 1 is the value (may be empty).
 */
export const PROJECT_COMMENT_RE = /^\uFEFF?#\s*resim-project:[ \t]*([^\r\n]*?)[ \t]*\r?$/;

/** Longest first line that is looked at (a minified file is not scanned to its end). */
const MAX_FIRST_LINE = 4096;

/**
 * The value of a first-line `# resim-project: <name or ID>` comment, or `undefined` when the
 * first line is not such a comment or names nothing. Reads at most the first 4096 characters.
 */
export function projectCommentOf(text: string): string | undefined {
  // The first line ends at `\n`, `\r\n` or a lone `\r` (YAML 1.2's line breaks).
  const head = text.slice(0, MAX_FIRST_LINE + 1);
  const nl = head.search(/\r|\n/);
  const first = head.slice(0, Math.min(nl < 0 ? head.length : nl, MAX_FIRST_LINE));
  const m = PROJECT_COMMENT_RE.exec(first);
  return m && m[1] ? m[1] : undefined;
}

/** Whether the first line is a `# resim-project:` comment (with or without a value). */
export function hasProjectComment(firstLine: string): boolean {
  return PROJECT_COMMENT_RE.test(firstLine.slice(0, MAX_FIRST_LINE));
}
