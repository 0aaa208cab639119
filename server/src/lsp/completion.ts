/**
 * Completion (docs/architecture.md, "Completion"): tag names in `tags:` and `managedExperienceTags:`,
 * system names in `systems:`, test suite names in `managedTestSuites[].name`, experience names
 * in a suite's `experiences:` (from the project's state and from the file), and keys from the
 * schema (`schema/experience-sync.schema.json`) at key positions.
 *
 * The position's context comes from the text around the cursor (indentation of the lines
 * above), not from a parse: while typing, the line is usually incomplete YAML and the last
 * analysis is of an older version. Names come from the cached analysis; nothing is parsed here.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver';
import schemaJson from '../../../schema/experience-sync.schema.json';
import { canonicalKey } from '../config/schema';
import { lineStarts, yamlScalar } from '../config/text';
import type { Analysis } from './analysis';

type MapKind = 'root' | 'experience' | 'testSuite' | 'environmentVariable' | 'customField';
type NameKind = 'tag' | 'system' | 'testSuite' | 'experience';

interface JsonSchema {
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
}

const schema = schemaJson as unknown as JsonSchema;

function deref(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s?.$ref) return s;
  const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
  return m ? schema.definitions?.[m[1]] : undefined;
}

/** The schema of each kind of map (its `properties` are the keys offered). */
function mapSchema(kind: MapKind): JsonSchema | undefined {
  switch (kind) {
    case 'root':
      return schema;
    case 'experience':
      return deref(schema.properties?.experiences?.items);
    case 'testSuite':
      return deref(schema.properties?.managedTestSuites?.items);
    case 'environmentVariable':
      return deref(deref(mapSchema('experience')?.properties?.environmentVariables)?.items);
    case 'customField':
      return deref(deref(mapSchema('experience')?.properties?.customFields)?.items);
  }
}

/**
 * The schema of the key at the end of a config path (e.g. `['experiences', 0, 'profile']`, keys
 * canonical), or undefined when the schema has no such key. Hover shows its `description`.
 */
export function keySchemaAt(path: readonly (string | number)[]): { type?: string; description?: string } | undefined {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return undefined;
  const map = mapKindOf(path.slice(0, -1).map((p) => (typeof p === 'number' ? '-' : p)));
  const prop = map ? mapSchema(map)?.properties?.[key] : undefined;
  if (!prop) return undefined;
  const d = deref(prop);
  return { type: typeof d?.type === 'string' ? d.type : undefined, description: prop.description ?? d?.description };
}

/** Where the cursor is, in terms of the config's structure. */
export type CompletionContext =
  | { kind: 'key'; map: MapKind; prefix: string; start: number }
  | { kind: 'name'; names: NameKind; prefix: string; start: number; flow: boolean };

interface LineInfo {
  indent: number;
  /** Column of the first `- ` of the line, if the line is a list item. */
  dashCol?: number;
  /** Column and name of the line's key, if it has one. */
  keyCol?: number;
  key?: string;
  /** Whether the key's value is empty on this line (a block follows). */
  blockValue?: boolean;
}

