/**
 * From a parsed tree to the canonical (camelCase) config values, with the key diagnostics
 * (`unknown-key`, `snake-case-key`) and the JSON-schema diagnostics (`schema`) of that part.
 * Works on one unit at a time (the top level, one experience, one test suite) so that the
 * results of an unchanged experience can be reused after an edit elsewhere.
 */
import { closestName } from '../util/closest';
import {
  ALL_SNAKE_ALIASES,
  CONTEXT_LABEL,
  KNOWN_KEYS,
  NULL_MEANS_OMITTED,
  SNAKE_ALIASES,
  childContext,
  fieldKind,
  type MapContext,
  type SchemaError,
} from './schema';
import { setOwn, type LocalDiag, type SEntry, type SNode } from './source';

const ALL_ALIASES = ALL_SNAKE_ALIASES;

/** The canonical key for a key as written (a snake_case alias → its camelCase key). */
export function canonicalKey(key: string): string {
  return Object.prototype.hasOwnProperty.call(ALL_ALIASES, key) ? ALL_ALIASES[key] : key;
}

/** The entry of a map for a canonical key: the camelCase spelling first, else an alias. */
export function findEntry(entries: readonly SEntry[], canon: string): SEntry | undefined {
  let alias: SEntry | undefined;
  for (const e of entries) {
    if (e.key === canon) return e;
    if (!alias && canonicalKey(e.key) === canon) alias = e;
  }
  return alias;
}

/**
 * The canonical value of `node` read as a map of kind `ctx` (or a list of them when `listOf`),
 * pushing key diagnostics into `diags`. Unknown keys are left out of the value (reported once, as
 * `unknown-key`, never again by the schema).
 */
export function canonicalValue(node: SNode | null, ctx: MapContext | undefined, diags: LocalDiag[]): unknown {
  if (!node) return null;
  if (node.k === 's') return node.v;
  if (node.k === 'q') return node.items.map((it) => canonicalValue(it, ctx, diags));
  if (!ctx) {
    const o: Record<string, unknown> = {};
    for (const e of node.entries) {
      if (!Object.prototype.hasOwnProperty.call(o, e.key)) setOwn(o, e.key, canonicalValue(e.value, undefined, diags));
    }
    return o;
  }
  const o: Record<string, unknown> = {};
  const merges: SEntry[] = [];
  const seen = new Set<string>();
  const add = (e: SEntry) => {
    const canon = checkKey(e, ctx, diags);
    if (canon === undefined || seen.has(canon)) return; // a second spelling of a key (or a merged one): the first wins
    seen.add(canon);
    const v = fieldValue(ctx, canon, e.value, diags);
    if (v !== OMITTED) setOwn(o, canon, v);
  };
  for (const e of node.entries) {
    if (e.key === MERGE_KEY) merges.push(e);
    else add(e);
  }
  // `<<: *defaults` (or a list of them): the resim CLI's YAML decoder merges the keys the map
  // does not set itself, earlier maps first.
  for (const m of merges) {
    const sources = m.value?.k === 'q' ? m.value.items : [m.value];
    for (const src of sources) {
      if (src?.k === 'm') src.entries.filter((x) => x.key !== MERGE_KEY).forEach(add);
      else
        diags.push({
          code: 'schema',
          message: 'A merge key ("<<") takes a map, or a list of maps (usually an alias like *defaults).',
          severity: 'error',
          s: m.ks,
          e: m.ke,
          data: { keyword: 'merge' },
        });
    }
  }
  return o;
}

/** YAML's merge key, which the resim CLI's decoder (gopkg.in/yaml.v3) honours in a map. */
const MERGE_KEY = '<<';

const OMITTED = Symbol('omitted');
/** The YAML 1.1 spellings that gopkg.in/yaml.v3 still decodes into a Go bool (quoted or not). */
const YAML11_BOOLEANS: Record<string, boolean> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s) => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s) => [s, false]),
]);
const isNull = (n: SNode | null): boolean => !n || (n.k === 's' && n.v === null);

/**
 * The canonical value of key `canon` of a map of kind `ctx`, read as the resim CLI's YAML decoder
 * (gopkg.in/yaml.v3 into its Go types) reads it:
 * - an empty value (`key:`, `~`) is the Go zero value: `""` for text, `[]` for a list; or, for a
 *   pointer-typed key (`NULL_MEANS_OMITTED`), the key is omitted;
 * - an unquoted number or boolean where text is expected (`name: 123`, `value: 0x1F`, `1e3`) is
 *   its source text, with an `unquoted-scalar` warning and a quick fix that quotes it;
 * - `yes`/`no`/`on`/`off`/`y`/`n` where true or false is expected is that boolean (yaml.v3's
 *   YAML 1.1 compatibility), with a `yaml11-boolean` warning and a fix writing true or false.
 */
