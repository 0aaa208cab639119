/**
 * Formatting of a sync config (`textDocument/formatting`, `textDocument/rangeFormatting`).
 *
 * The text is parsed with the `yaml` library's document model and printed back with the
 * `FormattingOptions` the editor sends (LSP `textDocument/formatting`): `tabSize` spaces per level
 * (1–8; a clone writes 2, the default when no options come), sequences indented under their key,
 * no line wrapping; `insertSpaces: false` still indents with spaces (YAML forbids tabs in
 * indentation); `insertFinalNewline` adds the final newline a text lacks (trailing whitespace and
 * final blank lines are always trimmed by the printer). The document model keeps comments, blank lines
 * between entries, key order and each scalar's quoting style; only whitespace and indentation
 * change. A text that does not parse cleanly (a YAML error, a tab in the indentation, several
 * documents) is left alone: formatting returns no edit rather than guess.
 *
 * Range formatting formats the whole text and keeps only the changed hunks (a line diff,
 * `diff.diffLines`) that touch the requested lines, so the rest of the file stays as it is.
 */
import { diffLines } from 'diff';
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import { parseAllDocuments } from 'yaml';

/** The options formatting reads (LSP `FormattingOptions`); absent: 2 spaces, no final newline added. */
export type FormatOptions = Partial<Pick<FormattingOptions, 'tabSize' | 'insertFinalNewline'>>;

/** The indentation a clone writes, and formatting's when the editor sends no (valid) `tabSize`. */
export const DEFAULT_INDENT = 2;

/** The formatted text, or undefined when `text` does not parse as exactly one YAML document. */
export function formatConfigText(text: string, options?: FormatOptions): string | undefined {
  if (/^[ ]*\t/m.test(text)) return undefined; // YAML forbids tabs in indentation; the tab-indent quick fix handles them
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const doc = docs[0];
  if (doc.errors.length) return undefined;
  const tab = options?.tabSize;
  const indent = typeof tab === 'number' && Number.isInteger(tab) && tab >= 1 && tab <= 8 ? tab : DEFAULT_INDENT;
  let out = doc.toString({ indent, indentSeq: true, lineWidth: 0, flowCollectionPadding: false });
  // The printer ends with one newline (trailing blank lines trimmed): none when the text had none,
  // unless the editor asks for a final newline.
  if (!text.endsWith('\n') && !options?.insertFinalNewline) out = out.replace(/\n$/, '');
  return out;
}

/** One hunk of a line diff: lines [startLine, endLine) of the old text become `newText`. */
interface Hunk {
  startLine: number;
  endLine: number;
  newText: string;
}

function hunks(before: string, after: string): Hunk[] {
  const out: Hunk[] = [];
  let line = 0;
  let pending: Hunk | undefined;
  for (const part of diffLines(before, after)) {
    const n = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (part.added) {
      pending ??= { startLine: line, endLine: line, newText: '' };
      pending.newText += part.value;
    } else if (part.removed) {
      pending ??= { startLine: line, endLine: line, newText: '' };
      line += n;
      pending.endLine = line;
    } else {
      if (pending) out.push(pending);
      pending = undefined;
      line += n;
    }
  }
  if (pending) out.push(pending);
  return out;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function toEdit(text: string, h: Hunk): TextEdit {
  const total = lineCount(text);
  // A hunk reaching past the last line (no final newline) ends at the end of the text.
  const end =
    h.endLine >= total ? { line: total - 1, character: text.length - (text.lastIndexOf('\n') + 1) } : { line: h.endLine, character: 0 };
  return { range: { start: { line: h.startLine, character: 0 }, end }, newText: h.newText };
}

/** `textDocument/formatting`: the edits that format the whole text (none when it is formatted or unparsable). */
export function formatEdits(text: string, options?: FormatOptions): TextEdit[] {
  const formatted = formatConfigText(text, options);
  if (formatted === undefined || formatted === text) return [];
  return hunks(text, formatted).map((h) => toEdit(text, h));
}

/** `textDocument/rangeFormatting`: the hunks of `formatEdits` that touch the lines of `range`. */
export function formatRangeEdits(text: string, range: Range, options?: FormatOptions): TextEdit[] {
  const formatted = formatConfigText(text, options);
  if (formatted === undefined || formatted === text) return [];
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return hunks(text, formatted)
    .filter((h) => h.startLine <= last && (h.endLine > range.start.line || (h.endLine === h.startLine && h.startLine >= range.start.line)))
    .map((h) => toEdit(text, h));
}
