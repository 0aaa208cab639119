/**
 * The fast path for large files (the CLI reading a 50,000-experience, 12 MB config).
 *
 * The `yaml` package's Document API, which gives every node its source range, parses about
 * 1.2 MB per second on a 2-core machine: too slow for the CLI at that size (bench/). Most runs
 * read a file without a single YAML or schema problem, and then almost no range is ever needed.
 * So this path parses with `js-yaml` (core schema, about 9 times faster, no positions),
 * validates the whole value with the same JSON schema, and runs the same cross-entry checks
 * (checks.ts). A YAML error, a tab, a duplicate key, a schema error, an unknown or snake_case
 * key, an anchor (aliases, their expansion cap, belong to the full loader), a NUL or a value the
 * full loader reads differently (an unquoted number where text is expected, an empty value):
 * it returns `undefined` and the caller uses the full loader, the one source of truth. So both
 * paths give the same codes, ranges, values and fingerprint on every input (test/unit/loader-contract.test.ts).
 *
 * Ranges (for the cross-entry diagnostics, and `rangeOf` afterwards) come from the full loader
 * run on just the piece of text that holds the node (chunks.ts splits a file into one piece
 * per top-level key and per experience), so one lookup costs one small parse. A text the
 * splitter does not cut into items (a whole-document flow map, JSON, a flow list under a block
 * key) takes the fast path when no diagnostic needs a range, and its ranges come from one
 * whole-document parse, when first asked for. Every shape a person or a generator writes
 * (bench/lib/shapes.ts) takes this path when it is clean.
 */
import { hasSuspiciousCharacters } from './suspicious';
import { FAILSAFE_SCHEMA, Type, load as loadYamlFast, type Schema as FastSchema } from 'js-yaml';
import { Schema as YamlSchema, isScalar } from 'yaml';
import type { ConfigPath, SyncConfig } from './model';
import { crossChecks } from './checks';
import { splitPieces, type Piece } from './chunks';
import { toExperience, toTagList, toTestSuite } from './coerce';
import { validateWholeConfig } from './schema';
import { compareDiagnostics, lineOf, lineStarts, offsetAt, withLfBreaks } from './text';
import type { ConfigDiagnostic, LoadedConfig, Position, Range } from './types';

type FullLoad = (text: string) => LoadedConfig;

/**
 * What the fast path read from a clean text: the typed config, and the pieces (chunks.ts) that
 * locate its nodes, or null for a text the splitter does not cut (flow style, one long line):
 * such a text takes the fast path only when no diagnostic needs a range.
 */
export interface FastRead {
  config: SyncConfig;
  hasManagedTags: boolean;
  pieces: Piece[] | null;
}

/** The fast read of a clean text; undefined when the text needs the full loader (see the file's docstring). */
export function fastRead(original: string): FastRead | undefined {
  // A lone CR is a line break (text.ts, `withLfBreaks`): read as LF, at the same offsets.
  const text = withLfBreaks(original);
  if (text.includes('\t')) return undefined; // tab-indent and its fix belong to the full loader
  if (/[\u0000\uFFFD]/.test(text) || hasSuspiciousCharacters(text)) return undefined; // nul-character, replacement-character, suspicious-characters
  let value: unknown;
  try {
    // The listener costs a call per node: only for a text where an anchor may start (`&` after a space or `[{,`).
    value = loadYamlFast(text, { schema: CORE_12, json: false, ...(MAY_ANCHOR.test(text) ? { listener: refuseAnchors } : {}) });
  } catch {
    return undefined; // YAML errors, duplicate keys, several documents, unknown tags, anchors
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!validateWholeConfig(value)) return undefined; // schema, unknown and snake_case keys
  const o = value as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  // A suite without `experiences` gets the full loader's empty-test-suite warning (and its fix).
  if (list(o.managedTestSuites).some((s) => !Array.isArray((s as Record<string, unknown>).experiences))) return undefined;
  const config: SyncConfig = {
    experiences: list(o.experiences).map(toExperience),
    managedTestSuites: list(o.managedTestSuites).map(toTestSuite),
    managedExperienceTags: toTagList(o.managedExperienceTags),
  };
  let pieces = splitPieces(text, lineStarts(text)) ?? null;
  if (pieces) {
    const items = itemsOf(pieces);
    // A list the splitter did not cut into items (a flow list `experiences: [{…}, …]` under a
    // block key, on one line or several): the text has no pieces, as a whole-document flow map.
    if (items.experiences.length !== config.experiences.length || items.managedTestSuites.length !== config.managedTestSuites.length)
      pieces = null;
  }
  return { config, hasManagedTags: 'managedExperienceTags' in o, pieces };
}

