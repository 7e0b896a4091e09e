// A lock file for the plain-JavaScript build steps (install, bundle), which run before anything is built.
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const age = (p) => (existsSync(p) ? Date.now() - statSync(p).mtimeMs : 0);

/** Runs fn holding `path` (created with O_EXCL); a lock older than staleMs is taken as abandoned. */
export async function withFileLock(path, staleMs, fn) {
  const deadline = Date.now() + staleMs;
  for (;;) {
    try {
      closeSync(openSync(path, 'wx'));
      break;
    } catch {
      if (age(path) > staleMs) unlinkSync(path);
      if (Date.now() > deadline) throw new Error(`${path} is held; remove it if no install or build is running`);
      sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    unlinkSync(path);
  }
}
