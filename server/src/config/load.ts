/**
 * `loadConfig`: experience sync config text → normalised config, source ranges and static
 * diagnostics (docs/diagnostics.md, "Diagnostics"). Never throws for bad input.
 *
 * Speed: a config is split into pieces (one per top-level key, one per item of the
 * `experiences:` and `managedTestSuites:` block sequences, see chunks.ts); each piece is parsed
 * with `yaml` and validated with ajv on its own, and with `opts.previous` the pieces whose text
 * did not change are reused (the cache is keyed by piece text: moving a piece only moves its
 * offsets). Shapes the splitter does not fully understand, tabs, anchors/aliases and YAML errors
 * that may reach past a piece fall back to one whole-document parse, which yields the same result.
 */
import { suspiciousCharacterDiagnostics } from './suspicious';
import type { ConfigExperience, ConfigPath, ConfigTestSuite, SyncConfig } from './model';
import { crossChecks } from './checks';
import { fastLoaded, fastRead, type FastRead } from './fast';
import { splitPieces, type Piece } from './chunks';
import { toExperience, toTagList, toTestSuite } from './coerce';
import { canonicalKey, canonicalValue, checkKey, fieldValue, findEntry, locate, schemaDiags, valueSpan } from './normalize';
import { validators, type MapContext } from './schema';
import { parsePiece, setOwn, type LocalDiag, type ParsedPiece, type SEntry, type SMap, type SNode } from './source';
import { chooseTabWidth, findTabLines, untab } from './tabs';
import { compareDiagnostics, lineOf, lineStarts, withLfBreaks } from './text';
import type { ConfigDiagnostic, LoadedConfig, Position, Range } from './types';
import { projectCommentOf, type DiagnosticCode } from '../../../protocol';

/** yaml error codes that stay inside the piece they occur in (anything else: whole parse). */
const LOCAL_YAML_CODES = new Set([
  'DUPLICATE_KEY',
  'BAD_DQ_ESCAPE',
  'TAG_RESOLVE_FAILED',
  'MULTIPLE_TAGS',
  'MULTIPLE_ANCHORS',
  'BAD_PROP_ORDER',
  'KEY_OVER_1024_CHARS',
]);

const LIST_KEYS: Record<string, 'experience' | 'testSuite'> = { experiences: 'experience', managedTestSuites: 'testSuite' };
const UNIT_LABEL: Record<'experience' | 'testSuite', string> = { experience: 'This experience', testSuite: 'This test suite' };

interface UnitResult {
  value: unknown;
  /** `value` typed for the engine (coerce.ts). */
  typed: ConfigExperience | ConfigTestSuite;
  /** yaml, key and schema diagnostics, offsets relative to the unit's base. */
  diags: LocalDiag[];
}
interface PieceResult {
  /** The piece parsed by `yaml`; a getter that parses on first use for a piece the fast path read (`lazy`). */
  parsed: ParsedPiece;
  unit?: UnitResult;
  /**
   * An item of a text the fast path read cleanly (no anchor, no YAML or schema problem): its
   * unit is known without parsing, and `parsed` is computed only when a range is asked for.
   */
  lazy?: true;
}
/** Parsed pieces by their exact text, one map per kind of piece. */
interface Cache {
  top: Map<string, PieceResult>;
  experiences: Map<string, PieceResult>;
  managedTestSuites: Map<string, PieceResult>;
  /**
   * Every piece of the load in text order with its result, and the text: the next load reuses
   * the pieces before and after the changed part by position, without hashing their text (a
   * 12 MB config is 50,000 pieces). The maps above hold only the pieces looked up by text.
   */
  placed?: { text: string; pieces: Piece[]; results: PieceResult[] };
}
const newCache = (): Cache => ({ top: new Map(), experiences: new Map(), managedTestSuites: new Map() });

/** One experience or test suite: its node (offsets relative to `base`) and its results. */
interface Unit extends UnitResult {
  base: number;
  node: SNode | null;
}
interface RootEntry extends SEntry {
  canon: string;
  /** Items of `experiences` / `managedTestSuites` when the value is a sequence. */
  items?: Unit[];
}
interface Model {
  /** The text that was parsed: the file, or the file with its tabs expanded. */
  parsed: string;
  root: SNode | null;
  entries: RootEntry[];
  /** Diagnostics with absolute offsets in `parsed`. */
  diags: LocalDiag[];
  mode: 'pieces' | 'whole';
}

const caches = new WeakMap<LoadedConfig, Cache>();
/** What `loadSnapshot` needs beyond the public fields: the parsed model and the tab adjustments. */
const internals = new WeakMap<LoadedConfig, { model: Model; adjust?: Map<number, { orig: number; fixed: number }> }>();

/**
 * How the last load went (for benchmarks and tests): which path (`fast`: the fast path of
 * fast.ts), and how many pieces were reused.
 */
export interface LoadStats {
  mode: 'pieces' | 'whole' | 'fast';
  pieces: number;
  reused: number;
}
const stats = new WeakMap<LoadedConfig, LoadStats>();
export function loadStats(c: LoadedConfig): LoadStats | undefined {
  return stats.get(c);
}

/**
 * Loads a config text. `opts.previous`: the result for an earlier version of the same file;
 * unchanged experiences are not parsed or validated again. `opts.mode: 'whole'` forces the
 * whole-document path (tests compare both paths).
 */
