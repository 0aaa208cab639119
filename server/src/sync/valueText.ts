/**
 * Field values and list items as a person reads them (the plan webview, client/src/planHtml.ts,
 * and the hover, lsp/markdown.ts): the one home of that rule. Pure; the callers escape.
 */

/** A field value as the user reads it: strings bare, everything else as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/**
 * One list item as the user reads it: strings bare, `{name, value}` (environment variables) as
 * `NAME=value`, `{name, type, values}` (custom fields) as `name (type): a, b`, else JSON.
 */
export function itemText(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.value === 'string' && Object.keys(o).length === 2) return `${o.name}=${o.value}`;
    if (typeof o.name === 'string' && typeof o.type === 'string' && Array.isArray(o.values)) {
      return `${o.name} (${o.type}): ${o.values.map(String).join(', ')}`;
    }
  }
  return valueText(item);
}