const KEY_LINE = /^(\s*)((?:-[ \t]+)*)(["']?)([A-Za-z_][\w-]*)\3[ \t]*:(?:[ \t]+|$)(.*)$/;
const DASH_LINE = /^(\s*)((?:-[ \t]+|-$)+)(.*)$/;

function infoOf(line: string): LineInfo | undefined {
  if (!line.trim() || /^\s*#/.test(line)) return undefined;
  const indent = line.length - line.trimStart().length;
  const k = KEY_LINE.exec(line);
  if (k) {
    const dashes = k[2];
    const keyCol = k[1].length + dashes.length;
    const rest = k[5].replace(/\s+#.*$/, '').trim();
    return {
      indent,
      dashCol: dashes ? k[1].length : undefined,
      keyCol,
      key: canonicalKey(k[4]),
      blockValue: rest === '' || rest === '|' || rest === '>',
    };
  }
  const d = DASH_LINE.exec(line);
  if (d) return { indent, dashCol: d[1].length };
  return { indent };
}

/**
 * Where each line of a text starts: the document's own line offsets in the server
 * (`TextDocument.offsetAt`, kept up to date by each edit), or `lineStarts` (config/text.ts).
 */
export interface LineIndex {
  /** Lines in the text (a text ending in `\n` has an empty last line). */
  lineCount: number;
  /** The offset where line `line` (0-based, < lineCount) starts. */
  lineStart(line: number): number;
}

/** A `LineIndex` computed from the text (O(length)). */
export function lineIndexOf(text: string): LineIndex {
  const starts = lineStarts(text);
  return { lineCount: starts.length, lineStart: (line) => starts[line] };
}

/**
 * Reads the lines above a line, upwards, through the line index: a line that cannot hold an
 * ancestor is passed over by reading its first characters only (no slice), so that a cursor
 * 400,000 lines down an `experiences:` list costs a few ms, not one string per line above.
 */
class LinesAbove {
  constructor(
    private readonly text: string,
    private readonly index: LineIndex,
    private line: number,
  ) {}
  /** The next line up that may hold an ancestor of a node at `target` (see `ancestors`), or undefined at the top. */
  next(target: number, targetIsDash: boolean): string | undefined {
    const text = this.text;
    while (this.line > 0) {
      const start = this.index.lineStart(--this.line);
      let i = start;
      let c = text.charCodeAt(i);
      while (c === 32 || c === 9) c = text.charCodeAt(++i);
      const indent = i - start;
      // Deeper, blank, a comment, a sibling key, or a sibling list item: none is an ancestor.
      if (indent > target) continue;
      if (Number.isNaN(c) || c === 10 || c === 35 || (c === 13 && (i + 1 >= text.length || text.charCodeAt(i + 1) === 10))) continue;
      if (indent === target && (!targetIsDash || c === 45)) continue;
      const nl = text.indexOf('\n', start);
      return text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
    }
    return undefined;
  }
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/**
 * The chain of ancestors of a node whose first token is at `col` (`isDash`: the node is a list
 * item), read from the lines above, outermost first; list items appear as '-'.
 */
function ancestors(above: LinesAbove, col: number, isDash: boolean): string[] {
  const chain: string[] = [];
  let target = col;
  let targetIsDash = isDash;
  while (target > 0 || targetIsDash) {
    const line = above.next(target, targetIsDash);
    if (line === undefined) break;
    const indent = indentOf(line);
    const info = infoOf(line);
    if (!info) continue;
    if (info.key !== undefined && info.keyCol !== undefined) {
      const owns = info.keyCol < target || (targetIsDash && info.keyCol === target && info.blockValue);
      if (!owns) {
        // `- name: x` at the item's own key column: its dash is the parent list item.
        if (info.dashCol !== undefined && info.dashCol < target) {
          chain.push('-');
          target = info.dashCol;
          targetIsDash = true;
        }
        continue;
      }
      chain.push(info.key);
      target = info.keyCol;
      targetIsDash = false;
      if (info.dashCol !== undefined) {
        chain.push('-');
        target = info.dashCol;
        targetIsDash = true;
      }
    } else if (info.dashCol !== undefined && info.dashCol < target) {
      chain.push('-');
      target = info.dashCol;
      targetIsDash = true;
    } else if (indent < target) {
      break; // a stray scalar: the structure is unclear, offer nothing specific
    }
  }
  return chain.reverse();
}

function mapKindOf(chain: readonly string[]): MapKind | undefined {
  const c = chain.join('/');
  if (c === '') return 'root';
  if (c === 'experiences/-') return 'experience';
  if (c === 'managedTestSuites/-') return 'testSuite';
  if (c === 'experiences/-/environmentVariables/-') return 'environmentVariable';
  if (c === 'experiences/-/customFields/-') return 'customField';
  return undefined;
}

function namesOf(chain: readonly string[]): NameKind | undefined {
  const c = chain.join('/');
  if (c === 'experiences/-/tags' || c === 'managedExperienceTags') return 'tag';
  if (c === 'experiences/-/systems') return 'system';
  if (c === 'managedTestSuites/-/name') return 'testSuite';
  if (c === 'managedTestSuites/-/experiences') return 'experience';
  return undefined;
}

/** The completion context at `pos` in `text`, or undefined where nothing is offered. */
export function completionContext(text: string, pos: Position, index: LineIndex = lineIndexOf(text)): CompletionContext | undefined {
  if (pos.line < 0 || pos.line >= index.lineCount) return undefined;
  const lineStart = index.lineStart(pos.line);
  const nl = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, nl < 0 ? text.length : nl).replace(/\r$/, '');
  const before = line.slice(0, pos.character);
  const above = () => new LinesAbove(text, index, pos.line);
  if (/^\s*#/.test(before) || before.includes(' #')) return undefined;

  // `key: value…` or `- key: value…`: a value position.
  const kv = /^(\s*)((?:-[ \t]+)*)(["']?)([A-Za-z_][\w-]*)\3[ \t]*:[ \t]*(.*)$/.exec(before);
  if (kv) {
    const keyCol = kv[1].length + kv[2].length;
    let chain = ancestors(above(), kv[2] ? kv[1].length : keyCol, !!kv[2]);
    if (kv[2]) chain = [...chain, '-'];
    chain = [...chain, canonicalKey(kv[4])];
    const names = namesOf(chain);
    if (!names) return undefined;
    const value = kv[5];
    const valueStart = pos.character - value.length;
    const flow = value.trimStart().startsWith('[');
    if (flow) {
      const lastSep = Math.max(value.lastIndexOf('['), value.lastIndexOf(','));
      const rest = value.slice(lastSep + 1);
      const lead = rest.length - rest.trimStart().length;
      return { kind: 'name', names, prefix: rest.trimStart(), start: valueStart + lastSep + 1 + lead, flow: true };
    }
    if (names === 'testSuite' || chain[chain.length - 1] === 'name')
      return { kind: 'name', names, prefix: value, start: valueStart, flow: false };
    return undefined; // `tags: x` on one line is not a list
  }

  // `- item` / `- ` / `  ke`: a list item or a key being typed.
  const m = /^(\s*)((?:-[ \t]+|-$)*)(["']?[^\s:#]*)$/.exec(before);
  if (!m) return undefined;
  const dashed = m[2].length > 0;
  const startCol = m[1].length;
  const word = m[3];
  const wordStart = pos.character - word.length;
  let chain = ancestors(above(), startCol, dashed);
  if (dashed) {
    const names = namesOf(chain);
    if (names && names !== 'testSuite') return { kind: 'name', names, prefix: word, start: wordStart, flow: false };
    chain = [...chain, '-'];
  }
  const map = mapKindOf(chain);
  if (map && /^[\w-]*$/.test(word)) return { kind: 'key', map, prefix: word, start: wordStart };
  return undefined;
}

/** Names of each kind from the project's state and from the file. */
function candidates(a: Analysis | undefined, kind: NameKind): Map<string, 'project' | 'file'> {
  const out = new Map<string, 'project' | 'file'>();
  const state = a?.snapshot?.state;
  const cfg = a?.loaded.config;
  const add = (n: unknown, from: 'project' | 'file') => {
    if (typeof n === 'string' && n && !out.has(n)) out.set(n, from);
  };
  if (kind === 'tag') {
    state?.tags.forEach((t) => add(t.name, 'project'));
    cfg?.managedExperienceTags?.forEach((t) => add(t, 'file'));
    cfg?.experiences?.forEach((e) => (Array.isArray(e?.tags) ? e.tags : []).forEach((t) => add(t, 'file')));
  } else if (kind === 'system') {
    state?.systems.forEach((s) => add(s.name, 'project'));
    cfg?.experiences?.forEach((e) => (Array.isArray(e?.systems) ? e.systems : []).forEach((s) => add(s, 'file')));
  } else if (kind === 'testSuite') {
    state?.testSuites.forEach((s) => add(s.name, 'project'));
  } else {
    // A suite may list only experiences of the config (static rule `unknown-experience-in-suite`).
    cfg?.experiences?.forEach((e) => add(e?.name, 'file'));
  }
  return out;
}

const LABEL: Record<NameKind, string> = { tag: 'tag', system: 'system', testSuite: 'test suite', experience: 'experience' };

/**
 * Completion items at `pos` of `text`, using the (possibly older) analysis for names. `index`:
 * the text's line starts when the caller has them (the server: the document's own).
 */
export function completionsAt(
  text: string,
  pos: Position,
  a: Analysis | undefined,
  index: LineIndex = lineIndexOf(text),
): CompletionList | null {
  const ctx = completionContext(text, pos, index);
  if (!ctx) return null;
  const range = { start: { line: pos.line, character: ctx.start }, end: pos };
  // Right after a `-` (the trigger character): the item brings the space, and its filter text
  // starts with it, so that typing the space keeps the list open (VS Code filters by the text
  // from the range's start to the cursor).
  const lead = ctx.prefix === '' && text.charCodeAt(index.lineStart(pos.line) + pos.character - 1) === 45 ? ' ' : '';
  // What the list or map already holds is not offered again (a tag twice, `name` twice).
  const present = siblings(text, pos, ctx, index);
  if (ctx.kind === 'key') {
    const props = mapSchema(ctx.map)?.properties ?? {};
    const items: CompletionItem[] = Object.entries(props)
      .filter(([key]) => !present.has(key))
      .map(([key, s], i) => {
        const d = deref(s);
        const isList = d?.type === 'array';
        return {
          label: key,
          kind: CompletionItemKind.Property,
          detail: typeof d?.type === 'string' ? d.type : undefined,
          documentation: d?.description ? { kind: MarkupKind.Markdown, value: d.description } : undefined,
          sortText: String(i).padStart(3, '0'),
          filterText: lead ? lead + key : undefined,
          textEdit: { range, newText: lead + (isList ? `${key}:` : `${key}: `) },
          insertTextFormat: InsertTextFormat.PlainText,
        };
      });
    return { isIncomplete: false, items };
  }
  const items: CompletionItem[] = [];
  const quoted = /^["']/.test(ctx.prefix);
  for (const [name, from] of candidates(a, ctx.names)) {
    if (present.has(name)) continue;
    const newText = lead + (quoted ? JSON.stringify(name) : yamlScalar(name, ctx.flow));
    items.push({
      label: name,
      kind: ctx.names === 'experience' ? CompletionItemKind.Reference : CompletionItemKind.Value,
      detail: from === 'project' ? `${LABEL[ctx.names]} of the project` : `${LABEL[ctx.names]} in this file`,
      filterText: newText,
      sortText: (from === 'project' ? '0' : '1') + name,
      textEdit: { range, newText },
    });
  }
  return { isIncomplete: false, items };
}

/** The lines of `text` through its line index, each read when asked for (no split of the whole text per keystroke). */
function linesOf(text: string, index: LineIndex): { length: number; at(line: number): string } {
  return {
    length: index.lineCount,
    at(line: number): string {
      const start = index.lineStart(line);
      const end = line + 1 < index.lineCount ? index.lineStart(line + 1) - 1 : text.length;
      return text.slice(start, end).replace(/\r$/, '');
    },
  };
}

/** A scalar as written in a list or after a key, unquoted (best effort). */
function unquote(raw: string): string {
  const t = raw.replace(/\s+#.*$/, '').trim();
  if (t.startsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

/**
 * The names already in the list at `pos` (other items than the one typed), or the keys already
 * in the map at `pos` (other lines than the one typed), read from the text around the cursor.
 */
export function siblings(text: string, pos: Position, ctx: CompletionContext, index: LineIndex = lineIndexOf(text)): Set<string> {
  const out = new Set<string>();
  const lines = linesOf(text, index);
  const here = pos.line >= 0 && pos.line < lines.length ? lines.at(pos.line) : '';
  if (ctx.kind === 'name' && ctx.flow) {
    const open = here.lastIndexOf('[', ctx.start);
    const close = here.indexOf(']', ctx.start);
    const inner = here.slice(open + 1, close < 0 ? here.length : close);
    let off = open + 1;
    for (const part of inner.split(',')) {
      const s = off;
      off += part.length + 1;
      if (ctx.start >= s && ctx.start <= s + part.length) continue; // the item being typed
      const v = unquote(part);
      if (v) out.add(v);
    }
    return out;
  }
  const col = ctx.start;
  const skip = (l: string) => !l.trim() || /^\s*#/.test(l);
  if (ctx.kind === 'name') {
    // Block list: `- item` lines at the same dash column, up and down to the list's end.
    const dashCol = here.lastIndexOf('-', col);
    const item = (l: string) => (indentOf(l) === dashCol && l[dashCol] === '-' ? unquote(l.slice(dashCol + 1)) : undefined);
    for (const step of [-1, 1]) {
      for (let i = pos.line + step; i >= 0 && i < lines.length; i += step) {
        const l = lines.at(i);
        if (skip(l)) continue;
        const ind = indentOf(l);
        if (ind > dashCol) continue;
        const v = item(l);
        if (v === undefined) break;
        if (v) out.add(v);
      }
    }
    return out;
  }
  // Keys of the same map: lines whose key starts at `col`; the map's first line may be `- key:`.
  const keyAt = (l: string): string | undefined => {
    const m = /^(\s*)((?:-[ \t]+)*)(["']?)([A-Za-z_][\w-]*)\3[ \t]*:(?:[ \t]|$)/.exec(l);
    return m && m[1].length + m[2].length === col ? canonicalKey(m[4]) : undefined;
  };
  const startsItem = /^\s*-/.test(here.slice(0, col));
  for (const step of startsItem ? [1] : [-1, 1]) {
    for (let i = pos.line + step; i >= 0 && i < lines.length; i += step) {
      const l = lines.at(i);
      if (skip(l)) continue;
      const ind = indentOf(l);
      if (ind > col) continue;
      const k = keyAt(l);
      if (ind === col && l[ind] === '-') break; // the next list item
      if (k) out.add(k);
      if (ind < col) break; // the item's `- key:` line (collected), or the parent
    }
  }
  return out;
}
