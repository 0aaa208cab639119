/**
 * How the CLI reports problems: compiler-style lines (`file:line:col: error: message [code]`)
 * for people, `{"errors": [{code, message, line, column}]}` for `--json` (docs/diagnostics.md).
 */
import type { Problem } from '../sync/problems';
import { escapeVisible } from '../security/text';
import { paint, type Paint } from './style';

/** Compiler-style lines, `file:line:col: error: message [code]`; the severity coloured by `style`. */
export function formatProblems(file: string, problems: Problem[], style: Paint = paint(false)): string {
  return problems
    .map(
      (p) =>
        `${file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${style(p.severity, p.severity === 'information' ? 'info' : p.severity)}: ${escapeVisible(p.message)} [${p.code}]`,
    )
    .join('\n');
}

export function problemsJson(problems: Problem[]): string {
  const of = (severity: string) =>
    problems
      .filter((p) => p.severity === severity)
      .map((p) => ({ code: p.code, message: p.message, line: p.line ?? null, column: p.column ?? null }));
  const warnings = of('warning');
  return JSON.stringify({ errors: of('error'), ...(warnings.length ? { warnings } : {}) }, null, 2);
}