export function fieldValue(ctx: MapContext, canon: string, node: SNode | null, diags: LocalDiag[]): unknown {
  const kind = fieldKind(ctx, canon);
  if (isNull(node)) {
    if (NULL_MEANS_OMITTED[ctx].includes(canon)) return OMITTED;
    if (kind === 'string') return '';
    if (kind === 'stringList' || kind === 'list') return [];
    return null;
  }
  if (kind === 'string') return textValue(node, diags);
  if (
    kind === 'boolean' &&
    node!.k === 's' &&
    typeof node!.v === 'string' &&
    Object.prototype.hasOwnProperty.call(YAML11_BOOLEANS, node!.v)
  ) {
    const v = YAML11_BOOLEANS[node!.v];
    diags.push({
      code: 'yaml11-boolean',
      message: `"${node!.v}" is read as ${v}, as the resim CLI reads it (YAML 1.1), but YAML 1.2 tools read it as text. Write ${v}.`,
      severity: 'warning',
      s: node!.s,
      e: node!.e,
      data: { value: v },
      fix: { title: `Write ${v}`, edits: [{ s: node!.s, e: node!.e, newText: String(v) }] },
    });
    return v;
  }
  if (kind === 'stringList' && node!.k === 'q') return node!.items.map((it) => (isNull(it) ? '' : textValue(it, diags)));
  return canonicalValue(node, childContext(ctx, canon), diags);
}

/** A scalar in a text place: its source text when YAML resolved it to a number or boolean. */
function textValue(node: SNode | null, diags: LocalDiag[]): unknown {
  if (!node || node.k !== 's' || node.src === undefined) return canonicalValue(node, undefined, diags);
  const src = node.src;
  const quoted = JSON.stringify(src);
  diags.push({
    code: 'unquoted-scalar',
    message:
      `${src} is read as the text ${quoted}, as the resim CLI reads it, but other YAML tools read it as ${typeof node.v === 'boolean' ? 'the boolean' : 'the number'} ${String(node.v)}. ` +
      `Quote it (${quoted}) so that it means the same everywhere.`,
    severity: 'warning',
    s: node.s,
    e: node.e,
    data: { text: src },
    fix: { title: `Quote ${src} as ${quoted}`, edits: [{ s: node.s, e: node.e, newText: quoted }] },
  });
  return src;
}

/**
 * The canonical key of a map entry of kind `ctx`, or undefined for an unknown key. Pushes
 * `unknown-key` (with the closest known key) or `snake-case-key` (with its rename fix).
 */
export function checkKey(e: SEntry, ctx: MapContext, diags: LocalDiag[]): string | undefined {
  const known = KNOWN_KEYS[ctx];
  const aliases = SNAKE_ALIASES[ctx];
  const alias = Object.prototype.hasOwnProperty.call(aliases, e.key) ? aliases[e.key] : undefined;
  if (!alias && !known.includes(e.key)) {
    const suggestion = closestName(e.key, known);
    diags.push({
      code: 'unknown-key',
      message:
        `Unknown key "${e.key}" ${CONTEXT_LABEL[ctx]}.` +
        (suggestion ? ` Did you mean "${suggestion}"?` : ` Known keys: ${known.join(', ')}.`) +
        ' The resim CLI ignores unknown keys.',
      severity: 'error',
      s: e.ks,
      e: e.ke,
      data: suggestion ? { key: e.key, suggestion } : { key: e.key },
    });
    return undefined;
  }
  if (alias) {
    diags.push({
      code: 'snake-case-key',
      message:
        `"${e.key}" is a snake_case spelling of "${alias}": the resim CLI ignores this key, so it would have no effect there. ` +
        `Rename it to "${alias}" (this extension already reads it as "${alias}").`,
      severity: 'warning',
      s: e.ks,
      e: e.ke,
      data: { key: e.key, camelCase: alias },
      fix: { title: `Rename "${e.key}" to "${alias}"`, edits: [{ s: e.ks, e: e.ke, newText: alias }] },
    });
    return alias;
  }
  return e.key;
}

/** Where a node sits in the tree: the node itself and, for a map value, its entry. */
export interface Located {
  node: SNode | null;
  entry?: SEntry;
  /** How many path segments were matched (less than asked when it fell back to an ancestor). */
  depth: number;
}

