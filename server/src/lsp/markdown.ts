/**
 * Markdown helpers for hovers and completion documentation. Every string that comes from a
 * config or the API goes through `md()` (docs/security.md: every string from a config or the API is escaped):
 * CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it leaves no
 * way to inject links, HTML, code spans or emphasis. Line breaks are flattened; control, bidi
 * and invisible characters are shown as escapes (`\u202e`).
 *
 * IDs, names and values go into code spans instead (`mdCode`): CommonMark shows a code span's
 * content literally (no escapes are processed inside it), so a client that renders little or no
 * markdown (eglot, Neovim's floating window) still shows and copies them verbatim.
 *
 * `md`, `mdCode` and `mdValue` live in security/markdown.ts (shared with the plan's Markdown,
 * sync/markdown.ts) and are re-exported here.
 */

export { md, mdCode, mdValue } from '../security/markdown';
import { md } from '../security/markdown';

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
