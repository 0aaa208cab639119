/**
 * The one place files the user gave us are read and written (the CLI's config, saved plan and
 * `--out`, clone, `validate --fix`, `apply --update-config`, the sandbox's `--data` file).
 *
 * Reads are bounded: regular files only (a FIFO, `/dev/zero` or a socket is refused before a
 * byte is read, so nothing blocks or grows), and at most `maxBytes` bytes are read whatever
 * `stat` says. Writes go through `write-file-atomic` (a temp file in the same folder, fsync,
 * rename; the temp file is removed on failure): a symlink is followed and its target written,
 * the file keeps its mode and owner, and a read-only file is refused rather than replaced.
 * Every failure is a `UserError` whose message names the file and says what to do.
 */
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from './userError';

const MiB = 1024 * 1024;

/** Largest config file read (bytes). A 50,000-experience config is about 12 MB. */
export const MAX_CONFIG_BYTES = 64 * MiB;

export interface ReadBoundedOptions {
  /** Read at most this many bytes; a longer file is refused. */
  maxBytes: number;
  /** What the file is for, in the user's terms (e.g. `--experience-config takes a YAML file`). */
  expects: string;
  /** Refuse a symlink instead of following it (`O_NOFOLLOW`): files holding secrets (the token cache). */
  noFollow?: boolean;
  /** Refuse a file that another user owns (POSIX): someone else could have planted or may read it. */
  ownedByUser?: boolean;
}

/**
 * The bytes of `file` (symlinks followed unless `opts.noFollow`), at most `opts.maxBytes`.
 * @throws UserError when the file is missing, unreadable, not a regular file, too long, a
 *   symlink (`noFollow`) or another user's (`ownedByUser`); the error's `code` is the errno
 *   (`ENOENT`…) when opening failed.
 */
export function readFileBounded(file: string, opts: ReadBoundedOptions): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    const noFollow = opts.noFollow ? (fs.constants.O_NOFOLLOW ?? 0) : 0;
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | noFollow);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new UserError(describeReadError(file, e, opts)), { code: e.code });
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new UserError(`${file} is a directory; ${opts.expects}.`);
    if (!st.isFile()) throw new UserError(`${file} is not a regular file (a device, FIFO or socket); ${opts.expects}.`);
    const uid = process.getuid?.();
    if (opts.ownedByUser && uid !== undefined && st.uid !== uid)
      throw new UserError(`${file} belongs to another user (uid ${st.uid}); it is not read. Remove it, or ${opts.expects}.`);
    const tooBig = () =>
      new UserError(`${file} is larger than ${opts.maxBytes / MiB} MB, the most that is read; ${opts.expects}. Is this the right file?`);
    if (st.size > opts.maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(MiB, opts.maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > opts.maxBytes) throw tooBig();
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(describeReadError(file, err as NodeJS.ErrnoException, opts));
  } finally {
    fs.closeSync(fd);
  }
}

function describeReadError(file: string, err: NodeJS.ErrnoException, opts: ReadBoundedOptions): string {
  switch (err.code) {
    case 'ENOENT':
      return `${file} not found. Check the path (${opts.expects}).`;
    case 'EACCES':
    case 'EPERM':
      return `${file} cannot be read: permission denied.`;
    case 'EISDIR':
      return `${file} is a directory; ${opts.expects}.`;
    case 'ENOTDIR':
      return `${file} not found: a part of the path is not a folder.`;
    case 'ELOOP':
      return `${file} is a symbolic link, which is not followed for this file; replace it with the file itself (${opts.expects}).`;
    default:
      return `${file} cannot be read (${err.code ?? err.message}).`;
  }
}

/**
 * Writes `text` to `file` atomically. A symlink is followed (its target is written), an existing
 * file keeps its mode and owner unless `opts.mode` is given (a secret's file: always that mode),
 * and no temp file is left behind on failure.
 * @throws UserError when the file is read-only, a directory or not a regular file, its folder is
 *   missing or not writable, or the write fails; `file` is then unchanged.
 */
export function writeFileSafely(file: string, text: string, opts: { mode?: number } = {}): void {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    // A new file (or a dangling link): written where it is named.
  }
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    st = undefined;
  }
  if (st) {
    if (st.isDirectory()) throw new UserError(`${file} is a directory; give a file name to write.`);
    if (!st.isFile()) throw new UserError(`${file} is not a regular file (a device, FIFO or socket); not written.`);
    if (isReadOnly(target, st))
      throw new UserError(`${file} is read-only; it was not changed. Make it writable (chmod u+w) or write elsewhere.`);
  }
  const dir = path.dirname(path.resolve(target));
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw new UserError(`Cannot write ${file}: the folder ${dir} does not exist.`);
  }
  if (!dirStat.isDirectory()) throw new UserError(`Cannot write ${file}: ${dir} is not a folder.`);
  try {
    writeFileAtomic.sync(target, text, opts.mode === undefined ? undefined : { mode: opts.mode });
    if (opts.mode !== undefined) fs.chmodSync(target, opts.mode); // an existing file may keep its old mode otherwise
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
        ? `the folder ${dir} is not writable`
        : e.code === 'ENOSPC'
          ? 'the disk is full'
          : (e.code ?? e.message);
    throw new UserError(`Cannot write ${file}: ${why}. It was not changed.`);
  }
}

/** No write permission bit at all, or none for us (root passes `access`, so the bits are checked too). */
function isReadOnly(file: string, st: fs.Stats): boolean {
  if ((st.mode & 0o222) === 0) return true;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}
