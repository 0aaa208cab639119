/**
 * Text from a config or the API in Markdown (hovers and completion documentation: lsp/; the
 * plan's Markdown for pull-request comments: sync/markdown.ts), docs/security.md: every string
 * from a config or the API is escaped.
 *
 * - `md`: literal Markdown text. CommonMark lets any ASCII punctuation be backslash-escaped, so
 *   escaping all of it leaves no way to inject links, HTML, code spans or emphasis.
 * - `mdCode`: a code span, whose content CommonMark (and GitHub) shows literally: no element,
 *   link, autolink or @-mention is made inside one.
 * - `mdValue`: a field's JSON value as a code span.
 *
 * Line breaks are flattened; control, bidi and invisible characters are shown as escapes
 * (`\u202e`, `escapeVisible`).
 */
import { escapeVisible } from './text';
import { itemText } from '../sync/valueText';

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** `s` as literal Markdown text, single line, at most `max` characters (then "…"). */
export function md(s: unknown, max = 300): string {
  let t = typeof s === 'string' ? s : s === undefined ? 'undefined' : (JSON.stringify(s) ?? String(s));
  t = t.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  if (t.length > max) t = t.slice(0, max) + '…';
  t = escapeVisible(t); // control, bidi and invisible characters as visible escapes (security/text.ts)
  return t.replace(PUNCTUATION, '\\$&');
}

/**
 * `s` as a CommonMark code span, single line, at most `max` characters (then "…"): fenced by one
 * more backtick than the longest backtick run inside, padded with a space when it starts or ends
 * with a backtick or a space (CommonMark strips one such space on each side). The empty string
 * is `*(empty)*` (an empty span would show its backticks).
 */
export function mdCode(s: unknown, max = 300): string {
  let t = typeof s === 'string' ? s : s === undefined ? 'undefined' : (JSON.stringify(s) ?? String(s));
  t = t.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  if (t.length > max) t = t.slice(0, max) + '…';
  t = escapeVisible(t); // control, bidi and invisible characters as visible escapes (security/text.ts)
  if (!t) return '*(empty)*';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/**
 * A JSON value (a field's before/after) as a code span; a list of objects (environment
 * variables, custom fields) item by item as a person reads it (`NAME=value, …`; sync/valueText.ts).
 */
export function mdValue(v: unknown, max = 200): string {
  if (v === null || v === undefined) return '*(unset)*';
  if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object')) return mdCode(v.map(itemText).join(', '), max);
  return mdCode(JSON.stringify(v), max);
}