export function loadConfig(text: string, opts: { previous?: LoadedConfig; mode?: 'auto' | 'whole'; fast?: boolean } = {}): LoadedConfig {
  try {
    if (opts.fast && !opts.previous && typeof text === 'string') {
      const read = fastRead(text);
      const fast = read && fastLoaded(text, read, undefined, (t) => load(t, {}), projectCommentOf(text));
      if (read && fast) return withFastCache(fast, read);
    }
    return load(typeof text === 'string' ? text : String(text ?? ''), opts);
  } catch (err) {
    // A bug of ours must not take the editor down: report it as a diagnostic.
    return broken(typeof text === 'string' ? text : '', err);
  }
}

function load(original: string, opts: { previous?: LoadedConfig; mode?: 'auto' | 'whole' }): LoadedConfig {
  // A lone CR is a line break (text.ts, `withLfBreaks`): parsed as LF, at the same offsets.
  const text = withLfBreaks(original);
  const starts = lineStarts(text);
  const projectComment = projectCommentOf(text);
  // A text with a NUL is not YAML: like the resim CLI, nothing of it is parsed (nul-character says why).
  const notText = text.includes('\u0000');

  // Tabs: report one diagnostic per line, and parse the text with the tabs expanded.
  const tabLines = notText ? [] : findTabLines(text, starts);
  const tabDiags: ConfigDiagnostic[] = [];
  let parsedText = text;
  let adjust: Map<number, { orig: number; fixed: number }> | undefined;
  if (tabLines.length > 0) {
    const { width, errors: leftErrors } = chooseTabWidth(text, starts, tabLines);
    const fixed = untab(text, tabLines, width);
    parsedText = fixed.text;
    adjust = new Map();
    const title = `Replace tabs with spaces in the whole file (tab width ${width}, under which it parses)`;
    tabLines.forEach((t, i) => {
      const edit = fixed.edits[i];
      adjust!.set(t.line, { orig: t.indent.length, fixed: edit.newText.length });
      tabDiags.push({
        code: 'tab-indent',
        severity: 'error',
        message:
          `Tab character in the indentation of line ${t.line + 1}: YAML allows only spaces there. Replace the tabs with spaces` +
          (leftErrors === 0
            ? ` (a tab width of ${width} gives this file a valid structure).`
            : ` (no tab width makes this file parse; ${width} comes closest, then fix the indentation by hand).`),
        range: { start: { line: t.line, character: 0 }, end: { line: t.line, character: t.indent.length } },
        fix: { title, edits: fixed.edits },
        data: { tabWidth: width },
      });
    });
  }
  const mapper = new PosMapper(parsedText, parsedText === text ? starts : lineStarts(parsedText), adjust);
  tabDiags.push(...characterDiagnostics(text, starts));

  const prevCache = opts.previous ? cacheOf(opts.previous) : undefined;
  const cache: Cache = newCache();
  let model: Model | undefined;
  let reused = 0;
  let pieces: Piece[] | undefined;
  if (notText) model = { parsed: text, root: null, entries: [], diags: [], mode: 'whole' };
  else if (tabLines.length === 0 && opts.mode !== 'whole') {
    pieces = splitPieces(parsedText, starts);
    if (pieces) {
      const r = loadPieces(parsedText, pieces, prevCache, cache);
      if (r) {
        model = r.model;
        reused = r.reused;
      }
    }
  }
  if (!model) model = loadWhole(parsedText);

  const { config, diags: rootDiags, hasManagedTags } = finish(model, !notText);
  const result = new Loaded(original, config, projectComment, model, mapper);
  const diagnostics: ConfigDiagnostic[] = [...tabDiags];
  for (const d of model.diags) diagnostics.push(toDiagnostic(d, 0, mapper));
  for (const d of rootDiags) diagnostics.push(toDiagnostic(d, 0, mapper));
  for (const e of model.entries) for (const u of e.items ?? []) for (const d of u.diags) diagnostics.push(toDiagnostic(d, u.base, mapper));
  diagnostics.push(...crossChecks(config, hasManagedTags, (p, part) => result.rangeOf(p, part)));
  diagnostics.sort(compareDiagnostics);
  result.diagnostics = diagnostics;
  result.ok = !diagnostics.some((d) => d.severity === 'error');
  caches.set(result, cache);
  stats.set(result, { mode: model.mode, pieces: pieces && model.mode === 'pieces' ? pieces.length : 1, reused });
  internals.set(result, { model, adjust });
  return result;
}

/**
 * A loaded config as plain data (structured-cloneable: it crosses `postMessage`), so that a
 * large file can be loaded on a worker thread and used on the main one (`fromSnapshot`), with
 * its piece cache for the incremental loads that follow.
 */
export interface LoadSnapshot {
  text: string;
  config: SyncConfig;
  diagnostics: ConfigDiagnostic[];
  ok: boolean;
  projectComment?: string;
  model: Model;
  adjust?: Map<number, { orig: number; fixed: number }>;
  cache: Cache;
  stats: LoadStats;
}

/** A loaded config (of the full loader, or the fast path's) as a `LoadSnapshot`. */
export function snapshotOf(loaded: LoadedConfig): LoadSnapshot {
  if (fastReads.has(loaded) && !internals.has(loaded)) return snapshotOf(load(loaded.text, {}));
  const inner = internals.get(loaded);
  if (!inner) throw new Error('loadSnapshot: the loader failed on this text');
  return {
    text: loaded.text,
    config: loaded.config,
    diagnostics: loaded.diagnostics,
    ok: loaded.ok,
    ...(loaded.projectComment !== undefined ? { projectComment: loaded.projectComment } : {}),
    model: plainModel(inner.model),
    ...(inner.adjust ? { adjust: inner.adjust } : {}),
    cache: plainCache(caches.get(loaded)),
    stats: stats.get(loaded) ?? { mode: inner.model.mode, pieces: 1, reused: 0 },
  };
}

