/**
 * Diagnostics (docs/diagnostics.md, "Diagnostics"): renders what the config loader found (static codes)
 * and what the plan found (live codes) as LSP diagnostics, `source: "resim"`, `code` = the
 * stable code. Nothing is decided here: static problems are `loadConfig`'s, live ones are
 * `computePlan`'s `errors` and `notices`; this module only maps config paths to ranges
 * (`loaded.rangeOf`) and adds `state-unavailable` when live checks are off.
 *
 * Every diagnostic carries `data` for the code actions: the loader's `fix` and `data`, and for
 * live codes the config path.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import type { ConfigDiagnostic, LoadedConfig, Severity } from '../config/types';
import type { ConfigPath } from '../config/model';
import type { Plan } from '../sync/model';
import type { Analysis } from './analysis';

export const SOURCE = 'resim';

/** What a diagnostic's `data` holds (read back by codeActions.ts). */
export interface DiagnosticData {
  fix?: ConfigDiagnostic['fix'];
  loader?: Record<string, unknown>;
  path?: ConfigPath;
  version?: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The range of the first line (where file-level diagnostics go). */
export function firstLineRange(text: string): Range {
  const nl = text.slice(0, 10_001).search(/\r|\n/); // a line ends at LF, CRLF or a lone CR (config/text.ts)
  const len = nl < 0 ? text.length : nl;
  return { start: { line: 0, character: 0 }, end: { line: 0, character: Math.max(0, Math.min(len, 10_000)) } };
}

/** The loader's diagnostics, as they are. */
export function staticDiagnostics(uri: string, loaded: LoadedConfig, version?: number): Diagnostic[] {
  return loaded.diagnostics.map((d) => {
    const data: DiagnosticData = { version };
    if (d.fix) data.fix = d.fix;
    if (d.data) data.loader = d.data;
    const out: Diagnostic = {
      range: d.range,
      severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
      code: d.code,
      source: SOURCE,
      message: d.message,
      data,
    };
    if (d.related?.length) out.relatedInformation = d.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
    return out;
  });
}

/** The plan's errors and notices at the ranges of their config paths. */
export function liveDiagnostics(uri: string, loaded: LoadedConfig, plan: Plan, version?: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const rangeOf = (path: ConfigPath, part?: 'key' | 'value'): Range => {
    try {
      return loaded.rangeOf(path, part) ?? ZERO;
    } catch {
      return ZERO;
    }
  };
  for (const e of plan.errors) {
    const d: Diagnostic = {
      range: rangeOf(e.path),
      severity: DiagnosticSeverity.Error,
      code: e.code,
      source: SOURCE,
      message: e.message,
      data: { path: e.path, version } satisfies DiagnosticData,
    };
    if (e.related?.length)
      d.relatedInformation = e.related.map((r): DiagnosticRelatedInformation => ({
        location: { uri, range: rangeOf(r.path) },
        message: r.message,
      }));
    out.push(d);
  }
  for (const n of plan.notices) {
    // `will-archive` is about the whole list: it goes on the `experiences` key.
    const onKey = n.path.length === 1 && typeof n.path[0] === 'string';
    out.push({
      range: rangeOf(n.path, onKey ? 'key' : undefined),
      severity: SEVERITY[n.severity] ?? DiagnosticSeverity.Information,
      code: n.code,
      source: SOURCE,
      message: n.message,
      data: { path: n.path, version } satisfies DiagnosticData,
    });
  }
  return out;
}

/** `state-unavailable` at line 0: live checks are off, and why. */
export function stateUnavailable(text: string, message: string): Diagnostic {
  return { range: firstLineRange(text), severity: DiagnosticSeverity.Warning, code: 'state-unavailable', source: SOURCE, message };
}

/** All diagnostics of an analysis: static, live (plan), and `state-unavailable` when live checks are off. */
export function diagnosticsOf(a: Analysis): Diagnostic[] {
  let out = staticDiagnostics(a.uri, a.loaded, a.version);
  if (a.plan) {
    // A tag the project does not have is a typo (`unknown-tag`, with its did-you-mean), not a tag to manage.
    const tags = new Set(a.snapshot?.state?.tags.map((t) => t.name));
    out = out.filter((d) => d.code !== 'unmanaged-tag' || tags.has(String(((d.data ?? {}) as DiagnosticData).loader?.tag)));
    const seen = new Set(out.map((d) => key(d)));
    for (const d of liveDiagnostics(a.uri, a.loaded, a.plan, a.version)) if (!seen.has(key(d))) out.push(d);
  } else if (a.snapshot?.problem) {
    out.push(stateUnavailable(a.loaded.text, a.snapshot.problem.message));
  }
  return out;
}

function key(d: Diagnostic): string {
  const r = d.range;
  return `${d.code}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
