/**
 * One piece of YAML text parsed with the `yaml` package's Document API and reduced to a light,
 * plain-data tree with source offsets (`SNode`), so that parsed pieces can be cached and reused
 * at another place of the file: offsets are relative to the piece's own text.
 */
import type { DiagnosticCode } from '../../../protocol';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Severity } from './types';

export interface SScalar {
  k: 's';
  s: number;
  e: number;
  v: unknown;
  /** The source text of a plain scalar that YAML resolves to a number or boolean (`0x1F`, `1e3`, `true`). */
  src?: string;
}
export interface SMap {
  k: 'm';
  s: number;
  e: number;
  entries: SEntry[];
}
export interface SSeq {
  k: 'q';
  s: number;
  e: number;
  items: SNode[];
}
export type SNode = SScalar | SMap | SSeq;

/** A map entry: the key as a string, the key's range, and the value (null: no value node). */
export interface SEntry {
  key: string;
  ks: number;
  ke: number;
  value: SNode | null;
}

/** A diagnostic with offsets relative to some base (a piece's start, or 0 for the whole text). */
export interface LocalDiag {
  code: DiagnosticCode;
  message: string;
  severity: Severity;
  s: number;
  e: number;
  data?: Record<string, unknown>;
  fix?: { title: string; edits: { s: number; e: number; newText: string }[] };
}

export interface ParsedPiece {
  root: SNode | null;
  /** yaml-syntax diagnostics (errors and warnings of the yaml package). */
  diags: LocalDiag[];
  /** The yaml error codes seen (to decide whether a piece's errors could reach past it). */
  codes: string[];
  /** True when the piece uses anchors or aliases (they may refer across pieces). */
  anchors: boolean;
}

const MAX_DEPTH = 400;
/**
 * The alias expansion cap, the one for every path (the CLI's fast path hands any file with an
 * anchor to this loader): at most this many nodes are built from aliases in one document, so a
 * "billion laughs" file costs at most this much work and memory, and a file of 20,000 plain
 * `*a` aliases still loads.
 */
export const MAX_ALIAS_NODES = 100_000;
/** Likewise for the text of the scalars built from aliases (a 50 KB string aliased 20,000 times is 1 GB). */
export const MAX_ALIAS_CHARS = 10_000_000;

interface BuildState {
  /** Nodes built while expanding aliases (the cap above). */
  aliasNodes: number;
  /** Characters of the scalars built while expanding aliases (the cap above). */
  aliasChars: number;
  anchors: boolean;
  overflow: boolean;
  /** Anchor name → the node it was last defined on, in document order (YAML: an alias refers to the latest). */
  anchorNodes: Map<string, YamlNode>;
  /** Expanded alias targets already built: the same SNode is reused (its offsets are the anchor's). */
  expanded: Map<YamlNode, SNode | null>;
  /** > 0 while building an alias's target (its anchors were registered when first seen). */
  inAlias: number;
}

/** Parses `text` as one YAML document. Never throws: a crash of the parser becomes a diagnostic. */
export function parsePiece(text: string): ParsedPiece {
  const diags: LocalDiag[] = [];
  const codes: string[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { prettyErrors: false, keepSourceTokens: false });
  } catch (err) {
    return {
      root: null,
      diags: [
        {
          code: 'yaml-syntax',
          message: `The YAML parser gave up on this file (${err instanceof Error ? err.message : String(err)}). Simplify the structure near the top of the file (very deep nesting?).`,
          severity: 'error',
          s: 0,
          e: Math.min(text.length, 1),
        },
      ],
      codes: ['PARSER_CRASH'],
      anchors: false,
    };
  }
  let overflowInParser = false;
  for (const [list, severity] of [
    [doc.errors, 'error'],
    [doc.warnings, 'warning'],
  ] as const) {
    for (const err of list) {
      // The parser's own stack overflow on very deep nesting: reported once, below, in plain words.
      if (/Maximum call stack size exceeded/.test(err.message)) {
        overflowInParser = true;
        continue;
      }
      codes.push(err.code);
      diags.push({
        code: 'yaml-syntax',
        message: yamlMessage(err.message, err.code),
        severity,
        s: err.pos[0],
        e: Math.max(err.pos[1], err.pos[0]),
        data: { yamlCode: err.code },
      });
    }
  }
  const state: BuildState = {
    aliasNodes: 0,
    aliasChars: 0,
    anchors: false,
    overflow: overflowInParser,
    anchorNodes: new Map(),
    expanded: new Map(),
    inAlias: 0,
  };
  let root: SNode | null = null;
  try {
    root = build(doc.contents as YamlNode | null, doc, 0, state);
  } catch (err) {
    state.overflow = true;
  }
  if (state.overflow) {
    diags.push({
      code: 'yaml-syntax',
      message: `This YAML is nested too deeply or expands too many aliases to be read (over ${MAX_DEPTH} levels, ${MAX_ALIAS_NODES} nodes or ${MAX_ALIAS_CHARS / 1_000_000} million characters built from aliases). Flatten it.`,
      severity: 'error',
      s: 0,
      e: Math.min(text.length, 1),
    });
  }
  return { root, diags, codes, anchors: state.anchors };
}