const NEEDS_RANGES = new Error('needs ranges');

/**
 * The LoadedConfig of a fast read: `diagnostics` as given (a read made on another thread) or
 * computed by the cross-entry checks; undefined when a diagnostic needs a range and the text has
 * no pieces. Ranges and paths come from one small parse of the piece that holds the node; for a
 * text without pieces, from the full loader on the whole text when it is at most `wholeMaxChars`
 * long (else the document's start, and no path).
 */
export function fastLoaded(
  text: string,
  read: FastRead,
  given: ConfigDiagnostic[] | undefined,
  fullLoad: FullLoad,
  projectComment: string | undefined,
  wholeMaxChars = Infinity,
): LoadedConfig | undefined {
  let starts: number[] | undefined;
  const startsOf = () => (starts ??= lineStarts(text));
  const { config, pieces } = read;
  const locate: Locate = pieces
    ? pieceLocator(text, startsOf, pieces, itemsOf(pieces), fullLoad)
    : () => {
        throw NEEDS_RANGES;
      };
  let diagnostics = given;
  if (!diagnostics) {
    try {
      diagnostics = crossChecks(config, read.hasManagedTags, locate).sort(compareDiagnostics);
    } catch (e) {
      if (e === NEEDS_RANGES) return undefined;
      throw e;
    }
  }
  let full: LoadedConfig | undefined;
  const whole = () => (full ??= fullLoad(text));
  return {
    text,
    config,
    diagnostics,
    ok: !diagnostics.some((d) => d.severity === 'error'),
    ...(projectComment !== undefined ? { projectComment } : {}),
    rangeOf: (path, part) =>
      (pieces ? locate(path, part) : undefined) ??
      (text.length <= wholeMaxChars ? whole().rangeOf(path, part) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
    pathAt: (pos) =>
      pieces ? piecePathAt(text, startsOf(), pieces, fullLoad, pos) : text.length <= wholeMaxChars ? whole().pathAt(pos) : undefined,
  };
}

function itemsOf(pieces: readonly Piece[]): Record<'experiences' | 'managedTestSuites', Piece[]> {
  const items = { experiences: [] as Piece[], managedTestSuites: [] as Piece[] };
  for (const p of pieces) if (p.kind === 'item' && p.list) items[p.list].push(p);
  return items;
}

/** The text of an item piece alone under its list key (one line above the piece's first line). */
const itemText = (text: string, piece: Piece) => `${piece.list}:\n${text.slice(piece.start, piece.end)}`;

/**
 * `pathAt` by loading only the piece that holds the position: the same path as the whole
 * document's (an item's index is its place among its list's items).
 */
function piecePathAt(
  text: string,
  starts: readonly number[],
  pieces: readonly Piece[],
  fullLoad: FullLoad,
  pos: Position,
): ConfigPath | undefined {
  const off = offsetAt(starts, text, pos);
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid].start <= off) lo = mid;
    else hi = mid - 1;
  }
  // Before an item's `- ` (its indentation, comment lines above it) is still the item above, as in the whole document.
  const dashOf = (p: Piece) => {
    let i = p.start;
    while (text.charCodeAt(i) === 32) i++;
    return i;
  };
  if (
    pieces[lo].kind === 'item' &&
    lo > 0 &&
    pieces[lo - 1].kind === 'item' &&
    pieces[lo - 1].list === pieces[lo].list &&
    off < dashOf(pieces[lo])
  )
    lo--;
  const piece = pieces[lo];
  const line0 = lineOf(starts, piece.start);
  if (piece.kind === 'top')
    return fullLoad(text.slice(piece.start, piece.end)).pathAt({ line: pos.line - line0, character: pos.character });
  let index = 0;
  for (let i = lo - 1; i >= 0 && pieces[i].kind === 'item' && pieces[i].list === piece.list; i--) index++;
  const p = fullLoad(itemText(text, piece)).pathAt({ line: pos.line - line0 + 1, character: pos.character });
  if (!p || p.length < 2 || p[1] !== 0) return p;
  return [p[0], index, ...p.slice(2)];
}

/**
 * js-yaml with the `yaml` package's own YAML 1.2 core schema rules for plain scalars (their
 * regular expressions and resolvers, taken from `yaml`), so that both paths read every plain
 * scalar alike: js-yaml's CORE_SCHEMA differs (`-.5` and `+.5` are text there, floats in YAML 1.2).
 */
