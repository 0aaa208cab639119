/**
 * The `suspicious-characters` warning: control, bidirectional and invisible characters written
 * in a config (security/text.ts `findSuspicious`), which make the text read differently from
 * what it is: the "Trojan Source" class (CVE-2021-42574), as GitHub and VS Code flag it. One
 * diagnostic per run of such characters, at its range, with a fix that removes the run. A static
 * check of the loader, so `resim-sync validate` and the editor report the same (docs/security.md).
 */
import { describeCodePoint, findSuspicious, kindOfCodePoint } from '../security/text';
import { lineOf } from './text';
import type { ConfigDiagnostic, Position } from './types';

export const SUSPICIOUS_CHARACTERS = 'suspicious-characters';

/** The warnings for `text`; `starts` are its line starts (text.ts `lineStarts`). */
export function suspiciousCharacterDiagnostics(text: string, starts: readonly number[]): ConfigDiagnostic[] {
  const positionAt = (offset: number): Position => {
    const line = lineOf(starts, offset);
    return { line, character: offset - starts[line] };
  };
  return findSuspicious(text).map((r) => {
    const range = { start: positionAt(r.start), end: positionAt(r.end) };
    const distinct = [...new Set(r.codePoints)];
    const kinds = [...new Set(distinct.map(kindOfCodePoint))];
    const what = distinct.slice(0, 3).map(describeCodePoint).join(', ') + (distinct.length > 3 ? ', …' : '');
    const title = `Remove ${r.codePoints.length === 1 ? describeCodePoint(r.codePoints[0]) : `${r.codePoints.length} hidden characters`}`;
    return {
      code: SUSPICIOUS_CHARACTERS,
      severity: 'warning',
      message: `${capitalize(kinds.join(' and '))} ${what}: the text may read differently from what it is (Trojan Source, CVE-2021-42574). Remove it unless it is meant to be there.`,
      range,
      fix: { title, edits: [{ range, newText: '' }] },
    };
  });
}

/** Whether `text` holds any character `suspiciousCharacterDiagnostics` reports (the fast path hands such texts to the full loader). */
export function hasSuspiciousCharacters(text: string): boolean {
  return findSuspicious(text).length > 0;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