/** Follows canonical path segments from `node` as far as they go. */
export function locate(node: SNode | null, path: ReadonlyArray<string | number>): Located {
  let cur: Located = { node, depth: 0 };
  for (const seg of path) {
    const n = cur.node;
    if (!n) break;
    if (n.k === 'm' && typeof seg === 'string') {
      const e = findEntry(n.entries, seg);
      if (!e) break;
      cur = { node: e.value, entry: e, depth: cur.depth + 1 };
    } else if (n.k === 'q' && typeof seg === 'number' && seg >= 0 && seg < n.items.length) {
      cur = { node: n.items[seg], depth: cur.depth + 1 };
    } else break;
  }
  return cur;
}

/** The span to underline for a located value: the value, or its key when the value is empty. */
export function valueSpan(loc: Located, fallback: { s: number; e: number }): { s: number; e: number } {
  const n = loc.node;
  if (n && n.e > n.s) return { s: n.s, e: n.e };
  if (loc.entry) return { s: loc.entry.ks, e: loc.entry.ke };
  if (n) return { s: n.s, e: n.e };
  return fallback;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a map of keys',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return String(v);
}

function subject(segs: (string | number)[], unitLabel: string): string {
  if (segs.length === 0) return unitLabel;
  const last = segs[segs.length - 1];
  if (typeof last === 'number') {
    const parent = segs.length >= 2 ? segs[segs.length - 2] : undefined;
    return typeof parent === 'string' ? `Entry ${last + 1} of "${parent}"` : `Entry ${last + 1}`;
  }
  return `"${last}"`;
}

function valueAt(v: unknown, segs: (string | number)[]): unknown {
  let cur = v;
  for (const s of segs) {
    if (cur && typeof cur === 'object') cur = (cur as Record<string | number, unknown>)[s];
    else return undefined;
  }
  return cur;
}

/**
 * Turns ajv errors on `value` (the canonical value of `node`) into `schema` diagnostics at the
 * offending node. `required` goes on the map that lacks the key (its first line). `text` is the
 * node's source text frame (for line ends).
 */
export function schemaDiags(
  errors: readonly SchemaError[] | null | undefined,
  value: unknown,
  node: SNode | null,
  unitLabel: string,
  text: string,
  whole: { s: number; e: number },
): LocalDiag[] {
  const out: LocalDiag[] = [];
  if (!errors) return out;
  for (const err of errors) {
    if (err.keyword === 'additionalProperties') continue; // reported as unknown-key
    const segs = err.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((p, i, arr) => (/^\d+$/.test(p) && isListAt(value, arr.slice(0, i)) ? Number(p) : p));
    const loc = locate(node, segs);
    const exact = loc.depth === segs.length;
    const v = valueAt(value, segs);
    const who = subject(segs, unitLabel);
    let span = valueSpan(loc, whole);
    let message: string;
    switch (err.keyword) {
      case 'required': {
        const missing = String((err.params as { missingProperty?: string }).missingProperty);
        const where = segs.length === 0 ? unitLabel : who;
        message = `${where} lacks the required key "${missing}": add "${missing}: …".`;
        const n = loc.node;
        if (n && n.k === 'm') {
          const nl = text.indexOf('\n', n.s);
          const lineEnd = nl === -1 || nl > n.e ? n.e : nl;
          span = { s: n.s, e: Math.max(n.s, text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd) };
        }
        break;
      }
      case 'type': {
        const want = String((err.params as { type?: string }).type);
        message = `${who} must be ${TYPE_WORDS[want] ?? want}, not ${describe(v)}.`;
        if (want === 'string' && (typeof v === 'number' || typeof v === 'boolean')) message += ` Quote it: "${String(v)}".`;
        break;
      }
      case 'format':
        message = `${who} must be a UUID (like 3fa85f64-5717-4562-b3fc-2c963f66afa6), not ${describe(v)}. Copy the experience's ID from the ReSim app, or remove the key.`;
        break;
      case 'enum': {
        const allowed = ((err.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(', ');
        message = `${who} must be one of ${allowed}, not ${describe(v)}.`;
        break;
      }
      case 'minItems':
        message = `${who} needs at least ${(err.params as { limit?: number }).limit} entry: add one.`;
        break;
      case 'minLength':
        message = `${who} must not be empty.`;
        break;
      case 'minimum':
        message = `${who} must be ${(err.params as { limit?: number }).limit} or more, not ${describe(v)}.`;
        break;
      case 'maximum':
        message = `${who} must be at most ${(err.params as { limit?: number }).limit}, not ${describe(v)}.`;
        break;
      default:
        message = `${who} ${err.message ?? 'is invalid'}.`;
    }
    if (!exact && err.keyword !== 'required') message += ' (at the nearest enclosing node)';
    out.push({ code: 'schema', message, severity: 'error', s: span.s, e: span.e, data: { keyword: err.keyword } });
  }
  return out;
}

function isListAt(value: unknown, segs: string[]): boolean {
  return Array.isArray(valueAt(value, segs));
}
