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
 * per top-level key and per experience), so one lookup costs one small parse.
 */
import { hasSuspiciousCharacters } from './suspicious';
import { FAILSAFE_SCHEMA, Type, load as loadYamlFast, type Schema as FastSchema } from 'js-yaml';
import { Schema as YamlSchema } from 'yaml';
import type { ConfigPath, SyncConfig } from './model';
import { crossChecks } from './checks';
import { splitPieces, type Piece } from './chunks';
import { toExperience, toTagList, toTestSuite } from './coerce';
import { validateWholeConfig } from './schema';
import { compareDiagnostics, lineOf, lineStarts } from './text';
import type { LoadedConfig, Range } from './types';

type FullLoad = (text: string) => LoadedConfig;

/**
 * A clean-parsing text's LoadedConfig (diagnostics only from the cross-entry checks); undefined
 * when the text needs the full loader. `fullLoad` is the full loader (load.ts).
 */
export function fastLoad(text: string, fullLoad: FullLoad, projectComment: string | undefined): LoadedConfig | undefined {
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
  const starts = lineStarts(text);
  const pieces = splitPieces(text, starts);
  if (!pieces) return undefined;
  const o = value as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  // A suite without `experiences` gets the full loader's empty-test-suite warning (and its fix).
  if (list(o.managedTestSuites).some((s) => !Array.isArray((s as Record<string, unknown>).experiences))) return undefined;
  const config: SyncConfig = {
    experiences: list(o.experiences).map(toExperience),
    managedTestSuites: list(o.managedTestSuites).map(toTestSuite),
    managedExperienceTags: toTagList(o.managedExperienceTags),
  };
  const items = { experiences: [] as Piece[], managedTestSuites: [] as Piece[] };
  for (const p of pieces) if (p.kind === 'item' && p.list) items[p.list].push(p);
  if (items.experiences.length !== config.experiences.length || items.managedTestSuites.length !== config.managedTestSuites.length) return undefined;

  const locate = pieceLocator(text, starts, pieces, items, fullLoad);
  const diagnostics = crossChecks(config, 'managedExperienceTags' in o, locate).sort(compareDiagnostics);
  let full: LoadedConfig | undefined;
  return {
    text,
    config,
    diagnostics,
    ok: !diagnostics.some((d) => d.severity === 'error'),
    ...(projectComment !== undefined ? { projectComment } : {}),
    rangeOf: (path, part) => locate(path, part) ?? (full ??= fullLoad(text)).rangeOf(path, part),
    pathAt: (pos) => (full ??= fullLoad(text)).pathAt(pos),
  };
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
          return t.resolve(s ?? '', () => undefined, {});
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
function pieceLocator(
  text: string,
  starts: readonly number[],
  pieces: readonly Piece[],
  items: Record<'experiences' | 'managedTestSuites', Piece[]>,
  fullLoad: FullLoad,
): (path: ConfigPath, part?: 'key' | 'value') => Range | undefined {
  const loaded = new Map<Piece, LoadedConfig>();
  const keyOf = new Map<Piece, string>();
  const shift = (r: Range | undefined, lines: number): Range | undefined =>
    r && { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
  const topPieces = pieces.filter((p) => p.kind === 'top');
  return (path, part) => {
    const [top, index, ...rest] = path;
    if ((top === 'experiences' || top === 'managedTestSuites') && typeof index === 'number') {
      const piece = items[top][index];
      if (!piece) return undefined;
      // The item alone under its list key: one line above the piece's first line.
      let mini = loaded.get(piece);
      if (!mini) loaded.set(piece, (mini = fullLoad(`${top}:\n${text.slice(piece.start, piece.end)}`)));
      return shift(mini.rangeOf([top, 0, ...rest], part), lineOf(starts, piece.start) - 1);
    }
    for (const piece of topPieces) {
      let mini = loaded.get(piece);
      if (!mini) loaded.set(piece, (mini = fullLoad(text.slice(piece.start, piece.end))));
      // A piece holds one top-level key; rangeOf falls back to the document when it is another.
      let key = keyOf.get(piece);
      if (key === undefined) keyOf.set(piece, (key = pieceKey(mini)));
      if (key === String(top)) {
        return shift(mini.rangeOf(path, part), lineOf(starts, piece.start));
      }
    }
    return undefined;
  };
}

/** The top-level key a piece defines, in its camelCase spelling (a piece holds one top-level key). */
function pieceKey(mini: LoadedConfig): string {
  const m = /^(?:\uFEFF)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*([A-Za-z_][A-Za-z0-9_]*)[ ]*:/.exec(mini.text);
  return m ? m[1].replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : '';
}
