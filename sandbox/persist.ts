/**
 * The sandbox's data file: JSON of `SandboxStore`, loaded at start and written after every
 * write request. Reads are bounded and writes atomic (`readFileBounded`/`writeFileSafely`, the
 * project's one home for file I/O), so a crash or a kill never leaves a half-written file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readFileBounded, writeFileSafely } from '../server/src/util/files';
import { UserError } from '../server/src/util/userError';
import { STORE_VERSION, type SandboxStore } from './store';

/** A data file that cannot be used; the message says which file and what to do. */
export class DataFileError extends UserError {}

/** Largest data file read (bytes). */
const MAX_DATA_BYTES = 512 * 1024 * 1024;

/**
 * The store in `file`, or `undefined` if the file does not exist.
 * Throws `DataFileError` if it is not a sandbox data file (bad JSON, wrong version or shape).
 */
export function loadStore(file: string): SandboxStore | undefined {
  if (!fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileBounded(file, { maxBytes: MAX_DATA_BYTES, expects: '--data takes a JSON file the sandbox writes' }).toString('utf8');
  } catch (err) {
    throw new DataFileError(`cannot use sandbox data file: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DataFileError(
      `${file} is not a sandbox data file (not valid JSON: ${(err as Error).message}); pass --data a new file name, or a file the sandbox wrote`,
    );
  }
  const problem = shapeProblem(data);
  if (problem) {
    throw new DataFileError(`${file} is not a sandbox data file (${problem}); pass --data a new file name, or a file the sandbox wrote`);
  }
  return data as SandboxStore;
}

function shapeProblem(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'not a JSON object';
  const d = data as Record<string, unknown>;
  if (d.version !== STORE_VERSION) return `version ${JSON.stringify(d.version)}, expected ${STORE_VERSION}`;
  if (!Array.isArray(d.projects)) return '"projects" is not a list';
  for (const key of ['experiences', 'experienceTags', 'systems', 'testSuites']) {
    const v = d[key];
    if (!v || typeof v !== 'object' || Array.isArray(v)) return `"${key}" is not an object keyed by project ID`;
  }
  return undefined;
}

/** Writes `store` to `file` atomically (`writeFileSafely`). Throws a `UserError` on I/O errors. */
export function saveStore(file: string, store: SandboxStore): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSafely(file, JSON.stringify(store));
}
