// Cross-process locks: one file naming its owner, written whole and then linked into place. Node built-ins only: the tracker bundle uses it.
// Plain JavaScript (typed with JSDoc) because the install and build steps take the same lock, on plain Node, before anything is installed or built.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { OperationError } from './errors.mjs';
import { randomToken } from './token.mjs';

/**
 * @typedef {object} LockOptions
 * @property {number} [timeoutMs] Give up after this many milliseconds (default 20 s).
 * @property {number} [staleMs] A lock of another host older than this is taken as abandoned (default 60 s); one that cannot be read, after 3 s.
 */

/** @typedef {{ pid: number, host: string, token: string, at: number }} Owner */

const HOST = hostname();
const UNREADABLE_STALE_MS = 3000;

/**
 * @param {string} path
 * @param {Owner} owner
 * @returns {boolean}
 */
function tryCreate(path, owner) {
  // The owner is written whole to a file of our own, then linked into place: a lock is never seen empty,
  // whatever happens between the two (a full disk, a kill -9), and link() fails if the lock is held.
  const tmp = `${path}.${owner.token}.tmp`;
  try {
    writeOwnerFile(tmp, owner);
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EEXIST') return false;
    throw new OperationError(`cannot take the lock ${path}: ${/** @type {Error} */ (err).message}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* never made */
    }
  }
}

/**
 * @param {string} tmp
 * @param {Owner} owner
 */
function writeOwnerFile(tmp, owner) {
  let fd;
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT') throw err;
    mkdirSync(dirname(tmp), { recursive: true });
    fd = openSync(tmp, 'wx');
  }
  try {
    const data = Buffer.from(JSON.stringify(owner));
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * @param {string} path
 * @returns {Owner | undefined}
 */
function readOwner(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * @param {number} pid
 * @returns {boolean}
 */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * @param {string} path
 * @param {number} staleMs
 * @returns {Owner | 'no-owner' | undefined}
 */
function isStale(path, staleMs) {
  const owner = readOwner(path);
  let age;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined; // gone already: not stale, just retry
  }
  if (owner && owner.host === HOST) return pidAlive(owner.pid) ? undefined : owner;
  // Locks are written whole before they appear, so one that cannot be read was left by a crash (or an
  // older kit): after a few seconds it is taken as abandoned, rather than stalling every command.
  if (!owner) return age > Math.min(staleMs, UNREADABLE_STALE_MS) ? 'no-owner' : undefined;
  if (age > staleMs) return owner;
  return undefined;
}

/**
 * Moves a stale lock aside; puts it back when another process replaced it in the meantime.
 * @param {string} path
 * @param {Owner | 'no-owner'} seen
 */
function breakStale(path, seen) {
  const aside = `${path}.stale.${randomToken(8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  const same = seen === 'no-owner' ? moved === undefined : moved?.token === seen.token;
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

/**
 * @param {string} path
 * @param {Owner} owner
 * @param {number} staleMs
 * @returns {boolean}
 */
function attempt(path, owner, staleMs) {
  if (tryCreate(path, owner)) return true;
  const stale = isStale(path, staleMs);
  if (stale) breakStale(path, stale);
  return false;
}

/**
 * @param {string} path
 * @param {string} token
 */
function release(path, token) {
  if (readOwner(path)?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/**
 * @param {string} path
 * @returns {OperationError}
 */
function timeoutError(path) {
  const owner = readOwner(path);
  const who = owner ? ` (held by pid ${owner.pid} on ${owner.host})` : '';
  return new OperationError(`timed out waiting for the lock ${path}${who}; try again, or remove the file if that process is gone`);
}

/** @returns {Owner} */
function newOwner() {
  return { pid: process.pid, host: HOST, token: randomToken(16), at: Date.now() };
}

/**
 * The one wait loop of both forms: each value it yields is how long to sleep before the next attempt
 * (the caller sleeps blocking or not); it returns once the lock is held, or throws on the deadline.
 * @param {string} path
 * @param {Owner} owner
 * @param {LockOptions} opts
 * @returns {Generator<number, void, void>}
 */
function* acquire(path, owner, opts) {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let delay = 2;
  while (!attempt(path, owner, opts.staleMs ?? 60_000)) {
    if (Date.now() > deadline) throw timeoutError(path);
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, 50);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs fn while holding the lock file at `path` (blocking wait).
 * @template T
 * @param {string} path
 * @param {() => T} fn
 * @param {LockOptions} [opts]
 * @returns {T}
 */
export function withLockSync(path, fn, opts = {}) {
  const owner = newOwner();
  for (const ms of acquire(path, owner, opts)) Atomics.wait(sleeper, 0, 0, ms);
  try {
    return fn();
  } finally {
    release(path, owner.token);
  }
}

/**
 * Runs fn while holding the lock file at `path`; fn may be async. Hold a lock only for the step that needs it.
 * @template T
 * @param {string} path
 * @param {() => Promise<T> | T} fn
 * @param {LockOptions} [opts]
 * @returns {Promise<T>}
 */
export async function withLock(path, fn, opts = {}) {
  const owner = newOwner();
  for (const ms of acquire(path, owner, opts)) await new Promise((r) => setTimeout(r, ms));
  try {
    return await fn();
  } finally {
    release(path, owner.token);
  }
}
