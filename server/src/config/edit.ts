/**
 * Text edits on a config that keep everything else byte for byte (comments, blank lines,
 * quoting, key order): the safe fixes behind `resim-sync validate --fix` and the quick fixes,
 * and writing matched experience IDs back (`apply --update-config`, docs/sync-rules.md).
 */
import type { ConfigPath } from './model';
import { loadConfig } from './load';
import { applyTextEdits, lineStarts, positionAt, yamlScalar } from './text';
import type { LoadedConfig, Range, TextEdit } from './types';

/** The safe fixes: `tabs` (tab-indent → spaces), `snake-case` (snake_case keys → camelCase). */
export type FixKind = 'tabs' | 'snake-case';

/**
 * Applies the chosen safe fixes, tabs first (a file with tabs is reloaded before the renames).
 * Returns the new text and one line per applied fix (e.g. `replaced tabs with spaces on 5 lines
 * (tab width 4)`, `renamed "managed_test_suites" to "managedTestSuites" (line 27)`).
 * A snake_case key is not renamed when its map already has the camelCase key (that would make a
 * duplicate key); its warning stays.
 */
export function fixConfig(text: string, which: readonly FixKind[]): { text: string; applied: string[] } {
  const applied: string[] = [];
  let cur = text;
  if (which.includes('tabs')) {
    const loaded = loadConfig(cur);
    const tabs = loaded.diagnostics.filter((d) => d.code === 'tab-indent');
    if (tabs.length > 0 && tabs[0].fix) {
      cur = applyTextEdits(cur, tabs[0].fix.edits);
      applied.push(
        `replaced tabs with spaces on ${tabs.length} line${tabs.length === 1 ? '' : 's'} (tab width ${String(tabs[0].data?.tabWidth ?? '?')})`,
      );
    }
  }
  if (which.includes('snake-case')) {
    const loaded = loadConfig(cur);
    const edits: TextEdit[] = [];
    for (const d of loaded.diagnostics) {
      if (d.code !== 'snake-case-key' || !d.fix) continue;
      const camel = String(d.data?.camelCase ?? '');
      const siblingPath = (loaded.pathAt(d.range.start) ?? []).slice(0, -1);
      if (camel && hasExactKey(loaded, [...siblingPath, camel])) continue;
      edits.push(...d.fix.edits);
      applied.push(`renamed "${String(d.data?.key)}" to "${camel}" (line ${d.range.start.line + 1})`);
    }
    cur = applyTextEdits(cur, edits);
  }
  return { text: cur, applied };
}

/** True when the map at the path's parent holds the key spelled exactly as the path's last segment. */
function hasExactKey(loaded: LoadedConfig, path: ConfigPath): boolean {
  const f = exact(loaded, path, 'key');
  if (!f) return false;
  const starts = lineStarts(loaded.text);
  const s = starts[f.start.line] + f.start.character;
  const e = starts[f.end.line] + f.end.character;
  return loaded.text.slice(s, e) === path[path.length - 1];
}

function exact(loaded: LoadedConfig, path: ConfigPath, part: 'key' | 'value'): Range | undefined {
  const find = (loaded as unknown as { find?: (p: ConfigPath, part: 'key' | 'value') => { range: Range; exact: boolean } }).find;
  if (typeof find !== 'function') return undefined;
  const r = find.call(loaded, path, part);
  return r.exact ? r.range : undefined;
}

/**
 * Writes `experienceID: <id>` into each listed experience (by index in `experiences`): after the
 * entry's `name:` line (or its first line when it has no name), at the same indentation as that
 * key; an existing `experienceID` (or `experience_id`) value is replaced instead. Flow-style
 * entries (`{name: a, …}`) get `, experienceID: <id>` before their closing brace. Indexes that do
 * not exist are skipped. Everything else stays byte for byte.
 */
export function setExperienceIDs(text: string, ids: ReadonlyMap<number, string>): string {
  if (ids.size === 0) return text;
  const loaded = loadConfig(text);
  const starts = lineStarts(text);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: TextEdit[] = [];
  const offsetOf = (p: { line: number; character: number }) => starts[p.line] + p.character;
  for (const [index, id] of ids) {
    const item = exact(loaded, ['experiences', index], 'value');
    if (!item) continue;
    const value = yamlScalar(id, false);
    const existing = exact(loaded, ['experiences', index, 'experienceID'], 'value');
    const existingKey = exact(loaded, ['experiences', index, 'experienceID'], 'key');
    if (existing && existingKey) {
      const sameAsKey = existing.start.line === existingKey.start.line && existing.start.character === existingKey.start.character;
      if (sameAsKey) {
        // `experienceID:` with no value: write after the colon.
        const colon = text.indexOf(':', offsetOf(existingKey.end));
        const at = colon === -1 ? existingKey.end : positionAt(starts, text.length, colon + 1);
        edits.push({ range: { start: at, end: at }, newText: ' ' + value });
      } else edits.push({ range: existing, newText: value });
      continue;
    }
    const itemStart = offsetOf(item.start);
    if (text[itemStart] === '{') {
      const end = offsetOf(item.end);
      const close = text.lastIndexOf('}', end);
      if (close > itemStart) {
        const at = positionAt(starts, text.length, close);
        const inner = text.slice(itemStart + 1, close).trim();
        edits.push({ range: { start: at, end: at }, newText: `${inner ? ', ' : ''}experienceID: ${value}` });
      }
      continue;
    }
    const nameKey = exact(loaded, ['experiences', index, 'name'], 'key');
    const nameValue = exact(loaded, ['experiences', index, 'name'], 'value');
    let keyPos = nameKey;
    let afterLine: number;
    if (nameKey && nameValue) afterLine = Math.max(nameKey.end.line, nameValue.end.line);
    else {
      // No name: the first key of the entry.
      const path = loaded.pathAt(item.start);
      const firstKey = path && path.length === 3 ? exact(loaded, path, 'key') : undefined;
      keyPos = firstKey;
      afterLine = firstKey ? firstKey.end.line : item.start.line;
    }
    if (!keyPos) continue;
    const lineText = text.slice(starts[keyPos.start.line], starts[keyPos.start.line] + keyPos.start.character);
    const indent = lineText.replace(/[^\t ]/g, ' ');
    const line = `${indent}experienceID: ${value}`;
    if (afterLine + 1 < starts.length) {
      const at = { line: afterLine + 1, character: 0 };
      edits.push({ range: { start: at, end: at }, newText: line + nl });
    } else {
      const end = positionAt(starts, text.length, text.length);
      edits.push({ range: { start: end, end }, newText: (text.endsWith('\n') ? '' : nl) + line + nl });
    }
  }
  return applyTextEdits(text, edits);
}
