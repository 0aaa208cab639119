/**
 * "Did you mean": the closest known name to a likely typo, for unknown keys (config loader) and
 * unknown tags, systems and test suites (plan, code actions). One rule everywhere: compared
 * case-insensitively and without `_`/`-`, a candidate is close enough at an edit distance of at
 * most max(2, a third of the name's length).
 */

/** Levenshtein distance; gives up early (returns `limit + 1`) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
      if (prev[j] < rowMin) rowMin = prev[j];
    }
    if (rowMin > limit) return limit + 1;
  }
  return prev[b.length];
}

/** Names longer than this are never typos of a known name (and would make the search slow). */
const MAX_NAME = 256;

/** The candidate closest to `name`, if close enough to be a likely typo; else undefined. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_NAME) return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const k = norm(name);
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const cand of candidates) {
    if (cand.length > MAX_NAME) continue;
    const d = editDistance(k, norm(cand), bestD - 1 < limit ? bestD - 1 : limit);
    if (d < bestD) {
      best = cand;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
