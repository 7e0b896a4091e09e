// Putting files of a worktree back to what its index holds, but only the ones still exactly as the kit
// last saw them: anything that changed since was written by someone else (an agent saving while a sync
// runs) and is left alone, so a discarding step never throws away a byte the kit did not put there.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { git, gitFailure, gitRaw } from './repo.ts';

/** What the kit saw at each path: see `fingerprint`. */
export type Seen = Map<string, string>;

/** Whether anything is at `rel`, without reading it: absent (-), a folder (d), or something else (x). */
export function kindOf(root: string, rel: string): '-' | 'd' | 'x' {
  try {
    return lstatSync(join(root, rel)).isDirectory() ? 'd' : 'x';
  } catch {
    return '-';
  }
}

/** What is at `rel` now: absent (-), a folder (d), a symlink and its target, or a file's exec bit and bytes. */
export function fingerprint(root: string, rel: string): string {
  const abs = join(root, rel);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return '-';
  }
  if (st.isSymbolicLink()) return `l:${readlinkSync(abs)}`;
  if (st.isDirectory()) return 'd';
  if (!st.isFile()) return `o:${st.mode}`;
  return `f:${st.mode & 0o111 ? 'x' : '-'}:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
}

export function look(root: string, paths: Iterable<string>): Seen {
  const seen: Seen = new Map();
  for (const p of paths) seen.set(p, fingerprint(root, p));
  return seen;
}

/**
 * git for a step that writes the index of a copy an agent works in: the agent's own git (an editor
 * refreshing its status) holds index.lock for a moment now and then, and this step must not fail half-way.
 */
export async function gitIndex(cwd: string, args: readonly string[], input?: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const r = await gitRaw(cwd, args, input);
    if (r.code === 0) return r.stdout;
    if (attempt >= 60 || !/index\.lock/.test(r.stderr)) throw new OperationError(gitFailure(args, r));
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** NUL-separated git output as a list. */
export const nul = (out: string): string[] => out.split('\0').filter(Boolean);

/** A parent folder of `rel` that is not a folder on disk (a file or link where git would need a folder), or null. */
export function blockedParent(root: string, rel: string): string | null {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    const k = kindOf(root, p);
    if (k === '-') return null;
    if (k === 'x') return p;
  }
  return null;
}

export function isEmptyDir(abs: string): boolean {
  try {
    return readdirSync(abs).length === 0;
  } catch {
    return false;
  }
}

/** Removes the folders above `rel` that are empty now, up to the top of the worktree. */
function pruneEmptyParents(root: string, rel: string): void {
  for (let d = dirname(rel); d !== '.' && d !== ''; d = dirname(d)) {
    if (!isEmptyDir(join(root, d))) return;
    rmdirSync(join(root, d));
  }
}

/**
 * Makes each path the index's version (or removes it when the index has none), provided it is still what
 * `seen` recorded: the check happens right before the write. Returns the paths left alone because they
 * changed meanwhile, or because putting them back would replace a folder or a file that is in the way.
 */
export async function restoreUnchanged(cwd: string, paths: readonly string[], seen: Seen): Promise<string[]> {
  if (!paths.length) return [];
  const tracked = new Set(nul(await git(cwd, ['ls-files', '-z'])));
  const kept: string[] = [];
  const checkout: string[] = [];
  for (const p of [...paths].sort()) {
    const now = fingerprint(cwd, p);
    if (now !== seen.get(p)) kept.push(p);
    else if (tracked.has(p)) checkout.push(p);
    else if (now !== '-' && now !== 'd') {
      unlinkSync(join(cwd, p));
      pruneEmptyParents(cwd, p);
    }
  }
  const safe = checkout.filter((p) => {
    const blocked = blockedParent(cwd, p) !== null || (kindOf(cwd, p) === 'd' && !isEmptyDir(join(cwd, p)));
    if (blocked) kept.push(p);
    return !blocked;
  });
  if (safe.length) await gitIndex(cwd, ['checkout-index', '--force', '--quiet', '-z', '--stdin'], `${safe.join('\0')}\0`);
  return kept.sort();
}
