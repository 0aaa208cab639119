/**
 * The `suspicious-characters` warning: control, bidirectional and invisible characters written
 * in a config (security/text.ts `findSuspicious`), which make the text read differently from
 * what it is: the "Trojan Source" class (CVE-2021-42574), as GitHub and VS Code flag it. One
 * diagnostic per run of such characters, at their range, with a quick fix (the diagnostic's
 * `data.fix`, applied by codeActions.ts) that removes them.
 */
import type { DiagnosticCode } from '../../../protocol';
import { DiagnosticSeverity, type Diagnostic, type Position } from 'vscode-languageserver';
import { lineStarts, positionAt as positionOf } from '../config/text';
import { describeCodePoint, findSuspicious, kindOfCodePoint } from '../security/text';
import type { DiagnosticData } from './diagnostics';

export const SUSPICIOUS_CHARACTERS = 'suspicious-characters' satisfies DiagnosticCode;

/** The warnings for `text` (a document version's whole text); `version` goes into `data` for the fix. */
export function suspiciousCharacterDiagnostics(text: string, source: string, version?: number): Diagnostic[] {
  const runs = findSuspicious(text);
  if (!runs.length) return [];
  const starts = lineStarts(text);
  const positionAt = (offset: number): Position => positionOf(starts, text.length, offset);
  return runs.map((r) => {
    const range = { start: positionAt(r.start), end: positionAt(r.end) };
    const distinct = [...new Set(r.codePoints)];
    const kinds = [...new Set(distinct.map(kindOfCodePoint))];
    const what = distinct.slice(0, 3).map(describeCodePoint).join(', ') + (distinct.length > 3 ? ', …' : '');
    const data: DiagnosticData = {
      version,
      fix: { title: `Remove ${r.codePoints.length === 1 ? describeCodePoint(r.codePoints[0]) : `${r.codePoints.length} hidden characters`}`, edits: [{ range, newText: '' }] },
    };
    return {
      range,
      severity: DiagnosticSeverity.Warning,
      code: SUSPICIOUS_CHARACTERS,
      source,
      message: `${capitalize(kinds.join(' and '))} ${what}: the text may read differently from what it is (Trojan Source, CVE-2021-42574). Remove it unless it is meant to be there.`,
      data,
    };
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