const CORE_12: FastSchema = (() => {
  type Tag = { tag: string; test?: RegExp; resolve: (s: string, onError: (m: string) => void, opts: object) => unknown };
  const byTag = new Map<string, Tag[]>();
  for (const t of new YamlSchema({ schema: 'core' }).tags as unknown as Tag[]) {
    if (!t.test) continue;
    const list = byTag.get(t.tag) ?? [];
    list.push(t);
    byTag.set(t.tag, list);
  }
  // Every YAML 1.2 core scalar that is not text starts with one of these (or is empty: null).
  const candidate = /^(?:$|[-+.0-9~nNtTfF])/;
  const types = [...byTag].map(
    ([tag, list]) =>
      new Type(tag, {
        kind: 'scalar',
        resolve: (s: string | null) => candidate.test(s ?? '') && list.some((t) => t.test!.test(s ?? '')),
        construct: (s: string | null) => {
          const t = list.find((x) => x.test!.test(s ?? ''))!;
          // `yaml`'s null and bool resolvers answer a Scalar node, the others a plain value.
          const v = t.resolve(s ?? '', () => undefined, {});
          return isScalar(v) ? v.value : v;
        },
      }),
  );
  return FAILSAFE_SCHEMA.extend({ implicit: types });
})();

const ANCHOR = new Error('anchor');
const MAY_ANCHOR = /(?:^|[\s[{,])&\S/;
/** js-yaml's node listener: stops at the first anchored node (js-yaml has no alias expansion cap). */
function refuseAnchors(event: string, state: object): void {
  if (event === 'close' && (state as { anchor?: string | null }).anchor != null) throw ANCHOR;
}

/** path → range by loading only the piece of text that holds the node. */
type Locate = (path: ConfigPath, part?: 'key' | 'value') => Range | undefined;

function pieceLocator(
  text: string,
  startsOf: () => readonly number[],
  pieces: readonly Piece[],
  items: Record<'experiences' | 'managedTestSuites', Piece[]>,
  fullLoad: FullLoad,
): Locate {
  const loaded = new Map<Piece, LoadedConfig>();
  const keyOf = new Map<Piece, string>();
  const shift = (r: Range | undefined, lines: number): Range | undefined =>
    r && {
      start: { line: r.start.line + lines, character: r.start.character },
      end: { line: r.end.line + lines, character: r.end.character },
    };
  const topPieces = pieces.filter((p) => p.kind === 'top');
  const locateItem = (
    top: 'experiences' | 'managedTestSuites',
    index: number,
    rest: ConfigPath,
    part?: 'key' | 'value',
  ): Range | undefined => {
    const piece = items[top][index];
    if (!piece) return undefined;
    // The item alone under its list key: one line above the piece's first line.
    let mini = loaded.get(piece);
    if (!mini) loaded.set(piece, (mini = fullLoad(itemText(text, piece))));
    return shift(mini.rangeOf([top, 0, ...rest], part), lineOf(startsOf(), piece.start) - 1);
  };
  return (path, part) => {
    const [top, index, ...rest] = path;
    if ((top === 'experiences' || top === 'managedTestSuites') && path.length === 1 && part !== 'key' && items[top].length) {
      // A split list's value: from its first item to its last, as the whole document's.
      // An item piece starts at the line of its `- `.
      let dash = items[top][0].start;
      while (text.charCodeAt(dash) === 32) dash++;
      const line = lineOf(startsOf(), dash);
      const last = locateItem(top, items[top].length - 1, []);
      return last && { start: { line, character: dash - startsOf()[line] }, end: last.end };
    }
    if ((top === 'experiences' || top === 'managedTestSuites') && typeof index === 'number') return locateItem(top, index, rest, part);
    for (const piece of topPieces) {
      let mini = loaded.get(piece);
      if (!mini) loaded.set(piece, (mini = fullLoad(text.slice(piece.start, piece.end))));
      // A piece holds one top-level key; rangeOf falls back to the document when it is another.
      let key = keyOf.get(piece);
      if (key === undefined) keyOf.set(piece, (key = pieceKey(mini)));
      if (key === String(top)) {
        return shift(mini.rangeOf(path, part), lineOf(startsOf(), piece.start));
      }
    }
    return undefined;
  };
}

/** The top-level key a piece defines, in its camelCase spelling (a piece holds one top-level key). */
function pieceKey(mini: LoadedConfig): string {
  const m = /^(?:\uFEFF)?(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n?|\n))*([A-Za-z_][A-Za-z0-9_]*)[ ]*:/.exec(mini.text);
  return m ? m[1].replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : '';
}
