/**
 * `apply --update-config`: writes the IDs of matched and created experiences into the config
 * without losing a byte the user wrote, even while the sync ran.
 *
 * The file is read again just before writing. Unchanged since the sync read it: the IDs go in
 * (`setExperienceIDs`, which keeps everything else byte for byte). Changed (a comment added, a
 * description edited meanwhile): the IDs are merged into the current text when every entry
 * they belong to is still there (found by name, without another experienceID); otherwise
 * nothing is written and the error lists every ID, so none is lost. The write itself is
 * `writeFileSafely` (atomic, follows symlinks, keeps the mode, refuses a read-only file).
 */
import { loadConfig, setExperienceIDs } from '../config';
import { writeFileSafely } from '../util/files';
import { UserError } from '../util/userError';

/** One ID to write: the experience named `name` (entry `index` of the text the sync read) is `id` in ReSim. */
export interface ExperienceIDToWrite {
  name: string;
  id: string;
  index: number;
}

/**
 * Writes `ids` into `file`, which held `readText` when the sync read it. `read` reads the file
 * again (bounded). Returns 'written' (file unchanged meanwhile) or 'merged'.
 * @throws UserError (nothing written; the message lists the IDs) when an entry is gone or
 *   changed its ID, the file no longer parses, or it cannot be written.
 */
export function writeExperienceIDs(
  file: string,
  readText: string,
  ids: readonly ExperienceIDToWrite[],
  read: (file: string) => Buffer,
): 'written' | 'merged' {
  const refuse = (why: string) =>
    new IDsNotWritten(
      `${why.replace(/\.$/, '')}; the experience IDs were not written into it. Add them by hand (or apply again with --update-config):\n` +
        ids.map((x) => `  ${x.name}: experienceID ${x.id}`).join('\n'),
    );
  try {
    // Two tries: the file may change again between the second read and the write.
    for (let attempt = 0; attempt < 2; attempt++) {
      const current = read(file).toString('utf8');
      const next =
        current === readText ? setExperienceIDs(current, new Map(ids.map((x) => [x.index, x.id]))) : mergeInto(current, ids, refuse, file);
      if (read(file).toString('utf8') !== current) continue;
      writeFileSafely(file, next);
      return current === readText ? 'written' : 'merged';
    }
    throw refuse(`${file} kept changing while the IDs were written`);
  } catch (err) {
    // A file that cannot be read or written (gone, read-only, …): say why, and list the IDs.
    if (err instanceof UserError && !(err instanceof IDsNotWritten)) throw refuse(err.message);
    throw err;
  }
}

/** The IDs were not written; the message lists every one of them. */
class IDsNotWritten extends UserError {}

/** The current text with the IDs merged in, or a refusal when an entry is gone, doubled or has another ID. */
function mergeInto(current: string, ids: readonly ExperienceIDToWrite[], refuse: (why: string) => IDsNotWritten, file: string): string {
  const loaded = loadConfig(current);
  if (loaded.diagnostics.some((d) => d.code === 'yaml-syntax')) throw refuse(`${file} changed while the sync ran and no longer parses`);
  const experiences = loaded.config.experiences;
  const map = new Map<number, string>();
  for (const x of ids) {
    const found = experiences.flatMap((e, i) => (e.name === x.name ? [i] : []));
    const e = found.length === 1 ? experiences[found[0]] : undefined;
    if (!e || (e.experienceID && e.experienceID !== x.id))
      throw refuse(
        `${file} changed while the sync ran and entry "${x.name}" is ${!e ? (found.length ? 'listed twice' : 'gone') : 'given another experienceID'}`,
      );
    if (!e.experienceID) map.set(found[0], x.id);
  }
  return setExperienceIDs(current, map);
}
