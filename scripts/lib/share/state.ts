// What this machine remembers of sharing, in the state folder: per session its share.json (the remote,
// and the claim it holds there), and in .share/ what was last pushed and what still has to be removed
// on the remote (an end while the remote could not be reached). Written atomically, under the share lock.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/files.ts';
import { sessionDir, withStoreLock } from '../store/paths.ts';

export const SHARE_DIR = '.share';
export const SHARE_FILE = 'share.json';
export const SHARE_LOCK = 'share';

export interface SessionClaim {
  ref: string;
  /** The claim commit this machine pushed (held), or made but could not push yet (pending: offline=1). */
  commit: string;
  state: 'held' | 'pending';
  /** Whose claim this one replaced (takeover=1). */
  took_over?: { machine: string; session: string } | null;
}

/** <session state folder>/share.json: this session is shared on `remote`. */
export interface SessionShare {
  version: 1;
  remote: string;
  claim: SessionClaim | null;
}

export interface Published {
  remote: string;
  commit: string;
  digest: string;
  at_ms: number;
}

export interface ShareState {
  version: 1;
  /** By remote ref: what was last pushed for each session. */
  published: Record<string, Published>;
  /** Refs to remove on the remote, with the commit each must still be (the lease). */
  removals: { remote: string; ref: string; lease: string }[];
}

const readJson = <T>(file: string): T | null => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
};

export const shareFile = (root: string, workspace: string, name: string) => join(sessionDir(root, workspace, name), SHARE_FILE);

export function readSessionShare(dir: string): SessionShare | null {
  const s = readJson<SessionShare>(join(dir, SHARE_FILE));
  return s && s.version === 1 && typeof s.remote === 'string' ? s : null;
}

export function writeSessionShare(root: string, workspace: string, name: string, share: SessionShare): void {
  writeJsonAtomic(shareFile(root, workspace, name), share);
}

export function removeSessionShare(root: string, workspace: string, name: string): void {
  rmSync(shareFile(root, workspace, name), { force: true });
}

const stateFile = (root: string) => join(root, SHARE_DIR, 'state.json');

export function readShareState(root: string): ShareState {
  const s = readJson<ShareState>(stateFile(root));
  return s && s.version === 1 && s.published && Array.isArray(s.removals) ? s : { version: 1, published: {}, removals: [] };
}

/** Read-modify-write of .share/state.json under the share lock. */
export function changeShareState<T>(root: string, change: (s: ShareState) => T): Promise<T> {
  return withStoreLock(root, SHARE_LOCK, () => {
    const s = readShareState(root);
    const out = change(s);
    writeJsonAtomic(stateFile(root), s);
    return out;
  });
}
