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

/**
 * The JSON of a failure that is not a config problem (an API failure, bad input, a refusal), in
 * the shape of `problemsJson` so that stdout is always parseable with `--json`:
 * `{"errors": [{code, message, line: null, column: null}]}`. `code` is the API problem's code
 * (server/src/resim/problems.ts), a guard's refusal code, or `usage` / `bad-input` / `internal-error`.
 */
export function failureJson(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, line: null, column: null }] }, null, 2);
}

/** Whether the command line asks for JSON on stdout (`--json`, `--format json`, `--format=json`; before `--`). */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return args.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && args[i + 1] === 'json'));
}