/** The LoadedConfig of a snapshot: the same as `loadConfig(snapshot.text)` (rangeOf, pathAt, reuse as `previous`). */
export function fromSnapshot(s: LoadSnapshot): LoadedConfig {
  const parsed = s.model.parsed;
  const mapper = new PosMapper(parsed, lineStarts(parsed), s.adjust);
  const result = new Loaded(s.text, s.config, s.projectComment, s.model, mapper);
  result.diagnostics = s.diagnostics;
  result.ok = s.ok;
  caches.set(result, s.cache);
  stats.set(result, s.stats);
  internals.set(result, { model: s.model, adjust: s.adjust });
  return result;
}

const MAX_REPLACEMENT_DIAGNOSTICS = 20;

/**
 * `nul-character` (error, at the first NUL: no YAML file holds one; the resim CLI's parser
 * refuses it) and `replacement-character` (warning, once per line, at most
 * MAX_REPLACEMENT_DIAGNOSTICS: U+FFFD is what invalid UTF-8 becomes when an editor or a decoder
 * replaces it, so a name holding one is almost surely damaged), and `suspicious-characters`
 * (suspicious.ts) in a text without NUL.
 */
function characterDiagnostics(text: string, starts: readonly number[]): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  const at = (index: number) => {
    const line = lineOf(starts, index);
    const character = index - starts[line];
    return { line, character, range: { start: { line, character }, end: { line, character: character + 1 } } };
  };
  const nul = text.indexOf('\u0000');
  if (nul === -1) out.push(...suspiciousCharacterDiagnostics(text, starts));
  else {
    const p = at(nul);
    let count = 0;
    for (let i = nul; i !== -1; i = text.indexOf('\u0000', i + 1)) count++;
    out.push({
      code: 'nul-character',
      severity: 'error',
      message: `NUL character (U+0000) at line ${p.line + 1}, column ${p.character + 1}${count > 1 ? ` (and ${count - 1} more)` : ''}: this is not a text file, or a damaged one. YAML cannot hold NUL (the resim CLI refuses the file too).`,
      range: p.range,
      data: { count },
    });
  }
  let lastLine = -1;
  let shown = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1 && shown < MAX_REPLACEMENT_DIAGNOSTICS; i = text.indexOf('\uFFFD', i + 1)) {
    const p = at(i);
    if (p.line === lastLine) continue;
    lastLine = p.line;
    shown++;
    out.push({
      code: 'replacement-character',
      severity: 'warning',
      message: `Replacement character (U+FFFD) at line ${p.line + 1}, column ${p.character + 1}: this is what invalid UTF-8 turns into, so the text here is likely damaged. Retype it, or fix the file's encoding.`,
      range: p.range,
    });
  }
  return out;
}

/**
 * Adds diagnostics found outside the text (the bytes of the file: `decodeConfigBytes`) to a
 * loaded config, in position order; `ok` follows. Returns the same object.
 */
export function withDiagnostics(loaded: LoadedConfig, extra: readonly ConfigDiagnostic[]): LoadedConfig {
  if (!extra.length) return loaded;
  loaded.diagnostics = [...extra, ...loaded.diagnostics].sort(compareDiagnostics);
  loaded.ok = !loaded.diagnostics.some((d) => d.severity === 'error');
  return loaded;
}

function unitResult(node: SNode | null, ctx: 'experience' | 'testSuite', frame: string): UnitResult {
  const diags: LocalDiag[] = [];
  const value = canonicalValue(node, ctx, diags);
  if (ctx === 'testSuite') emptySuite(node, frame, diags);
  const validate = validators[ctx];
  if (!validate(value)) {
    const whole = node ? { s: node.s, e: node.e } : { s: 0, e: 0 };
    diags.push(...schemaDiags(validate.errors, value, node, UNIT_LABEL[ctx], frame, whole));
  }
  return { value, typed: ctx === 'experience' ? toExperience(value) : toTestSuite(value), diags };
}

/**
 * `empty-test-suite`: a managed test suite without `experiences` (no key, or no value) is revised
 * to an empty suite, as the resim CLI does; likely a mistake, so a warning with a fix that writes
 * `experiences: []` (an explicit empty list is taken as meant, without a warning).
 */
function emptySuite(node: SNode | null, frame: string, diags: LocalDiag[]): void {
  if (!node || node.k !== 'm') return;
  const entry = findEntry(node.entries, 'experiences');
  if (entry && !(entry.value === null || (entry.value.k === 's' && entry.value.v === null))) return;
  const nameEntry = findEntry(node.entries, 'name');
  const name = nameEntry?.value?.k === 's' ? String(nameEntry.value.v ?? '') : '';
  let edit: { s: number; e: number; newText: string } | undefined;
  if (entry) {
    if (frame[entry.ke] === ':') edit = { s: entry.ks, e: entry.ke + 1, newText: 'experiences: []' };
  } else if (frame[node.s] === '{') {
    const close = frame.lastIndexOf('}', node.e);
    if (close > node.s) edit = { s: close, e: close, newText: `${node.entries.length ? ', ' : ''}experiences: []` };
  } else if (node.entries.length) {
    const first = node.entries[0];
    const lineStart = frame.lastIndexOf('\n', first.ks - 1) + 1;
    const last = node.entries[node.entries.length - 1];
    let end = last.value ? last.value.e : last.ke + 1;
    while (end > last.ks && /\s/.test(frame[end - 1])) end--;
    edit = { s: end, e: end, newText: `\n${' '.repeat(first.ks - lineStart)}experiences: []` };
  }
  const at = entry ? { s: entry.ks, e: entry.ke } : nameEntry ? { s: nameEntry.ks, e: nameEntry.ke } : { s: node.s, e: node.s };
  diags.push({
    code: 'empty-test-suite',
    message: `Test suite${name ? ` "${name}"` : ''} lists no experiences: sync revises it to an empty test suite (as the resim CLI does). Write "experiences: []" if that is meant, or list its experiences.`,
    severity: 'warning',
    s: at.s,
    e: at.e,
    ...(edit ? { fix: { title: 'Write "experiences: []" (an empty test suite)', edits: [edit] } } : {}),
  });
}

