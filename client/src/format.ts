/** Small text formatters shared by the status bar, the plan webview and messages. No I/O. */
import type { PlanSummary } from '../../server/src/sync/model';

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

/** "2 create, 1 update, 3 archive" from a summary; only non-zero counts; "no changes" when none. */
export function formatSummary(summary: PlanSummary): string {
  const parts: string[] = [];
  const add = (n: number, label: string) => { if (n > 0) parts.push(`${n} ${label}`); };
  add(summary.create, 'create');
  add(summary.update, 'update');
  add(summary.restore, 'restore');
  add(summary.archive, 'archive');
  add(summary.tagAdditions, summary.tagAdditions === 1 ? 'tag addition' : 'tag additions');
  add(summary.tagRemovals, summary.tagRemovals === 1 ? 'tag removal' : 'tag removals');
  add(summary.systemAdditions, summary.systemAdditions === 1 ? 'system addition' : 'system additions');
  add(summary.testSuiteRevisions, summary.testSuiteRevisions === 1 ? 'test suite revision' : 'test suite revisions');
  return parts.length ? parts.join(', ') : 'no changes';
}
