/** Small text formatters shared by the status bar, the plan webview and messages. No I/O. */
import type { PlanSummary } from '../../server/src/sync/model';
import type { ApplyResultJson } from './protocol';

/**
 * How long ago `iso` was, relative to `now`: "just now", "42 s ago", "3 min ago", "2 h ago",
 * "5 d ago". An unparsable or absent time gives "unknown".
 */
export function formatAge(iso: string | undefined, now: Date): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown';
  const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** "2 to create, 1 to update, 3 to archive, 1 tag removal" from a summary; only non-zero counts; "no changes" when none. */
export function formatSummary(summary: PlanSummary): string {
  const parts: string[] = [];
  const add = (n: number, label: string) => { if (n > 0) parts.push(`${n} ${label}`); };
  add(summary.create, 'to create');
  add(summary.update, 'to update');
  add(summary.restore, 'to restore');
  add(summary.archive, 'to archive');
  add(summary.tagAdditions, summary.tagAdditions === 1 ? 'tag addition' : 'tag additions');
  add(summary.tagRemovals, summary.tagRemovals === 1 ? 'tag removal' : 'tag removals');
  add(summary.systemAdditions, summary.systemAdditions === 1 ? 'system addition' : 'system additions');
  add(summary.testSuiteRevisions, summary.testSuiteRevisions === 1 ? 'test suite revision' : 'test suite revisions');
  return parts.length ? parts.join(', ') : 'no changes';
}

/** "1 call", "2 calls", "1 experience", "3 experiences" (`many` defaults to `one` + "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The calls of an apply, counted as a person reads them: `made` succeeded, `failed` were made
 * and failed, `skipped` were not made (cancelled, or left out because a call they depend on
 * failed). `ran` = made + failed.
 */
export function applyCounts(result: ApplyResultJson): { made: number; failed: number; skipped: number; ran: number } {
  let made = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of result.calls) {
    if (c.ok) made++;
    else if (c.skipped) skipped++;
    else failed++;
  }
  return { made, failed, skipped, ran: made + failed };
}
