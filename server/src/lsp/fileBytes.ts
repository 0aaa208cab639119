/**
 * The byte-level diagnostics of the file behind a `file:` document (`decodeConfigBytes`:
 * `encoding` for UTF-16/32, `invalid-utf8` with its byte offset), so that the editor reports
 * what `resim-sync` reports on the same file: an editor hands the server decoded text, in which
 * a UTF-16 file looks fine and invalid UTF-8 has silently become U+FFFD. They stay until the file
 * on disk is saved as UTF-8. Read again only when the file's size or modification time changes.
 */
import { promises as fsp } from 'fs';
import { fileURLToPath } from 'url';
import { decodeConfigBytes, type ConfigDiagnostic } from '../config/index';

/** Files larger than this are not read (the CLI's limit for a config file). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const checked = new Map<string, { key: string; diagnostics: ConfigDiagnostic[] }>();

/** The byte-level diagnostics of the file at `uri` on disk; [] for other schemes or an unreadable file. */
export async function fileByteDiagnostics(uri: string): Promise<ConfigDiagnostic[]> {
  if (!uri.startsWith('file:')) return [];
  try {
    const file = fileURLToPath(uri);
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return [];
    const key = `${st.size}:${st.mtimeMs}`;
    const known = checked.get(uri);
    if (known && known.key === key) return known.diagnostics;
    const { diagnostics } = decodeConfigBytes(await fsp.readFile(file));
    checked.set(uri, { key, diagnostics });
    return diagnostics;
  } catch {
    return [];
  }
}

/** Forgets a closed document's file. */
export function forgetFile(uri: string): void {
  checked.delete(uri);
}
