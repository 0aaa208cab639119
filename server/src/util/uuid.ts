/**
 * Experience IDs as the resim CLI reads them: its config type holds `experienceID` as a UUID,
 * decoded by `github.com/google/uuid`'s `Parse`, which accepts four spellings of one UUID, in
 * any letter case:
 *
 * - `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (36 characters)
 * - `urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (45; the prefix in any case)
 * - `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (38)
 * - `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` (32 hex digits)
 *
 * The one home of that rule: the loader (schema format, duplicate-ID check) and the planner
 * (matching by ID) both compare `parseUUID` results, never the raw text. See docs/sync-rules.md.
 */

const HEX = /^[0-9a-fA-F]+$/;

/**
 * The canonical form (lower case, 8-4-4-4-12 with dashes) of a UUID written in any of the
 * spellings above; `undefined` for anything else (no version or variant check, like the reference).
 */
export function parseUUID(text: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  let s = text;
  switch (s.length) {
    case 45:
      if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
      s = s.slice(9);
      break;
    case 38:
      if (s[0] !== '{' || s[37] !== '}') return undefined;
      s = s.slice(1, 37);
      break;
    case 36:
      break;
    case 32:
      if (!HEX.test(s)) return undefined;
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`.toLowerCase();
    default:
      return undefined;
  }
  if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
  const hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  if (hex.length !== 32 || !HEX.test(hex)) return undefined;
  return s.toLowerCase();
}

/** `parseUUID(text)`, or the text itself when it is not a UUID (so that a bad ID still compares as written). */
export function uuidKey(text: string): string {
  return parseUUID(text) ?? text;
}
