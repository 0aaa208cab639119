/**
 * Text from outside (experience, tag, system, suite and project names, field values, messages
 * of the API) shown to a person: one home for the characters that can make text read differently
 * from what it is (docs/security.md, "Terminal and display injection").
 *
 * - Control characters: C0 (U+0000–U+001F, e.g. ESC, which starts a terminal escape sequence,
 *   and CR, which rewrites a line), DEL (U+007F) and C1 (U+0080–U+009F; U+009B is a one-byte CSI).
 * - Bidirectional controls (Unicode UAX #9: U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), which reorder what is displayed: the "Trojan Source" class, CVE-2021-42574.
 * - Invisible characters: zero-width space, non-joiner, joiner (U+200B–U+200D), word joiner and
 *   invisible operators (U+2060–U+2064), U+FEFF, U+180E; and the line/paragraph separators
 *   U+2028/U+2029, which some displays break lines at.
 *
 * `escapeVisible` writes each as a visible escape (`\x1b`, `\r`, `\u202e`), `quote` quotes a
 * name for a message or a comment, `findSuspicious` finds them for the editor's
 * `suspicious-characters` warning. Pure, no I/O.
 */

/** Every character `escapeVisible` escapes (global). */
const UNSAFE_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** The same without `\n` and `\t`, for multi-line messages. */
const UNSAFE_KEEP_LINES_RE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** What the editor flags in a config (everything unsafe except tab, LF and CR, which YAML uses). */
const SUSPICIOUS_RE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control, bidirectional and invisible character written as a visible escape
 * (`\x1b`, `\r`, `\n`, `\u202e`, …). With `keepLines`, `\n` and `\t` are kept (messages of
 * several lines).
 */
export function escapeVisible(text: string, opts: { keepLines?: boolean } = {}): string {
  const re = opts.keepLines ? UNSAFE_KEEP_LINES_RE : UNSAFE_RE;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, escapeChar) : text;
}

/** True when `text` holds a character that `escapeVisible` would escape. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE_RE.lastIndex = 0;
  return UNSAFE_RE.test(text);
}

/**
 * `text` in double quotes, as a person reads it in a message, a terminal or a comment: `"` and
 * `\` escaped, every unsafe character a visible escape. Never spans lines.
 */
export function quote(text: string): string {
  return `"${escapeVisible(text.replace(/[\\"]/g, (c) => `\\${c}`))}"`;
}

/** A run of suspicious characters in a text: UTF-16 offsets `[start, end)` and the code points. */
export interface SuspiciousRun {
  start: number;
  end: number;
  codePoints: number[];
}

/**
 * The runs of suspicious characters in `text` (controls other than tab/LF/CR, bidirectional
 * controls, invisible characters). A byte order mark at offset 0 is not reported.
 */
export function findSuspicious(text: string): SuspiciousRun[] {
  const out: SuspiciousRun[] = [];
  SUSPICIOUS_RE.lastIndex = 0;
  for (let m = SUSPICIOUS_RE.exec(text); m; m = SUSPICIOUS_RE.exec(text)) {
    let start = m.index;
    if (start === 0 && text.charCodeAt(0) === 0xfeff) start = 1;
    if (start >= m.index + m[0].length) continue;
    const run = text.slice(start, m.index + m[0].length);
    out.push({ start, end: m.index + m[0].length, codePoints: [...run].map((c) => c.codePointAt(0)!) });
  }
  return out;
}

const NAMES: Record<number, string> = {
  0x061c: 'ARABIC LETTER MARK',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x2060: 'WORD JOINER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x1b: 'ESCAPE',
};

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, `U+001B ESCAPE`, `U+0007` for a code point. */
export function describeCodePoint(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return NAMES[cp] ? `${hex} ${NAMES[cp]}` : hex;
}

/** The kind of a suspicious code point, for messages. */
export function kindOfCodePoint(cp: number): 'bidirectional control' | 'invisible character' | 'control character' {
  if (cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return 'bidirectional control';
  if (cp <= 0x9f) return 'control character';
  return 'invisible character';
}
