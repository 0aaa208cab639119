/**
 * Tab characters in indentation (YAML forbids them; the design doc's example has them, see
 * test/fixtures/seed-example.yaml). Finds the lines and picks the tab width that makes the
 * file parse: docs/diagnostics.md "Code actions: tabs → spaces (the tab width that makes the file parse)".
 */
import { parseDocument } from 'yaml';
import type { TextEdit } from './types';

/** A line whose indentation holds a tab. `indent` is its whole leading run of spaces and tabs. */
export interface TabLine {
  line: number;
  offset: number;
  indent: string;
}

/**
 * The lines with content (not blank, not a comment) whose indentation contains a tab.
 * `starts` are the text's line starts.
 */
export function findTabLines(text: string, starts: readonly number[]): TabLine[] {
  const out: TabLine[] = [];
  if (text.indexOf('\t') === -1) return out;
  for (let line = 0; line < starts.length; line++) {
    const s = starts[line];
    let i = s;
    let hasTab = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32) i++;
      else if (c === 9) {
        hasTab = true;
        i++;
      } else break;
    }
    if (!hasTab) continue;
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 10 || c === 13 || c === 35 /* # */) continue;
    out.push({ line, offset: s, indent: text.slice(s, i) });
  }
  return out;
}

/** The column an indentation reaches with tab stops every `width` columns. */
export function indentColumns(indent: string, width: number): number {
  let col = 0;
  for (const ch of indent) col = ch === '\t' ? (Math.floor(col / width) + 1) * width : col + 1;
  return col;
}

function indentWidthAt(text: string, start: number): number {
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  return i - start;
}

function isContentLine(text: string, start: number, next: number): boolean {
  const body = text.slice(start, next).trim();
  return body.length > 0 && !body.startsWith('#');
}

/** The text with each tab line's indentation expanded at `width`, and the edits that do it. */
export function untab(text: string, tabLines: readonly TabLine[], width: number): { text: string; edits: TextEdit[] } {
  let out = '';
  let at = 0;
  const edits: TextEdit[] = [];
  for (const t of tabLines) {
    const spaces = ' '.repeat(indentColumns(t.indent, width));
    out += text.slice(at, t.offset) + spaces;
    at = t.offset + t.indent.length;
    edits.push({
      range: { start: { line: t.line, character: 0 }, end: { line: t.line, character: t.indent.length } },
      newText: spaces,
    });
  }
  return { text: out + text.slice(at), edits };
}

/**
 * The tab width under which the file parses best (and how many YAML errors remain under it): fewest YAML errors, then the most tab lines
 * that line up with the indentation of a nearby line without tabs, then the closest to 4.
 * Candidates: 2, 4, 8 and every width that aligns a tab line with a neighbouring line.
 */
export function chooseTabWidth(text: string, starts: readonly number[], tabLines: readonly TabLine[]): { width: number; errors: number } {
  const tabSet = new Set(tabLines.map((t) => t.line));
  const nearby = (line: number): number[] => {
    const out: number[] = [];
    for (const dir of [-1, 1]) {
      let found = 0;
      for (let l = line + dir; l >= 0 && l < starts.length && found < 4; l += dir) {
        if (tabSet.has(l)) continue;
        const next = l + 1 < starts.length ? starts[l + 1] : text.length;
        if (!isContentLine(text, starts[l], next)) continue;
        out.push(indentWidthAt(text, starts[l]));
        found++;
      }
    }
    return out;
  };
  const neighbours = tabLines.map((t) => nearby(t.line));
  const candidates = new Set<number>([2, 4, 8]);
  tabLines.forEach((t, i) => {
    const tabs = (t.indent.match(/\t/g) ?? []).length;
    const spaces = t.indent.length - tabs;
    for (const n of neighbours[i]) {
      for (const target of [n, n + 2]) {
        const w = (target - spaces) / tabs;
        if (Number.isInteger(w) && w >= 1 && w <= 16) candidates.add(w);
      }
    }
  });
  let best = 4;
  let bestScore: number[] | undefined;
  for (const w of [...candidates].sort((a, b) => Math.abs(a - 4) - Math.abs(b - 4) || a - b)) {
    const fixed = untab(text, tabLines, w).text;
    const errors = parseDocument(fixed, { prettyErrors: false }).errors.length;
    const aligned = tabLines.filter((t, i) => neighbours[i].includes(indentColumns(t.indent, w))).length;
    const score = [errors, -aligned, Math.abs(w - 4)];
    if (!bestScore || lexLess(score, bestScore)) {
      best = w;
      bestScore = score;
    }
  }
  return { width: best, errors: bestScore ? bestScore[0] : 0 };
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
