// Cross-process locks made of one file created with O_EXCL. Node built-ins only: the tracker bundle uses it.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OperationError } from './errors.ts';

export interface LockOptions {
  /** Give up after this many milliseconds (default 20 s). */
  timeoutMs?: number;
  /** A lock older than this whose owner cannot be checked (no owner yet, another host) is taken as abandoned (default 60 s). */
  staleMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  at: number;
}

const HOST = hostname();

function tryCreate(path: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      mkdirSync(dirname(path), { recursive: true });
      return tryCreate(path, owner);
    }
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(path: string, staleMs: number): Owner | 'no-owner' | undefined {
  const owner = readOwner(path);
  let age: number;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined; // gone already: not stale, just retry
  }
  if (owner && owner.host === HOST) return pidAlive(owner.pid) ? undefined : owner;
  if (age > staleMs) return owner ?? 'no-owner';
  return undefined;
}

/** Moves a stale lock aside; puts it back when another process replaced it in the meantime. */
function breakStale(path: string, seen: Owner | 'no-owner'): void {
  const aside = `${path}.stale.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  const same = seen === 'no-owner' ? true : moved?.token === seen.token;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      /* someone holds it now; theirs wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

function attempt(path: string, owner: Owner, staleMs: number): boolean {
  if (tryCreate(path, owner)) return true;
  const stale = isStale(path, staleMs);
  if (stale) breakStale(path, stale);
  return false;
}

function release(path: string, token: string): void {
  if (readOwner(path)?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function timeoutError(path: string): OperationError {
  const owner = readOwner(path);
  const who = owner ? ` (held by pid ${owner.pid} on ${owner.host})` : '';
  return new OperationError(`timed out waiting for the lock ${path}${who}; try again, or remove the file if that process is gone`);
}

function newOwner(): Owner {
  return { pid: process.pid, host: HOST, token: randomBytes(8).toString('hex'), at: Date.now() };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs fn while holding the lock file at `path` (blocking wait). */
export function withLockSync<T>(path: string, fn: () => T, opts: LockOptions = {}): T {
  const owner = newOwner();
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let delay = 2;
  while (!attempt(path, owner, opts.staleMs ?? 60_000)) {
    if (Date.now() > deadline) throw timeoutError(path);
    Atomics.wait(sleeper, 0, 0, delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return fn();
  } finally {
    release(path, owner.token);
  }
}

/** Runs fn while holding the lock file at `path`; fn may be async but should not do slow work. */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const owner = newOwner();
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let delay = 2;
  while (!attempt(path, owner, opts.staleMs ?? 60_000)) {
    if (Date.now() > deadline) throw timeoutError(path);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    release(path, owner.token);
  }
}
