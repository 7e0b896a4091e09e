// File writes that readers can never see half-done. Node built-ins only: the tracker bundle uses it.
import { appendFileSync, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

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

/** writeSync may write less than asked (a disk filling up): go on until all is written or it throws. */
function writeAll(fd: number, buf: Buffer): void {
  for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
}

/**
 * Writes a whole file through a temporary file beside it and a rename. An existing file keeps its mode,
 * and a symlink keeps pointing where it did (the write goes to its target). On any failure (a full
 * disk, say) the temporary file is removed and the old file is untouched.
 */
export function writeFileAtomic(path: string, data: string): void {
  const target = writeTarget(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const mode = modeOf(target);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      if (mode !== null) fchmodSync(fd, mode);
      writeAll(fd, Buffer.from(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed already, or never made */
    }
    throw err;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Appends one line with a single O_APPEND write, so concurrent writers never interleave inside a line. */
export function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, line.endsWith('\n') ? line : `${line}\n`);
}