function loadPieces(text: string, pieces: Piece[], prev: Cache | undefined, cache: Cache): { model: Model; reused: number } | undefined {
  const entries: RootEntry[] = [];
  const diags: LocalDiag[] = [];
  let reused = 0;
  let list: RootEntry | undefined;
  const results: PieceResult[] = [];
  const { unchanged, moved } = prev?.placed ? byPosition(prev.placed, text) : {};
  for (const piece of pieces) {
    const ptext = text.slice(piece.start, piece.end);
    const kind = piece.kind === 'top' ? 'top' : piece.list!;
    let res = unchanged?.(piece);
    if (!res) {
      res = cache[kind].get(ptext) ?? prev?.[kind].get(ptext) ?? moved?.(kind, ptext);
      if (res) cache[kind].set(ptext, res);
    }
    if (res?.lazy) {
      reused++;
      results.push(res);
      if (piece.kind !== 'item' || !list || list.canon !== piece.list) return undefined;
      pushItem(list, piece.start, res);
      continue;
    }
    if (res) reused++;
    else {
      const parsed = parsePiece(ptext);
      res = { parsed };
      if (piece.kind === 'item') {
        const root = parsed.root;
        const node = root && root.k === 'q' && root.items.length === 1 ? root.items[0] : null;
        if (node) {
          const u = unitResult(node, LIST_KEYS[piece.list!], ptext);
          res.unit = { value: u.value, typed: u.typed, diags: parsed.diags.length ? [...parsed.diags, ...u.diags] : u.diags };
        }
      }
      cache[kind].set(ptext, res);
    }
    results.push(res);
    const parsed = res.parsed;
    if (parsed.anchors || parsed.codes.some((c) => !LOCAL_YAML_CODES.has(c))) return undefined;
    if (piece.kind === 'top') {
      const root = parsed.root;
      if (!root || root.k !== 'm' || root.entries.length !== 1) return undefined;
      const e = shiftEntry(root.entries[0], piece.start);
      const entry: RootEntry = { ...e, canon: canonicalKey(e.key) };
      for (const d of parsed.diags) diags.push({ ...d, s: d.s + piece.start, e: d.e + piece.start });
      const ctx = LIST_KEYS[entry.canon];
      if (ctx && entry.value && entry.value.k === 'q') {
        entry.items = entry.value.items.map((n) => ({ base: 0, node: n, ...unitResult(n, ctx, text) }));
      }
      list = ctx && (!entry.value || (entry.value.k === 's' && entry.value.v === null)) ? entry : undefined;
      entries.push(entry);
    } else {
      if (!res.unit || !list || list.canon !== piece.list) return undefined;
      pushItem(list, piece.start, res);
    }
  }
  cache.placed = { text, pieces, results };
  const root: SMap = { k: 'm', s: 0, e: text.length, entries };
  return { model: { parsed: text, root, entries, diags, mode: 'pieces' }, reused };
}

/**
 * Lookups of the last load's pieces for a new text: `unchanged` finds a piece of the common
 * prefix or suffix of both texts by its position (same text, no hashing); `moved` finds a piece
 * of the old text's changed part by its text (a cut and paste moves pieces there).
 */
function byPosition(
  placed: NonNullable<Cache['placed']>,
  text: string,
): {
  unchanged: (p: Piece) => PieceResult | undefined;
  moved: (kind: keyof Omit<Cache, 'placed'>, ptext: string) => PieceResult | undefined;
} {
  const old = placed.text;
  const prefix = commonPrefix(old, text);
  const suffix = commonSuffix(old, text, prefix);
  const delta = text.length - old.length;
  const pieces = placed.pieces;
  const find = (start: number): number => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].start <= start) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo]?.start === start ? lo : -1;
  };
  const unchanged = (p: Piece): PieceResult | undefined => {
    let i = -1;
    if (p.end <= prefix) i = find(p.start);
    else if (p.start >= text.length - suffix) i = find(p.start - delta);
    else return undefined;
    if (i < 0) return undefined;
    const q = pieces[i];
    const shift = p.end <= prefix ? 0 : delta;
    return q.end + shift === p.end && q.kind === p.kind && q.list === p.list ? placed.results[i] : undefined;
  };
  let byText: Map<string, PieceResult> | undefined;
  const moved = (kind: keyof Omit<Cache, 'placed'>, ptext: string): PieceResult | undefined => {
    if (!byText) {
      byText = new Map();
      const end = old.length - suffix;
      for (let i = 0; i < pieces.length; i++) {
        const q = pieces[i];
        if (q.end > prefix && q.start < end)
          byText.set(`${q.kind === 'top' ? 'top' : q.list}\u0000${old.slice(q.start, q.end)}`, placed.results[i]);
      }
    }
    return byText.get(`${kind}\u0000${ptext}`);
  };
  return { unchanged, moved };
}

const CHUNK = 4096;
/** Length of the longest common prefix of `a` and `b` (chunks compared natively, then characters). */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
/** Length of the longest common suffix of `a` and `b` that does not overlap a common prefix of length `prefix`. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const n = Math.min(a.length, b.length) - prefix;
  let i = 0;
  while (i + CHUNK <= n && a.slice(a.length - i - CHUNK, a.length - i) === b.slice(b.length - i - CHUNK, b.length - i)) i += CHUNK;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** The root of an item piece: a sequence of one item. */
