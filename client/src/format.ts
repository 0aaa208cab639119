/** Small text formatters shared by the status bar, the plan webview and messages. No I/O. */
import type { ApplyResult } from '../../protocol';

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

/**
 * The calls of an apply, counted as a person reads them: `made` succeeded, `failed` were made
 * and failed, `skipped` were not made (cancelled, or left out because a call they depend on
 * failed). `ran` = made + failed.
 */
export function applyCounts(result: ApplyResult): { made: number; failed: number; skipped: number; ran: number } {
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

/**
 * How a config file is named to a person (plan tab, Apply button, modal, messages): its file
 * name, e.g. "demo.experiences.yaml"; the whole URI when the path has no file name.
 */
export function configLabel(uri: { path: string; toString(): string }): string {
  return uri.path.split('/').pop() || uri.toString();
}
