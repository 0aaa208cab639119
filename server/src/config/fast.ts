/**
 * The fast path for large files (the CLI reading a 50,000-experience, 12 MB config).
 *
 * The `yaml` package's Document API, which gives every node its source range, parses about
 * 1.2 MB per second on a 2-core machine: too slow for the CLI at that size (bench/). Most runs
 * read a file without a single YAML or schema problem, and then almost no range is ever needed.
 * So this path parses with `js-yaml` (core schema, about 9 times faster, no positions),
 * validates the whole value with the same JSON schema, and runs the same cross-entry checks
 * (checks.ts). A YAML error, a tab, a duplicate key, a schema error, an unknown or snake_case
 * key: it returns `undefined` and the caller uses the full loader, the one source of truth.
 *
 * Ranges (for the cross-entry diagnostics, and `rangeOf` afterwards) come from the full loader
 * run on just the piece of text that holds the node (chunks.ts splits a file into one piece
 * per top-level key and per experience), so one lookup costs one small parse.
 */
import { CORE_SCHEMA, load as loadYamlFast } from 'js-yaml';
import type { ConfigPath, SyncConfig } from './model';
import { crossChecks } from './checks';
import { splitPieces, type Piece } from './chunks';
import { toExperience, toTagList, toTestSuite } from './coerce';
import { validateWholeConfig } from './schema';
import { comparePositions, lineOf, lineStarts } from './text';
import type { LoadedConfig, Range } from './types';

type FullLoad = (text: string) => LoadedConfig;

/**
 * A clean-parsing text's LoadedConfig (diagnostics only from the cross-entry checks); undefined
 * when the text needs the full loader. `fullLoad` is the full loader (load.ts).
 */
export function fastLoad(text: string, fullLoad: FullLoad, projectComment: string | undefined): LoadedConfig | undefined {
  if (text.includes('\t')) return undefined; // tab-indent and its fix belong to the full loader
  let value: unknown;
  try {
    value = loadYamlFast(text, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined; // YAML errors, duplicate keys, several documents, unknown tags
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!validateWholeConfig(value)) return undefined; // schema, unknown and snake_case keys
  const starts = lineStarts(text);
  const pieces = splitPieces(text, starts);
  if (!pieces) return undefined;
  const o = value as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const config: SyncConfig = {
    experiences: list(o.experiences).map(toExperience),
    managedTestSuites: list(o.managedTestSuites).map(toTestSuite),
    managedExperienceTags: toTagList(o.managedExperienceTags),
  };
  const items = { experiences: [] as Piece[], managedTestSuites: [] as Piece[] };
  for (const p of pieces) if (p.kind === 'item' && p.list) items[p.list].push(p);
  if (items.experiences.length !== config.experiences.length || items.managedTestSuites.length !== config.managedTestSuites.length) return undefined;

  const locate = pieceLocator(text, starts, pieces, items, fullLoad);
  const diagnostics = crossChecks(config, 'managedExperienceTags' in o, locate).sort(
    (a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
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

/** path → range by loading only the piece of text that holds the node. */
function pieceLocator(
  text: string,
  starts: readonly number[],
  pieces: readonly Piece[],
  items: Record<'experiences' | 'managedTestSuites', Piece[]>,
  fullLoad: FullLoad,
): (path: ConfigPath, part?: 'key' | 'value') => Range | undefined {
  const loaded = new Map<Piece, LoadedConfig>();
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
      if (pieceHasKey(mini, String(top))) {
        return shift(mini.rangeOf(path, part), lineOf(starts, piece.start));
      }
    }
    return undefined;
  };
}

/** Whether a piece's own text defines the top-level key (either spelling). */
function pieceHasKey(mini: LoadedConfig, key: string): boolean {
  const r = mini.rangeOf([key], 'key');
  if (!r) return false;
  const lines = mini.text.split('\n');
  const keyText = lines[r.start.line]?.slice(r.start.character, r.end.line === r.start.line ? r.end.character : undefined) ?? '';
  return keyText.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) === key;
}