const itemRoot = (res: PieceResult) => res.parsed.root as SNode & { k: 'q' };

/**
 * Adds the unit of an item piece at `base` to a split list. Its node, and the list's span, are
 * read from the parsed piece only when asked for (a lazy piece parses then).
 */
function pushItem(list: RootEntry, base: number, res: PieceResult): void {
  if (!list.items) {
    list.items = [];
    list.value = new ItemsSpan(list.items as ItemUnit[]) as unknown as SNode;
  }
  list.items.push(new ItemUnit(base, res));
}

/** An item of a split list; its node is the parsed piece's (parsed when first asked for, for a lazy piece). */
class ItemUnit implements Unit {
  readonly value: unknown;
  readonly typed: ConfigExperience | ConfigTestSuite;
  readonly diags: LocalDiag[];
  constructor(
    readonly base: number,
    readonly res: PieceResult,
  ) {
    this.value = res.unit!.value;
    this.typed = res.unit!.typed;
    this.diags = res.unit!.diags;
  }
  get node(): SNode {
    return itemRoot(this.res).items[0];
  }
}

/** The span of a split list: from its first item's sequence to its last one's. */
class ItemsSpan {
  readonly k = 'q';
  readonly items: SNode[] = [];
  constructor(private readonly units: ItemUnit[]) {}
  get s(): number {
    const u = this.units[0];
    return u.base + itemRoot(u.res).s;
  }
  get e(): number {
    const u = this.units[this.units.length - 1];
    return u.base + itemRoot(u.res).e;
  }
}

