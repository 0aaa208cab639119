/**
 * The contract of the config loader (`server/src/config/`): what `loadConfig` returns.
 * Positions are LSP-style: 0-based line and UTF-16 character.
 */
import type { DiagnosticCode } from '../../../protocol';
import type { ConfigPath, SyncConfig } from './model';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

/** A replacement of the text at `range` (positions in the text the edit was computed for). */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * One problem found in the config text. `code` is a stable code (docs/diagnostics.md).
 * `fix`, where present, is the safe quick fix (a set of edits applied together).
 */
export interface ConfigDiagnostic {
  code: DiagnosticCode;
  message: string;
  severity: Severity;
  range: Range;
  related?: { range: Range; message: string }[];
  fix?: { title: string; edits: TextEdit[] };
  /** Extra data for code actions (e.g. `{ suggestion: "tags" }` for unknown-key). */
  data?: Record<string, unknown>;
}

/** The result of loading one config text. Never throws for bad input. */
export interface LoadedConfig {
  text: string;
  /** Best-effort normalised (camelCase) config: invalid entries are kept as far as they parse. */
  config: SyncConfig;
  /** Static diagnostics, sorted by position. */
  diagnostics: ConfigDiagnostic[];
  /** True when no diagnostic has severity "error". */
  ok: boolean;
  /** The value of a first-line `# resim-project: <name or ID>` comment, if any. */
  projectComment?: string;
  /**
   * The source range of the node at `path` (canonical camelCase keys, whichever spelling the
   * file used). `part: 'key'` gives the key of a map entry instead of its value. Falls back to
   * the nearest existing ancestor; undefined only when nothing matches.
   */
  rangeOf(path: ConfigPath, part?: 'key' | 'value'): Range | undefined;
  /** The path of the innermost node at a position (for hover/completion), canonical keys. */
  pathAt(pos: Position): ConfigPath | undefined;
}
