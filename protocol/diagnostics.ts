/**
 * Every diagnostic code the language server publishes and the CLI prints (`validate`, `--json`
 * problems), with its severity. docs/diagnostics.md documents each one (meaning and fix);
 * test/unit/docs.test.ts checks that the document and this table list the same codes with the
 * same severities.
 */

export type DiagnosticSeverityName = 'error' | 'warning' | 'information';

/** Code → severity. Adding a code here without documenting it fails the docs test. */
export const DIAGNOSTIC_SEVERITY = {
  // The bytes (server/src/config/decode.ts)
  encoding: 'error',
  'invalid-utf8': 'error',
  'nul-character': 'error',
  'replacement-character': 'warning',
  // The file (config loader, server/src/config/)
  'yaml-syntax': 'error',
  'tab-indent': 'error',
  'empty-config': 'error',
  schema: 'error',
  'unknown-key': 'error',
  'snake-case-key': 'warning',
  'unquoted-scalar': 'warning',
  'yaml11-boolean': 'warning',
  'empty-test-suite': 'warning',
  'duplicate-experience-name': 'error',
  'duplicate-experience-id': 'error',
  'duplicate-tag': 'warning',
  'duplicate-test-suite': 'error',
  'unknown-experience-in-suite': 'warning',
  'unmanaged-tag': 'information',
  // Against the project (the plan, server/src/sync/plan.ts)
  'name-taken': 'error',
  'ambiguous-match': 'error',
  'unknown-experience-id': 'error',
  'unknown-tag': 'error',
  'unknown-system': 'error',
  'unknown-managed-tag': 'error',
  'unknown-test-suite': 'error',
  'archived-experience-in-suite': 'error',
  'suite-experience-not-found': 'error',
  'will-restore': 'information',
  'will-archive': 'warning',
  // The editor (server/src/lsp/) and the loader's text checks
  'state-unavailable': 'warning',
  'suspicious-characters': 'warning',
} as const satisfies Record<string, DiagnosticSeverityName>;

/** A stable diagnostic code (docs/diagnostics.md). */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_SEVERITY;
