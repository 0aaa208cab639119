/**
 * How the CLI reports problems: compiler-style lines (`file:line:col: error: message [code]`)
 * for people, `{"errors": [{code, message, line, column}]}` for `--json` (DESIGN.md).
 */
import type { LoadedConfig } from '../config/types';
import type { PlanError, PlanNotice } from '../sync/model';
import { entryLabel } from '../sync/render';
import { escapeVisible } from '../security/text';

/** A problem as the CLI prints it; `line` and `column` are 1-based. */
export interface Problem {
  code: string;
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
  const fromPath = (code: string, message: string, severity: Problem['severity'], path: PlanError['path']) => {
    const range = loaded?.rangeOf(path, path.length === 1 ? 'key' : 'value');
    const label = loaded ? entryLabel(loaded.config, path) : undefined;
    out.push({ code, message: label && !message.toLowerCase().includes(label.toLowerCase()) ? `${label}: ${message}` : message, severity, line: range ? range.start.line + 1 : undefined, column: range ? range.start.character + 1 : undefined });
  };
  for (const e of planErrors) fromPath(e.code, e.message, 'error', e.path);
  for (const n of notices) fromPath(n.code, n.message, n.severity, n.path);
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export function formatProblems(file: string, problems: Problem[], color: boolean): string {
  const paint = (sev: Problem['severity'], s: string) => (!color ? s : sev === 'error' ? `\x1b[31m${s}\x1b[0m` : sev === 'warning' ? `\x1b[33m${s}\x1b[0m` : `\x1b[36m${s}\x1b[0m`);
  return problems
    .map((p) => `${file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${paint(p.severity, p.severity === 'information' ? 'info' : p.severity)}: ${escapeVisible(p.message)} [${p.code}]`)
    .join('\n');
}

export function problemsJson(problems: Problem[]): string {
  const of = (severity: string) =>
    problems.filter((p) => p.severity === severity).map((p) => ({ code: p.code, message: p.message, line: p.line ?? null, column: p.column ?? null }));
  const warnings = of('warning');
  return JSON.stringify(
    { errors: of('error'), ...(warnings.length ? { warnings } : {}) },
    null,
    2,
  );
}