/** A piece the fast path read: its unit is known; `parsed` parses the piece when first asked for. */
class LazyPiece implements PieceResult {
  readonly lazy = true;
  #parsed: ParsedPiece | undefined;
  constructor(
    private readonly ptext: string,
    readonly unit: UnitResult,
  ) {}
  get parsed(): ParsedPiece {
    return (this.#parsed ??= parsePiece(this.ptext));
  }
}

/** A piece cache as plain data, for structured cloning: without the fast path's lazy pieces (their parse is not there to send). */
function plainCache(cache: Cache | undefined): Cache {
  const out = newCache();
  if (!cache) return out;
  for (const kind of ['top', 'experiences', 'managedTestSuites'] as const) {
    for (const [k, v] of cache[kind]) if (!v.lazy) out[kind].set(k, v);
  }
  if (cache.placed && !cache.placed.results.some((r) => r.lazy)) out.placed = cache.placed;
  return out;
}

/** The model as plain data (getters read), for structured cloning. */
function plainModel(model: Model): Model {
  const entries = model.entries.map((e) =>
    e.items && e.value instanceof ItemsSpan
      ? {
          ...e,
          value: { k: 'q' as const, s: e.value.s, e: e.value.e, items: [] },
          items: e.items.map((u) => ({ base: u.base, node: u.node, value: u.value, typed: u.typed, diags: u.diags })),
        }
      : e,
  );
  return { ...model, entries, root: model.root && model.root.k === 'm' ? { ...model.root, entries } : model.root };
}

/**
 * Gives a fast-path result (fast.ts) the piece cache and stats of a full load, so that the next
 * load of an edited text (`previous`) parses only the pieces that changed: the units of the
 * others are known from the fast read (no diagnostic of their own: the fast path took the text).
 */
function withFastCache(fast: LoadedConfig, read: FastRead): LoadedConfig {
  // Built when the next load asks for it (`cacheOf`): the first analysis does not wait for it.
  fastReads.set(fast, read);
  stats.set(fast, { mode: 'fast', pieces: read.pieces ? read.pieces.length : 1, reused: 0 });
  return fast;
}
const fastReads = new WeakMap<LoadedConfig, FastRead>();

/** The piece cache of a load: a full load's, or the one a fast read gives (built on first use). */
function cacheOf(loaded: LoadedConfig): Cache | undefined {
  const cached = caches.get(loaded);
  const read = fastReads.get(loaded);
  if (cached || !read) return cached;
  const cache = newCache();
  const pieces = read.pieces;
  if (pieces) {
    const next = { experiences: 0, managedTestSuites: 0 };
    const text = withLfBreaks(loaded.text);
    const results = pieces.map((piece): PieceResult => {
      const ptext = text.slice(piece.start, piece.end);
      if (piece.kind === 'top') return { parsed: parsePiece(ptext) };
      const list = piece.list!;
      const typed = read.config[list][next[list]++];
      return new LazyPiece(ptext, { value: typed, typed, diags: [] });
    });
    cache.placed = { text, pieces, results };
  }
  caches.set(loaded, cache);
  return cache;
}

const itemStartCache = new WeakMap<LoadedConfig, Map<string, (Position | undefined)[] | undefined>>();

/**
 * Where each item of a top-level list starts (`rangeOf([list, i]).start`), read from the piece
 * offsets of a load whose pieces are known (the fast path's, an incremental load's) without
 * parsing any item: the first character after the item's `- `. An item whose content starts on a
 * later line (`-` alone, or `- # comment`) is undefined there; the whole answer is undefined for
 * a text without pieces or whose pieces do not match the config's items one for one. Callers fall
 * back to `rangeOf`. For the code lenses of 50,000 experiences, which would otherwise parse each.
 */
export function itemStarts(loaded: LoadedConfig, list: 'experiences' | 'managedTestSuites'): (Position | undefined)[] | undefined {
  let byList = itemStartCache.get(loaded);
  if (byList?.has(list)) return byList.get(list);
  const read = fastReads.get(loaded);
  const pieces = read ? read.pieces : stats.get(loaded)?.mode === 'pieces' ? caches.get(loaded)?.placed?.pieces : undefined;
  let out: (Position | undefined)[] | undefined;
  if (pieces) {
    const items = pieces.filter((p) => p.kind === 'item' && p.list === list);
    if (items.length === loaded.config[list].length) {
      const text = loaded.text;
      const starts = lineStarts(text);
      out = items.map((p) => {
        let i = p.start;
        while (text.charCodeAt(i) === 32) i++;
        if (text.charCodeAt(i) !== 45 /* - */) return undefined;
        i++;
        while (text.charCodeAt(i) === 32) i++;
        const c = text.charCodeAt(i);
        if (Number.isNaN(c) || c === 10 || c === 13 || c === 35 /* # */) return undefined;
        const line = lineOf(starts, i);
        return { line, character: i - starts[line] };
      });
    }
  }
  if (!byList) itemStartCache.set(loaded, (byList = new Map()));
  byList.set(list, out);
  return out;
}

/**
 * The fast path's result as plain data (structured-cloneable, for the language server's parsing
 * thread): undefined when the text needs the full loader (`loadSnapshot`).
 */
export interface FastSnapshot {
  config: SyncConfig;
  diagnostics: ConfigDiagnostic[];
  /** Whether the text has `managedExperienceTags` (only read when `diagnostics` are computed again). */
  hasManagedTags: boolean;
  /** Pieces (chunks.ts) as [kind, start, end] triples: kind 0 top, 1 an experience, 2 a test suite; null: none. */
  pieces: Int32Array | null;
}
const PIECE_KINDS = [undefined, 'experiences', 'managedTestSuites'] as const;

/**
 * A loaded config whose pieces are known (the fast path's, or an incremental load's) as a
 * `FastSnapshot`, the same result with ranges from single pieces; undefined for a text loaded
 * whole (tabs, anchors, YAML errors past a piece, shapes the splitter does not cut).
 */
export function piecesSnapshotOf(loaded: LoadedConfig): FastSnapshot | undefined {
  const read = fastReads.get(loaded);
  // A fast read of a text without pieces (flow style, one line) has null pieces: still a fast result.
  const pieces = read ? read.pieces : stats.get(loaded)?.mode === 'pieces' ? caches.get(loaded)?.placed?.pieces : undefined;
  if (pieces === undefined) return undefined;
  let flat: Int32Array | null = null;
  if (pieces) {
    flat = new Int32Array(pieces.length * 3);
    pieces.forEach((p, i) => {
      flat![3 * i] = p.kind === 'top' ? 0 : p.list === 'experiences' ? 1 : 2;
      flat![3 * i + 1] = p.start;
      flat![3 * i + 2] = p.end;
    });
  }
  return { config: loaded.config, diagnostics: loaded.diagnostics, hasManagedTags: read?.hasManagedTags ?? false, pieces: flat };
}

/** `loadConfig(text, {fast: true})` as a `FastSnapshot` when the fast path takes the text. */
export function loadFastSnapshot(text: string): FastSnapshot | undefined {
  const read = fastRead(text);
  const fast = read && fastLoaded(text, read, undefined, (t) => load(t, {}), projectCommentOf(text));
  if (!read || !fast) return undefined;
  let pieces: Int32Array | null = null;
  if (read.pieces) {
    pieces = new Int32Array(read.pieces.length * 3);
    read.pieces.forEach((p, i) => {
      pieces![3 * i] = p.kind === 'top' ? 0 : p.list === 'experiences' ? 1 : 2;
      pieces![3 * i + 1] = p.start;
      pieces![3 * i + 2] = p.end;
    });
  }
  return { config: read.config, diagnostics: fast.diagnostics, hasManagedTags: read.hasManagedTags, pieces };
}

/**
 * The longest text without pieces whose ranges a snapshot's LoadedConfig computes on the calling
 * thread (a whole-document parse, about 1 s per MB): past it, `rangeOf` gives the start of the
 * document and `pathAt` nothing, so that hover on a 10 MB one-line file never holds up the
 * language server (its diagnostics need no range: the fast path took the text).
 */
export const WHOLE_ON_THIS_THREAD_MAX_CHARS = 1_000_000;

/** The LoadedConfig of a fast snapshot of `text`: the same as `loadConfig(text, {fast: true})` (ranges: see WHOLE_ON_THIS_THREAD_MAX_CHARS). */
export function fromFastSnapshot(text: string, s: FastSnapshot): LoadedConfig {
  let pieces: Piece[] | null = null;
  if (s.pieces) {
    pieces = [];
    for (let i = 0; i < s.pieces.length; i += 3) {
      const list = PIECE_KINDS[s.pieces[i]];
      pieces.push(
        list
          ? { kind: 'item', list, start: s.pieces[i + 1], end: s.pieces[i + 2] }
          : { kind: 'top', start: s.pieces[i + 1], end: s.pieces[i + 2] },
      );
    }
  }
  const read: FastRead = { config: s.config, hasManagedTags: s.hasManagedTags, pieces };
  return withFastCache(
    fastLoaded(text, read, s.diagnostics, (t) => load(t, {}), projectCommentOf(text), WHOLE_ON_THIS_THREAD_MAX_CHARS)!,
    read,
  );
}

function loadWhole(text: string): Model {
  const parsed = parsePiece(text);
  const diags: LocalDiag[] = [...parsed.diags];
  const root = parsed.root;
  const entries: RootEntry[] = [];
  if (root && root.k === 'm') {
    for (const e of root.entries) {
      const entry: RootEntry = { ...e, canon: canonicalKey(e.key) };
      const ctx = LIST_KEYS[entry.canon];
      if (ctx && e.value && e.value.k === 'q') {
        entry.items = e.value.items.map((n) => ({ base: 0, node: n, ...unitResult(n, ctx, text) }));
      }
      entries.push(entry);
    }
  }
  return { parsed: text, root, entries, diags, mode: 'whole' };
}

/** The code of an empty, comment-only or null document (its own code: `experiences: []` is the explicit way to list none). */
export const EMPTY_CONFIG = 'empty-config' satisfies DiagnosticCode;
const EMPTY_CONFIG_MESSAGE =
  'The config is empty (no experiences key): syncing it would archive every experience of the project. To mean that, write `experiences: []`.';

/** The top level: key checks, the top-level schema, the typed config. `parsed` is false when the text was not parsed at all (a NUL). */
function finish(model: Model, parsed: boolean): { config: SyncConfig; diags: LocalDiag[]; hasManagedTags: boolean } {
  const diags: LocalDiag[] = [];
  const config: SyncConfig = { experiences: [], managedTestSuites: [], managedExperienceTags: [] };
  const root = model.root;
  if (!root || (root.k === 's' && root.v === null)) {
    // Empty, comment-only or `~`: a sync of it would archive every experience of the project.
    if (parsed && !model.diags.some((d) => d.severity === 'error'))
      diags.push({ code: EMPTY_CONFIG, severity: 'error', message: EMPTY_CONFIG_MESSAGE, s: root?.s ?? 0, e: root?.e ?? 0 });
    return { config, diags, hasManagedTags: false };
  }
  const whole = { s: root.s, e: root.e };
  if (root.k !== 'm') {
    diags.push({
      code: 'schema',
      severity: 'error',
      message: `The config must be a map with the keys experiences, managedTestSuites and managedExperienceTags, not ${root.k === 'q' ? 'a list' : 'a single value'}.`,
      s: root.s,
      e: root.e,
      data: { keyword: 'type' },
    });
    return { config, diags, hasManagedTags: false };
  }
  const forSchema: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  for (const e of model.entries) {
    const canon = checkKey(e, 'root' as MapContext, diags);
    if (canon === undefined || Object.prototype.hasOwnProperty.call(forSchema, canon)) continue;
    const chosen = (findEntry(model.entries, canon) as RootEntry | undefined) ?? (e as RootEntry);
    if (chosen.items) {
      setOwn(forSchema, canon, []);
      setOwn(
        values,
        canon,
        chosen.items.map((u) => u.value),
      );
    } else {
      const v = fieldValue('root', canon, chosen.value, diags);
      setOwn(forSchema, canon, v);
      setOwn(values, canon, v);
    }
  }
  if (!validators.root(forSchema)) {
    diags.push(...schemaDiags(validators.root.errors, forSchema, root, 'The config', model.parsed, whole));
  }
  const exp = values.experiences;
  const suites = values.managedTestSuites;
  const listEntry = (canon: string) => model.entries.find((e) => e.canon === canon && e.items);
  const expItems = Array.isArray(exp) ? listEntry('experiences')?.items : undefined;
  const suiteItems = Array.isArray(suites) ? listEntry('managedTestSuites')?.items : undefined;
  if (expItems && expItems.length === (exp as unknown[]).length) config.experiences = expItems.map((u) => u.typed as ConfigExperience);
  else if (Array.isArray(exp)) config.experiences = exp.map(toExperience);
  if (suiteItems && suiteItems.length === (suites as unknown[]).length)
    config.managedTestSuites = suiteItems.map((u) => u.typed as ConfigTestSuite);
  else if (Array.isArray(suites)) config.managedTestSuites = suites.map(toTestSuite);
  config.managedExperienceTags = toTagList(values.managedExperienceTags);
  return { config, diags, hasManagedTags: Object.prototype.hasOwnProperty.call(values, 'managedExperienceTags') };
}

function shiftNode(n: SNode | null, by: number): SNode | null {
  if (!n) return null;
  if (n.k === 's') return { k: 's', s: n.s + by, e: n.e + by, v: n.v };
  if (n.k === 'q') return { k: 'q', s: n.s + by, e: n.e + by, items: n.items.map((i) => shiftNode(i, by) as SNode) };
  return { k: 'm', s: n.s + by, e: n.e + by, entries: n.entries.map((e) => shiftEntry(e, by)) };
}
function shiftEntry(e: SEntry, by: number): SEntry {
  return { key: e.key, ks: e.ks + by, ke: e.ke + by, value: shiftNode(e.value, by) };
}

/** Offsets of the parsed text ↔ LSP positions of the original text (tab lines differ in indentation). */
class PosMapper {
  constructor(
    readonly text: string,
    readonly starts: readonly number[],
    readonly adjust?: Map<number, { orig: number; fixed: number }>,
  ) {}
  pos(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = lineOf(this.starts, o);
    let character = o - this.starts[line];
    const a = this.adjust?.get(line);
    if (a) character = character >= a.fixed ? character - (a.fixed - a.orig) : Math.min(character, a.orig);
    return { line, character };
  }
  /** A range, without trailing whitespace/newlines (block nodes end at the next line). */
  range(s: number, e: number): Range {
    let end = Math.max(s, Math.min(e, this.text.length));
    while (end > s && /\s/.test(this.text[end - 1])) end--;
    return { start: this.pos(s), end: this.pos(end) };
  }
  offset(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    const a = this.adjust?.get(p.line);
    let ch = Math.max(0, p.character);
    if (a) ch = ch >= a.orig ? ch + (a.fixed - a.orig) : ch;
    const lineEnd = p.line + 1 < this.starts.length ? this.starts[p.line + 1] - 1 : this.text.length;
    return Math.min(this.starts[p.line] + ch, lineEnd);
  }
}

function toDiagnostic(d: LocalDiag, base: number, m: PosMapper): ConfigDiagnostic {
  const range = d.e > d.s ? m.range(base + d.s, base + d.e) : { start: m.pos(base + d.s), end: m.pos(base + d.e) };
  const out: ConfigDiagnostic = { code: d.code, message: d.message, severity: d.severity, range };
  if (d.fix) {
    out.fix = {
      title: d.fix.title,
      edits: d.fix.edits.map((x) => ({ range: { start: m.pos(base + x.s), end: m.pos(base + x.e) }, newText: x.newText })),
    };
  }
  if (d.data) out.data = d.data;
  return out;
}

class Loaded implements LoadedConfig {
  diagnostics: ConfigDiagnostic[] = [];
  ok = true;
  readonly #model: Model;
  readonly #m: PosMapper;
  constructor(
    readonly text: string,
    readonly config: SyncConfig,
    readonly projectComment: string | undefined,
    model: Model,
    mapper: PosMapper,
  ) {
    this.#model = model;
    this.#m = mapper;
    if (projectComment === undefined) delete (this as { projectComment?: string }).projectComment;
  }

