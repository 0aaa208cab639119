/**
 * Navigation: go to definition (an experience name in a test suite's `experiences:` → that
 * experience's entry in `experiences:`), and document symbols (the outline: experiences with
 * their planned action, test suites, managed tags). Reads the cached analysis only.
 */
import { SymbolKind, type DocumentSymbol, type Location, type Position, type Range } from 'vscode-languageserver';
import type { ConfigPath } from '../config/model';
import type { Analysis } from './analysis';

function rangeOf(a: Analysis, path: ConfigPath, part?: 'key' | 'value'): Range | undefined {
  try {
    return a.loaded.rangeOf(path, part);
  } catch {
    return undefined;
  }
}

function before(p: Position, q: Position): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

/** `inner`, clamped into `outer` (clients reject a selection range outside the full range). */
function clamp(inner: Range | undefined, outer: Range): Range {
  if (!inner || before(inner.start, outer.start) || before(outer.end, inner.end)) return { start: outer.start, end: outer.start };
  return inner;
}

/** Go to definition: a suite member → its experience entry; a tag on an experience → its managedExperienceTags entry. */
export function definitionAt(a: Analysis, pos: Position): Location | null {
  let path: ConfigPath | undefined;
  try {
    path = a.loaded.pathAt(pos);
  } catch {
    return null;
  }
  // A tag on an experience → its entry in managedExperienceTags (where the file claims it).
  if (path && path[0] === 'experiences' && path[2] === 'tags' && typeof path[1] === 'number' && typeof path[3] === 'number') {
    const tag = a.loaded.config.experiences?.[path[1]]?.tags?.[path[3]];
    const k = typeof tag === 'string' ? (a.loaded.config.managedExperienceTags ?? []).indexOf(tag) : -1;
    const range = k >= 0 ? rangeOf(a, ['managedExperienceTags', k]) : undefined;
    return range ? { uri: a.uri, range } : null;
  }
  if (!path || path[0] !== 'managedTestSuites' || path[2] !== 'experiences' || typeof path[1] !== 'number' || typeof path[3] !== 'number')
    return null;
  const name = a.loaded.config.managedTestSuites?.[path[1]]?.experiences?.[path[3]];
  if (typeof name !== 'string') return null;
  const index = (a.loaded.config.experiences ?? []).findIndex((e) => e?.name === name);
  if (index < 0) return null;
  const range = rangeOf(a, ['experiences', index, 'name']) ?? rangeOf(a, ['experiences', index]);
  return range ? { uri: a.uri, range } : null;
}

const MAX_NAME = 200;
const label = (s: unknown, fallback: string) => (typeof s === 'string' && s.trim() ? s.slice(0, MAX_NAME) : fallback);

/** The outline. */
export function documentSymbolsFor(a: Analysis): DocumentSymbol[] {
  const cfg = a.loaded.config;
  const out: DocumentSymbol[] = [];
  const section = (key: 'experiences' | 'managedTestSuites' | 'managedExperienceTags', children: DocumentSymbol[], detail?: string) => {
    const keyRange = rangeOf(a, [key], 'key');
    const full = rangeOf(a, [key]);
    if (!keyRange || !full) return;
    // The root range (fallback of a missing key) would swallow everything: only real keys.
    if (
      keyRange.start.line === 0 &&
      keyRange.start.character === 0 &&
      keyRange.end.line === 0 &&
      keyRange.end.character === 0 &&
      !children.length
    )
      return;
    const range = {
      start: before(keyRange.start, full.start) ? keyRange.start : full.start,
      end: before(full.end, keyRange.end) ? keyRange.end : full.end,
    };
    out.push({ name: key, detail, kind: SymbolKind.Namespace, range, selectionRange: clamp(keyRange, range), children });
  };

  const experiences: DocumentSymbol[] = [];
  (cfg.experiences ?? []).forEach((e, i) => {
    const range = rangeOf(a, ['experiences', i]);
    if (!range) return;
    const p = a.byIndex.get(i);
    experiences.push({
      name: label(e?.name, `#${i + 1}`),
      detail: p ? p.action : undefined,
      kind: SymbolKind.Object,
      range,
      selectionRange: clamp(rangeOf(a, ['experiences', i, 'name']), range),
    });
  });
  if (Array.isArray(cfg.experiences) && cfg.experiences.length) section('experiences', experiences, `${cfg.experiences.length}`);

  const suites: DocumentSymbol[] = [];
  (cfg.managedTestSuites ?? []).forEach((s, i) => {
    const range = rangeOf(a, ['managedTestSuites', i]);
    if (!range) return;
    const members = Array.isArray(s?.experiences) ? s.experiences.length : 0;
    suites.push({
      name: label(s?.name, `#${i + 1}`),
      detail: `${members} experience${members === 1 ? '' : 's'}`,
      kind: SymbolKind.Module,
      range,
      selectionRange: clamp(rangeOf(a, ['managedTestSuites', i, 'name']), range),
    });
  });
  if (suites.length) section('managedTestSuites', suites);

  const tags: DocumentSymbol[] = [];
  (cfg.managedExperienceTags ?? []).forEach((t, i) => {
    const range = rangeOf(a, ['managedExperienceTags', i]);
    if (range && typeof t === 'string')
      tags.push({ name: label(t, `#${i + 1}`), kind: SymbolKind.EnumMember, range, selectionRange: range });
  });
  if (tags.length) section('managedExperienceTags', tags);
  return out;
}
