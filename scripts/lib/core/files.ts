// File writes that readers can never see half-done. Node built-ins only: the tracker bundle uses it.
import { appendFileSync, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomToken } from './token.mjs';

/** True when something is at `path`, a dangling symbolic link included. */
export function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The file a write to `path` must replace: the target of a symlink (so the link stays a link), else path. */
function writeTarget(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path; // absent (or a dangling link: the rename then replaces the link, as a plain write would fail)
  }
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/**
 * Removes one file; an absent one is fine. Not rmSync: its force option loads node's recursive remover,
 * which costs the agents' hook more than the unlink itself.
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** writeSync may write less than asked (a disk filling up): go on until all is written or it throws. */
function writeAll(fd: number, buf: Buffer): void {
  for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
}

/**
 * Writes a whole file through a temporary file beside it and a rename. An existing file keeps its mode,
 * and a symlink keeps pointing where it did (the write goes to its target). On any failure (a full
 * disk, say) the temporary file is removed and the old file is untouched.
 */
export function writeFileAtomic(path: string, data: string, durable = true): void {
  replaceFile(path, data, () => true, durable);
}

/** What a file was when it was read: a rewrite checks it is still that file before it replaces it. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The stamp of the file at `path` (through a symlink), or null when there is none. */
export function stampOf(path: string): FileStamp | null {
  try {
    const s = statSync(path);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * writeFileAtomic for a read-modify-write of a file others may also write (a person appending to
 * WORK_LOG.md): the rename happens only if the file is still as `seen` (null: still absent), checked
 * right before it; otherwise nothing is written and it returns false, for the caller to read again.
 */
export function writeFileIfUnchanged(path: string, data: string, seen: FileStamp | null): boolean {
  const same = (now: FileStamp | null) => (now === null || seen === null ? now === seen : now.ino === seen.ino && now.size === seen.size && now.mtimeMs === seen.mtimeMs);
  return replaceFile(path, data, () => same(stampOf(path)));
}

/** `durable` false skips the fsync: for caches, which a crash may lose but a reader never sees half-written. */
function replaceFile(path: string, data: string, stillSo: () => boolean, durable = true): boolean {
  const target = writeTarget(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${randomToken(8)}.tmp`;
  const mode = modeOf(target);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      if (mode !== null) fchmodSync(fd, mode);
      writeAll(fd, Buffer.from(data));
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!stillSo()) {
      unlinkSync(tmp);
      return false;
    }
    renameSync(tmp, target);
    return true;
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed already, or never made */
    }
    throw err;
  }
}

/** `durable` false: no fsync (a live status, rewritten on every event: a crash may lose the last one, a reader never sees half of one). */
export function writeJsonAtomic(path: string, value: unknown, durable = true): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, durable);
}

/** Appends one line with a single O_APPEND write, so concurrent writers never interleave inside a line. */
export function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, line.endsWith('\n') ? line : `${line}\n`);
}

/** The path with its symbolic links resolved, or as given (made absolute) when it cannot be. */
export function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
