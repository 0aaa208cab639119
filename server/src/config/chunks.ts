/**
 * Splits a config text into pieces that parse on their own, for speed: one piece per top-level
 * key, and one per item of the block sequences under `experiences:` and `managedTestSuites:`
 * (an item starts at a line indented exactly like the sequence's items that begins with `- `).
 * Gives up (returns undefined) on any shape it does not fully understand, so that the caller
 * parses the whole document instead: directives, several documents, flow or quoted top-level
 * keys, a top level that is not a block map, a repeated top-level key, odd indentation.
 */
import { SNAKE_ALIASES } from './schema';

export interface Piece {
  kind: 'top' | 'item';
  /** For items: the canonical list they belong to. */
  list?: 'experiences' | 'managedTestSuites';
  start: number;
  end: number;
}

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_]*)[ ]*:(?:[ ]|\r?$)/;
/** The list-valued top-level keys a piece may start with, by any spelling (`SNAKE_ALIASES`) → canonical key. */
const CANON: Record<string, 'experiences' | 'managedTestSuites'> = { experiences: 'experiences', managedTestSuites: 'managedTestSuites' };
for (const [alias, key] of Object.entries(SNAKE_ALIASES.root)) if (key === 'experiences' || key === 'managedTestSuites') CANON[alias] = key;
const LIST_KEY = new RegExp(`^(${Object.keys(CANON).join('|')})[ ]*:[ ]*(?:#.*)?\\r?$`);

/** Pieces covering `text` end to end, in order; undefined when the whole document must be parsed. */
export function splitPieces(text: string, starts: readonly number[]): Piece[] | undefined {
  const pieces: Piece[] = [];
  const seen = new Set<string>();
  let cur: Piece | undefined;
  /** Inside a split list: the items' indentation; -1 when not in one; -2 waiting for the first item. */
  let itemIndent = -1;
  let pendingList: 'experiences' | 'managedTestSuites' | undefined;
  const open = (p: Piece) => {
    if (cur) {
      cur.end = p.start;
      pieces.push(cur);
    }
    cur = p;
  };
  for (let line = 0; line < starts.length; line++) {
    const s = starts[line];
    let i = s;
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10) || c === 35 /* # */) continue;
    if (c === 9) return undefined;
    const indent = i - s;
    const c1 = text.charCodeAt(i + 1);
    const isItem = c === 45 /* - */ && (c1 === 32 || c1 === 10 || c1 === 13 || Number.isNaN(c1));
    if (indent === 0) {
      if (c === 45 && text.startsWith('---', i)) return undefined;
      if (text.startsWith('...', i) || c === 37 /* % */) return undefined;
      if (isItem && itemIndent === 0 && pendingList) {
        open({ kind: 'item', list: pendingList, start: s, end: s });
        continue;
      }
      if (itemIndent === -2 && isItem && pendingList) {
        itemIndent = 0;
        open({ kind: 'item', list: pendingList, start: s, end: s });
        continue;
      }
      const nl = text.indexOf('\n', s);
      const lineText = text.slice(s, nl === -1 ? text.length : nl);
      const m = TOP_KEY.exec(lineText);
      if (!m) return undefined;
      const canon = CANON[m[1]] ?? m[1];
      if (seen.has(canon)) return undefined;
      seen.add(canon);
      open({ kind: 'top', start: pieces.length === 0 && !cur ? 0 : s, end: s });
      if (LIST_KEY.test(lineText)) {
        pendingList = CANON[m[1]];
        itemIndent = -2;
      } else {
        pendingList = undefined;
        itemIndent = -1;
      }
      continue;
    }
    if (!cur) return undefined; // indented content before any key
    if (itemIndent === -2) {
      if (isItem && pendingList) {
        itemIndent = indent;
        open({ kind: 'item', list: pendingList, start: s, end: s });
      } else {
        itemIndent = -1; // not a block sequence: the key's value stays in one piece
        pendingList = undefined;
      }
      continue;
    }
    if (itemIndent >= 0 && pendingList) {
      if (indent < itemIndent) return undefined;
      if (indent === itemIndent) {
        if (!isItem) return undefined;
        open({ kind: 'item', list: pendingList, start: s, end: s });
      }
    }
  }
  if (!cur) return undefined;
  (cur as Piece).end = text.length;
  pieces.push(cur);
  return pieces;
}
