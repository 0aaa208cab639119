/**
 * Text helpers: line index (offset ↔ LSP position: 0-based line, UTF-16 character) and
 * applying LSP-style text edits.
 */
import { stringify } from 'yaml';
import type { ConfigDiagnostic, Position, TextEdit } from './types';

/**
 * Offsets at which each line starts. A line ends at `\n`, `\r\n` or a lone `\r`: the line breaks of
 * YAML 1.2 (§5.4, which the resim CLI's yaml.v3 follows) and of LSP positions. A `\r` before `\n`
 * stays in its line.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  if (!text.includes('\r') || !/\r(?!\n)/.test(text)) {
    // LF or CRLF only: one native search per line.
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    return starts;
  }
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) starts.push(k + 1);
  }
  return starts;
}

/** A lone `\r` (not before `\n`): a line break of its own (see `lineStarts`). */
const LONE_CR = /\r(?!\n)/g;

/**
 * `text` with every lone `\r` read as `\n` (same length, so offsets and `lineStarts` are
 * unchanged): what both parsers read, so that a file with CR-only line ends (classic Mac OS) is
 * read as YAML 1.2 and the resim CLI read it, on every path. The text itself is never rewritten.
 */
export function withLfBreaks(text: string): string {
  return text.includes('\r') ? text.replace(LONE_CR, '\n') : text;
}

/** The index of the line holding `offset` (binary search over `starts`). */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function positionAt(starts: readonly number[], textLength: number, offset: number): Position {
  const o = Math.max(0, Math.min(offset, textLength));
  const line = lineOf(starts, o);
  return { line, character: o - starts[line] };
}

/** The offset of a position; characters past the end of a line clamp to the line's end. */
export function offsetAt(starts: readonly number[], text: string, pos: Position): number {
  if (pos.line < 0) return 0;
  if (pos.line >= starts.length) return text.length;
  const lineStart = starts[pos.line];
  let lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] - 1 : text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * Applies edits given in positions of `text` (all computed for the same text, as LSP does).
 * Overlapping edits: throws an Error naming the overlap (a caller bug, not bad input).
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const starts = lineStarts(text);
  const spans = edits
    .map((e, i) => ({ s: offsetAt(starts, text, e.range.start), e: offsetAt(starts, text, e.range.end), t: e.newText, i }))
    .sort((a, b) => a.s - b.s || a.e - b.e || a.i - b.i);
  let out = '';
  let at = 0;
  for (const sp of spans) {
    if (sp.s < at) throw new Error(`applyTextEdits: overlapping edits at offset ${sp.s}`);
    out += text.slice(at, sp.s) + sp.t;
    at = Math.max(at, sp.e);
  }
  return out + text.slice(at);
}

/**
 * A string as YAML text: plain when YAML reads it back as the same string, else quoted (JSON
 * style); in a flow collection (`flow`), also quoted when it holds `,[]{}`. The one quoting rule
 * of quick fixes, completion and `--update-config`.
 */
export function yamlScalar(name: string, flow: boolean): string {
  if (flow && /[,[\]{}]/.test(name)) return JSON.stringify(name);
  try {
    const s = stringify(name, { lineWidth: 0 }).replace(/\n$/, '');
    return s.includes('\n') ? JSON.stringify(name) : s;
  } catch {
    return JSON.stringify(name);
  }
}

/** Position order, then code: the order of every diagnostics list of the loader. */
export function compareDiagnostics(a: ConfigDiagnostic, b: ConfigDiagnostic): number {
  return (
    comparePositions(a.range.start, b.range.start) ||
    comparePositions(a.range.end, b.range.end) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
