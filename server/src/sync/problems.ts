/**
 * The problems of a config against a project, in file order, with 1-based positions: the
 * loader's diagnostics, the plan's errors and its notices. One mapping for every front end: the
 * CLI's lines and `--json` (server/src/cli/output.ts) and `resim/preview`'s `errors`
 * (server/src/lsp/requests.ts). Codes: docs/diagnostics.md.
 */
import type { DiagnosticCode } from '../../../protocol';
import type { LoadedConfig } from '../config/types';
import type { PlanError, PlanNotice } from './model';
import { entryLabel } from './render';

/** A problem as the CLI prints it; `line` and `column` are 1-based. */
export interface Problem {
  code: DiagnosticCode;
  message: string;
  severity: 'error' | 'warning' | 'information';
  line?: number;
  column?: number;
}

/** The loader's diagnostics and the plan's errors and notices, in file order. */
export function collectProblems(loaded: LoadedConfig | undefined, planErrors: PlanError[] = [], notices: PlanNotice[] = []): Problem[] {
  const out: Problem[] = [];
  for (const d of loaded?.diagnostics ?? [])
    out.push({ code: d.code, message: d.message, severity: d.severity, line: d.range.start.line + 1, column: d.range.start.character + 1 });
  const fromPath = (code: DiagnosticCode, message: string, severity: Problem['severity'], path: PlanError['path']) => {
    const range = loaded?.rangeOf(path, path.length === 1 ? 'key' : 'value');
    const label = loaded ? entryLabel(loaded.config, path) : undefined;
    out.push({
      code,
      message: label && !message.toLowerCase().includes(label.toLowerCase()) ? `${label}: ${message}` : message,
      severity,
      line: range ? range.start.line + 1 : undefined,
      column: range ? range.start.character + 1 : undefined,
    });
  };
  for (const e of planErrors) fromPath(e.code, e.message, 'error', e.path);
  for (const n of notices) fromPath(n.code, n.message, n.severity, n.path);
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
