/**
 * Config bytes → text, the one reading of a config file's bytes (the CLI reads files; the
 * language server checks the file behind a `file:` document). The rules, in order:
 *
 * - A UTF-16 or UTF-32 file (a byte order mark, or UTF-16's every-other-byte NULs) is decoded
 *   when it can be, and an `encoding` error names the encoding: sync configs are UTF-8 (the
 *   files this tool writes are UTF-8, and `--fix` / `--update-config` edit them in place).
 * - A UTF-8 byte order mark is kept in the text (the loader and the `# resim-project:` reading
 *   allow it), so a file written back keeps it.
 * - Invalid UTF-8 is an `invalid-utf8` error naming the byte offset of the first bad byte,
 *   never a silent replacement (the text is decoded with U+FFFD so that the rest is checked,
 *   and the loader's `replacement-character` warning marks each place).
 * - NUL bytes stay in the text: the loader reports them (`nul-character`), for files and for
 *   editor buffers alike.
 *
 * Positions are LSP-style (0-based line, UTF-16 character) in the returned text.
 */
import { isUtf8 } from 'buffer';
import type { ConfigDiagnostic } from './types';

export interface DecodedConfig {
  text: string;
  /** Byte-level problems (`encoding`, `invalid-utf8`), sorted by position. */
  diagnostics: ConfigDiagnostic[];
}

const BOMS: { bytes: number[]; encoding: string; decoder?: string }[] = [
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32 BE' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32 LE' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16 BE', decoder: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16 LE', decoder: 'utf-16le' },
];

function startsWith(buf: Uint8Array, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** UTF-16 without a byte order mark: in its first 64 bytes, every other byte is NUL (ASCII text). */
function bomlessUtf16(buf: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, 64) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) even++;
    if (buf[i + 1] === 0) odd++;
  }
  if (odd === n / 2 && even === 0) return 'utf-16le';
  if (even === n / 2 && odd === 0) return 'utf-16be';
  return undefined;
}

/** The offset of the first byte where `buf` stops being valid UTF-8 (buf is known to be invalid). */
function firstInvalidByte(buf: Uint8Array): number {
  // The longest valid prefix, by bisection: a streaming decode of a prefix of valid UTF-8 never
  // fails (an unfinished sequence at its end is held back), so validity is monotone.
  let lo = 0; // valid
  let hi = buf.length; // invalid
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  // hi is the shortest invalid prefix. The bad sequence starts at an unfinished one at the end
  // of the valid prefix (a lead byte whose continuation bytes never came), else at byte hi - 1.
  let j = lo - 1;
  while (j >= 0 && j > lo - 4 && (buf[j] & 0xc0) === 0x80) j--;
  if (j >= 0 && buf[j] >= 0xc0) {
    const need = buf[j] >= 0xf0 ? 4 : buf[j] >= 0xe0 ? 3 : 2;
    if (j + need > lo) return j;
  }
  return hi - 1;
}

/** The LSP position of byte `offset` of UTF-8 bytes `buf` (lines end as `lineStarts` says: LF, CRLF or a lone CR). */
function positionOfByte(buf: Uint8Array, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a || (buf[i] === 0x0d && buf[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: Buffer.from(buf.subarray(lineStart, offset)).toString('utf8').length };
}

/** Decodes a config file's bytes (see the module comment). Never throws. */
export function decodeConfigBytes(buf: Uint8Array): DecodedConfig {
  const zero = { line: 0, character: 0 };
  const bom = BOMS.find((b) => startsWith(buf, b.bytes));
  const utf16 = bom ? bom.decoder : bomlessUtf16(buf);
  if (bom || utf16) {
    const encoding = bom ? bom.encoding : utf16 === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
    let text = '';
    if (utf16) {
      try {
        text = new TextDecoder(utf16, { ignoreBOM: false }).decode(buf);
      } catch {
        text = '';
      }
    }
    const nl = text.indexOf('\n');
    const firstLen = Math.max(0, (nl < 0 ? text.length : nl) - (nl > 0 && text[nl - 1] === '\r' ? 1 : 0));
    return {
      text,
      diagnostics: [
        {
          code: 'encoding',
          severity: 'error',
          message: `This file is ${encoding} text, not UTF-8: save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8). Sync configs are read and written as UTF-8.`,
          range: { start: zero, end: { line: 0, character: Math.min(firstLen, 10_000) } },
          data: { encoding },
        },
      ],
    };
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  if (isUtf8(buf)) return { text, diagnostics: [] };
  const offset = firstInvalidByte(buf);
  const start = positionOfByte(buf, offset);
  return {
    text,
    diagnostics: [
      {
        code: 'invalid-utf8',
        severity: 'error',
        message: `Invalid UTF-8 at byte offset ${offset} (line ${start.line + 1}, byte 0x${buf[offset].toString(16).toUpperCase().padStart(2, '0')}): this is not UTF-8 text (Latin-1 or Windows-1252 text, or not a text file at all). Save it as UTF-8 (each invalid byte reads as U+FFFD until then).`,
        range: { start, end: { line: start.line, character: start.character + 1 } },
        data: { byteOffset: offset },
      },
    ],
  };
}
