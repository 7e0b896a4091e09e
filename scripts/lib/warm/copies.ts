// The git side of a pool copy: make one detached at a commit, bring it to another, tell whether someone
// wrote into it, move it where a session's copy goes, remove it. Argument arrays only.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { git, gitRaw } from '../git/repo.ts';
import { parseStatusZ } from '../git/copy-state.ts';
import { FAST_CHECKOUT, linkedGitDir, removeWorktree } from '../git/worktrees.ts';

/** A new worktree at `path`, detached at `sha`, every file checked out. */
export async function makeCopy(main: string, path: string, sha: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await git(main, [...FAST_CHECKOUT, 'worktree', 'add', '--quiet', '--detach', path, sha]);
}

/**
 * Why the copy may not be handed out or removed without force=1, or null when it holds exactly `sha`,
 * detached, with no change, untracked or ignored file (one git process). A copy without its .git link
 * is never read with git: git would answer for whatever repository encloses it.
 */
export async function strayWork(path: string, sha: string | null): Promise<string | null> {
  if (!existsSync(path)) return 'its folder is gone';
  if (!linkedGitDir(path)) return 'its .git link is gone';
  const r = await gitRaw(path, ['status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored=matching', '-z']);
  if (r.code !== 0) return `git status failed there: ${r.stderr.trim().split('\n')[0]}`;
  const st = parseStatusZ(r.stdout);
  if (st.branch) return `it has branch ${st.branch} checked out`;
  if (sha && st.head !== sha) return `its HEAD moved (${(st.head ?? 'none').slice(0, 7)}, not ${sha.slice(0, 7)}): commits of someone's`;
  const files = [...st.changed, ...st.ignored];
  if (files.length) return `it holds files no commit has: ${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''}`;
  return null;
}

/** Brings a clean detached copy to `sha`: only the files that differ are written. */
export async function bringTo(path: string, sha: string): Promise<void> {
  await git(path, [...FAST_CHECKOUT, 'checkout', '--quiet', '--detach', sha]);
}

/** Moves the worktree (git's own move: its administrative files follow). */
export async function moveCopy(main: string, from: string, to: string): Promise<void> {
  mkdirSync(dirname(to), { recursive: true });
  await git(main, ['worktree', 'move', from, to]);
}

/** Removes a copy; without force git itself refuses one that changed since the kit looked. */
export async function dropCopy(main: string, path: string, force: boolean): Promise<void> {
  await removeWorktree(main, path, force);
}