  rangeOf(path: ConfigPath, part: 'key' | 'value' = 'value'): Range | undefined {
    return this.find(path, part).range;
  }

  /** `rangeOf`, and whether the whole path exists (false: the range is an ancestor's). */
  find(path: ConfigPath, part: 'key' | 'value' = 'value'): { range: Range; exact: boolean } {
    const m = this.#m;
    const model = this.#model;
    const doc = model.root ? m.range(model.root.s, model.root.e) : m.range(0, this.text.length);
    if (path.length === 0) return { range: doc, exact: true };
    const entry = typeof path[0] === 'string' ? (findEntry(model.entries, path[0]) as RootEntry | undefined) : undefined;
    if (!entry) return { range: doc, exact: false };
    const entryValue = (): Range => {
      const sp = valueSpan({ node: entry.value, entry, depth: 1 }, { s: entry.ks, e: entry.ke });
      return m.range(sp.s, sp.e);
    };
    if (path.length === 1) return { range: part === 'key' ? m.range(entry.ks, entry.ke) : entryValue(), exact: true };
    let base = 0;
    let node: SNode | null = entry.value;
    let rest = path.slice(1);
    if (entry.items) {
      const idx = path[1];
      const u = typeof idx === 'number' ? entry.items[idx] : undefined;
      if (!u || !u.node) return { range: entryValue(), exact: false };
      base = u.base;
      node = u.node;
      rest = path.slice(2);
    }
    const loc = locate(node, rest);
    if (!node) return { range: entryValue(), exact: false };
    const fallback = node ? { s: node.s, e: node.e } : { s: entry.ks, e: entry.ke };
    let span: { s: number; e: number };
    if (part === 'key' && loc.depth === rest.length && loc.entry && typeof rest[rest.length - 1] === 'string') {
      span = { s: loc.entry.ks, e: loc.entry.ke };
    } else if (loc.depth === 0) {
      span = fallback;
    } else {
      span = valueSpan(loc, fallback);
    }
    return { range: m.range(base + span.s, base + span.e), exact: loc.depth === rest.length };
  }

