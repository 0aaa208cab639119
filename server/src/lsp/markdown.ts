/**
 * Markdown helpers for hovers and completion documentation. Every string that comes from a
 * config or the API goes through `md()` (brief: "escape every string from a config or the API"):
 * CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it leaves no
 * way to inject links, HTML, code spans or emphasis. Line breaks are flattened.
 */

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** `s` as literal Markdown text, single line, at most `max` characters (then "…"). */
export function md(s: unknown, max = 300): string {
  let t = typeof s === 'string' ? s : s === undefined ? 'undefined' : JSON.stringify(s) ?? String(s);
  t = t.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  if (t.length > max) t = t.slice(0, max) + '…';
  return t.replace(PUNCTUATION, '\\$&');
}

/** A JSON value (a field's before/after) as escaped Markdown text. */
export function mdValue(v: unknown, max = 200): string {
  if (v === null || v === undefined) return '*(unset)*';
  return md(JSON.stringify(v), max);
}

/** A link whose URL is built only from IDs (percent-encoded); the label is escaped. */
export function mdLink(label: string, url: string): string {
  return `[${md(label)}](${url.replace(/[()\s<>]/g, encodeURIComponent)})`;
}

/**
 * The ReSim app that belongs to an API (the resim CLI's deployments: `api.resim.ai` → `app.resim.ai`,
 * `api.resim.io` (staging) → `app.resim.io`); undefined for any other API (a sandbox, a proxy),
 * whose app is unknown.
 */
export function appUrlFor(apiUrl: string): string | undefined {
  let host: string;
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:') return undefined;
    host = u.hostname;
  } catch {
    return undefined;
  }
  const apps: Record<string, string> = { 'api.resim.ai': 'https://app.resim.ai', 'api.resim.io': 'https://app.resim.io' };
  return apps[host];
}

/** The page of an experience in the app of `apiUrl`; undefined when that app is unknown. */
export function experienceUrl(apiUrl: string, projectID: string, experienceID: string): string | undefined {
  const app = appUrlFor(apiUrl);
  return app && `${app}/projects/${encodeURIComponent(projectID)}/experiences/${encodeURIComponent(experienceID)}`;
}
