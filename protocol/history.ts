/**
 * The sync history and undo as the client, the server and the CLI share them (docs/undo.md):
 * one recorded sync's summary, and the `resim/history`, `resim/undoPreview` and `resim/undoApply`
 * requests (declared as protocol/messages.ts declares its own).
 */
import type { ApplyResult } from './messages';
import type { PlanJson, PlanSummary } from './plan';
import { formatSummary } from './plan';

/** One recorded sync (or undo) as `resim-sync history --json` and `resim/history` list it. */
export interface SyncRecordSummary {
  /** `YYYYMMDDTHHMMSSZ-<6 hex>`: sortable by time; `resim-sync undo <recordID>`. */
  recordID: string;
  kind: 'sync' | 'undo';
  /** The record an undo undid. */
  undoOf?: string;
  /** ISO time the apply started. */
  time: string;
  /** The signed-in account when known. */
  who?: string;
  project: { id: string; name: string };
  /** The config file (path or URI) of a sync. */
  source?: string;
  summary: PlanSummary;
  /** `complete`; `failed` (some calls failed); `cancelled`; `unfinished` (the process was stopped mid-apply). */
  status: 'complete' | 'failed' | 'cancelled' | 'unfinished';
}

/** A record that is listed but refused (edited by hand or damaged): its ID and the one-line reason. */
export interface RefusedRecord {
  recordID: string;
  problem: string;
}

/** "2026-12-08 00:30 · alice@example.com · 2 to create, 1 to archive" (with "undo of …" and a status when not complete). */
export function recordLabel(r: SyncRecordSummary): string {
  const parts = [r.time.replace('T', ' ').slice(0, 16), r.who ?? 'unknown', formatSummary(r.summary)];
  if (r.kind === 'undo') parts.push(`undo of ${r.undoOf}`);
  if (r.status !== 'complete') parts.push(r.status);
  return parts.join(' · ');
}

/**
 * `resim/history` `{}` → the records of every project in the server's history folder (newest
 * first) and the folder; refused records are listed apart.
 */
export namespace HistoryRequest {
  export const method = 'resim/history';
  export type Params = Record<string, never> | undefined;
  export interface Result {
    dir: string;
    records: SyncRecordSummary[];
    refused: RefusedRecord[];
  }
}

/**
 * `resim/undoPreview` `{recordID}` → `{plan}`: the undo plan against the project as it is now
 * (plan JSON with `undo`), or `{plan: null, error}` when it cannot be made (no such record, a
 * refused record, the project cannot be read) with a one-line reason.
 */
export namespace UndoPreviewRequest {
  export const method = 'resim/undoPreview';
  export interface Params {
    recordID: string;
  }
  export interface Result {
    plan: PlanJson | null;
    error?: string;
  }
}

/**
 * `resim/undoApply` `{recordID, stateFingerprint, allowMassArchive?, workDoneToken?}` →
 * `ApplyResult` with the undo's own `recordID`. Re-reads the project, recomputes the undo plan
 * and refuses (a ResponseError with `data.code`, as `resim/apply`) when the project changed since
 * the preview (`stale-plan`) or the mass-archive guard trips without `allowMassArchive`.
 */
export namespace UndoApplyRequest {
  export const method = 'resim/undoApply';
  export interface Params {
    recordID: string;
    stateFingerprint: string;
    allowMassArchive?: boolean;
    workDoneToken?: string | number;
  }
  export type Result = ApplyResult & { recordID?: string };
}