  pathAt(pos: Position): ConfigPath | undefined {
    const model = this.#model;
    if (!model.root) return undefined;
    const off = this.#m.offset(pos);
    if (model.root.k !== 'm') return descend(model.root, off, []);
    let entry: RootEntry | undefined;
    for (const e of model.entries) {
      if (e.ks <= off) entry = e;
      else break;
    }
    if (!entry) return [];
    if (off >= entry.ks && off <= entry.ke) return [entry.canon];
    if (entry.items) {
      const items = entry.items;
      let lo = 0;
      let hi = items.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const u = items[mid];
        const s = u.base + (u.node ? u.node.s : 0);
        if (s <= off) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const u = found >= 0 ? items[found] : undefined;
      if (u && u.node && off <= u.base + u.node.e) return descend(u.node, off - u.base, [entry.canon, found]);
      return [entry.canon];
    }
    if (entry.value && off >= entry.value.s && off <= entry.value.e) return descend(entry.value, off, [entry.canon]);
    return [entry.canon];
  }
}

function descend(node: SNode, off: number, path: (string | number)[]): ConfigPath {
  let cur: SNode = node;
  for (;;) {
    if (cur.k === 'm') {
      let next: SNode | undefined;
      for (const e of cur.entries) {
        if (off >= e.ks && off <= e.ke) return [...path, canonicalKey(e.key)];
        if (e.value && off >= e.value.s && off <= e.value.e && e.value.e > e.value.s) {
          path = [...path, canonicalKey(e.key)];
          next = e.value;
          break;
        }
      }
      if (!next) return path;
      cur = next;
    } else if (cur.k === 'q') {
      const i = cur.items.findIndex((it) => off >= it.s && off <= it.e && it.e > it.s);
      if (i === -1) return path;
      path = [...path, i];
      cur = cur.items[i];
    } else return path;
  }
}

function broken(text: string, err: unknown): LoadedConfig {
  const config: SyncConfig = { experiences: [], managedTestSuites: [], managedExperienceTags: [] };
  const zero = { line: 0, character: 0 };
  return {
    text,
    config,
    ok: false,
    diagnostics: [
      {
        code: 'yaml-syntax',
        severity: 'error',
        message: `The config could not be read (${err instanceof Error ? err.message : String(err)}). Please report this with the file.`,
        range: { start: zero, end: zero },
      },
    ],
    rangeOf: () => ({ start: zero, end: zero }),
    pathAt: () => undefined,
  };
}
