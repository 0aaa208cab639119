/**
 * Which pull-request or merge-request comment is the bot's own, so that it is updated in place
 * and never posted twice (GitHub: ci/github.ts, GitLab: ci/gitlab.ts). A comment is ours when its
 * first line is the marker of `planMarker` (sync/markdown.ts) for the same project and config;
 * when no plan could be made (no project known), the one for the same config.
 */
import { isLoopbackHost } from '../security/loopback';
import { PLAN_MARKER_PREFIX } from '../sync/markdown';

/** The `project=` and `config=` parts of a marker line, or undefined when `body` does not start with one. */
export function markerOf(body: string): { project: string; config: string } | undefined {
  const first = body.split('\n', 1)[0] ?? '';
  if (!first.startsWith(PLAN_MARKER_PREFIX)) return undefined;
  const m = /project=(\S*) config=(\S*) -->$/.exec(first.trimEnd());
  return m ? { project: m[1]!, config: m[2]! } : undefined;
}

/** Whether `existing` (a comment body) is the bot's comment that `next` (the new body) replaces. */
export function isOwnComment(existing: string, next: string): boolean {
  const a = markerOf(existing);
  const b = markerOf(next);
  if (!a || !b) return false;
  return a.config === b.config && (a.project === b.project || !b.project || !a.project);
}

/**
 * Refuses (throws, one line) a CI API URL that would carry a token over plain http off loopback
 * (docs/security.md); `what` names the setting.
 */
export function assertSafeApiUrl(url: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${what} is not a URL: ${JSON.stringify(url)}.`);
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname))) return u;
  throw new Error(`${what} must be https (or http on 127.0.0.1): ${JSON.stringify(url)}; no token is sent over plain http.`);
}
