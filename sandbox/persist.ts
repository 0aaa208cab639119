/**
 * The sandbox's data file: JSON of `SandboxStore`, loaded at start and written after every
 * write request. Writes are atomic (temp file in the same folder, then `rename`), so a crash
 * or a kill never leaves a half-written file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { STORE_VERSION, type SandboxStore } from './store';

/** A data file that cannot be used; the message says which file and what to do. */
export class DataFileError extends Error {}

/**
 * The store in `file`, or `undefined` if the file does not exist.
 * Throws `DataFileError` if it is not a sandbox data file (bad JSON, wrong version or shape).
 */
export function loadStore(file: string): SandboxStore | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(`cannot read sandbox data file ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DataFileError(`sandbox data file ${file} is not valid JSON (${(err as Error).message}); delete it to start from the seed again`);
  }
  const problem = shapeProblem(data);
  if (problem) {
    throw new DataFileError(`sandbox data file ${file} is not a sandbox store (${problem}); delete it to start from the seed again`);
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

/** Writes `store` to `file` atomically (temp file + rename). Throws on I/O errors. */
export function saveStore(file: string, store: SandboxStore): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(tmp, JSON.stringify(store));
  fs.renameSync(tmp, file);
}