function yamlMessage(raw: string, code: string): string {
  const first = raw
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
  const hint: Record<string, string> = {
    TAB_AS_INDENT: 'Indent with spaces, not tabs.',
    BAD_INDENT: 'Line this up with its siblings (same number of spaces).',
    DUPLICATE_KEY: 'Remove or rename one of the two keys.',
    MISSING_CHAR: 'Close the quote or bracket, or add the missing ":".',
    MULTILINE_IMPLICIT_KEY: 'A key must fit on one line and be followed by ":"; check the indentation of this line.',
    BLOCK_AS_IMPLICIT_KEY: 'Check the indentation: this line is read as part of a key.',
  };
  const end = /[.!?]$/.test(first) ? '' : '.';
  return `YAML syntax error: ${first}${end}${hint[code] ? ' ' + hint[code] : ''}`;
}

/**
 * The SNode tree of a yaml node. Linear in the size of the expanded tree: an alias is resolved
 * through the anchors seen so far (the `yaml` package's own `Alias.resolve` walks the whole
 * document for each alias, which made 20,000 aliases take 40 s), and each anchored node is built
 * once and shared by its aliases. Every node (and scalar text) built for an alias counts against
 * MAX_ALIAS_NODES (and MAX_ALIAS_CHARS), whether built anew or shared.
 */
function build(node: YamlNode | null | undefined, doc: Document, depth: number, state: BuildState): SNode | null {
  if (node == null) return null;
  if (depth > MAX_DEPTH) {
    state.overflow = true;
    return null;
  }
  if (state.inAlias > 0 && ++state.aliasNodes > MAX_ALIAS_NODES) {
    state.overflow = true;
    return null;
  }
  const anchor = (node as { anchor?: string }).anchor;
  if (anchor) {
    state.anchors = true;
    if (state.inAlias === 0) state.anchorNodes.set(anchor, node);
  }
  if (isAlias(node)) {
    state.anchors = true;
    const range = node.range ?? [0, 0, 0];
    const target = state.anchorNodes.get(node.source);
    if (!target) return { k: 's', s: range[0], e: range[1], v: null };
    let built = state.expanded.get(target);
    if (built === undefined) {
      state.inAlias++;
      built = build(target, doc, depth + 1, state);
      state.inAlias--;
      if (!state.overflow) state.expanded.set(target, built);
    } else {
      const [nodes, chars] = size(built);
      state.aliasNodes += nodes;
      state.aliasChars += chars;
    }
    if (state.aliasNodes > MAX_ALIAS_NODES || state.aliasChars > MAX_ALIAS_CHARS) state.overflow = true;
    if (!built) return null;
    // The alias's own place, its content from the anchored node.
    return { ...built, s: range[0], e: range[1] } as SNode;
  }
  const r = node.range ?? [0, 0, 0];
  if (isScalar(node)) {
    const v = node.value;
    if (state.inAlias > 0 && typeof v === 'string' && (state.aliasChars += v.length) > MAX_ALIAS_CHARS) state.overflow = true;
    const src = (node as { source?: unknown }).source;
    if (v !== null && typeof v !== 'string' && typeof src === 'string') return { k: 's', s: r[0], e: r[1], v, src };
    return { k: 's', s: r[0], e: r[1], v };
  }
  if (isSeq(node)) {
    const items: SNode[] = [];
    for (const it of node.items) {
      const b = build(it as YamlNode, doc, depth + 1, state);
      items.push(b ?? { k: 's', s: r[0], e: r[0], v: null });
      if (state.overflow) break;
    }
    return { k: 'q', s: r[0], e: r[1], items };
  }
  if (isMap(node)) {
    const entries: SEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const value = build(pair.value as YamlNode | null, doc, depth + 1, state);
      let keyText: string;
      let ks: number;
      let ke: number;
      if (key && isScalar(key)) {
        keyText = String(key.value);
        ks = key.range?.[0] ?? r[0];
        ke = key.range?.[1] ?? ks;
      } else if (key) {
        keyText = String(key);
        ks = key.range?.[0] ?? r[0];
        ke = key.range?.[1] ?? ks;
      } else {
        keyText = '';
        ks = value ? value.s : r[0];
        ke = ks;
      }
      entries.push({ key: keyText, ks, ke, value });
      if (state.overflow) break;
    }
    return { k: 'm', s: r[0], e: r[1], entries };
  }
  return null;
}

const sizes = new WeakMap<SNode, [number, number]>();
/** The number of nodes of a built tree (what re-using it for one more alias costs against the cap). */
function size(n: SNode | null): [nodes: number, chars: number] {
  if (!n) return [1, 0];
  let k = sizes.get(n);
  if (k !== undefined) return k;
  k = [1, n.k === 's' && typeof n.v === 'string' ? n.v.length : 0];
  const add = (c: SNode | null) => {
    const [a, b] = size(c);
    k![0] += a;
    k![1] += b;
  };
  if (n.k === 'q') for (const it of n.items) add(it);
  else if (n.k === 'm')
    for (const e of n.entries) {
      k[0] += 1;
      add(e.value);
    }
  sizes.set(n, k);
  return k;
}

/** Plain JS of a node (maps as objects with their raw keys). */
export function plain(node: SNode | null): unknown {
  if (!node) return null;
  if (node.k === 's') return node.v;
  if (node.k === 'q') return node.items.map(plain);
  const o: Record<string, unknown> = {};
  for (const e of node.entries) {
    if (Object.prototype.hasOwnProperty.call(o, e.key)) continue;
    setOwn(o, e.key, plain(e.value));
  }
  return o;
}

/** Sets an own property, even one named `__proto__` (no prototype change). */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
