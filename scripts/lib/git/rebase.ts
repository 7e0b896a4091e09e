// Rebasing or merging a checked-out branch so that a failure leaves it exactly as it was. Argument arrays only.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { lastLine, run, type RunResult } from '../core/exec.ts';
import { git, gitEnv, gitRaw } from './repo.ts';
import { removeWorktree } from './worktrees.ts';
import { withStoreLock } from '../store/paths.ts';

export type Strategy = 'rebase' | 'merge';

/** The user's config must not widen what we do: no rebase of other refs, no implicit stash, no editor. */
const PINNED = ['-c', 'rebase.updateRefs=false', '-c', 'rebase.autoStash=false', '-c', 'rebase.autoSquash=false', '-c', 'merge.autoStash=false'];

function gitNoEditor(cwd: string, args: readonly string[]): Promise<RunResult> {
  return run('git', args, { cwd, env: gitEnv({ GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true', GIT_MERGE_AUTOEDIT: 'no' }), ownGroup: true });
}

/** Which multi-step operation is under way in the checkout (rebase, merge, cherry-pick, revert), or null. */
export async function operationInProgress(cwd: string): Promise<string | null> {
  const names = ['rebase-merge', 'rebase-apply', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'];
  const out = await git(cwd, ['rev-parse', '--path-format=absolute', ...names.flatMap((n) => ['--git-path', n])]);
  const paths = out.trim().split('\n');
  const labels = ['rebase', 'rebase', 'merge', 'cherry-pick', 'revert'];
  for (let i = 0; i < names.length; i++) if (paths[i] && existsSync(paths[i] as string)) return labels[i] as string;
  return null;
}

/** Files with unresolved conflicts in the index. */
export async function conflictedFiles(cwd: string): Promise<string[]> {
  const r = await gitRaw(cwd, ['diff', '--name-only', '-z', '--diff-filter=U']);
  return [...new Set(r.stdout.split('\0').filter(Boolean))].sort();
}

async function headState(cwd: string): Promise<{ sha: string | null; ref: string | null }> {
  const sha = await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const ref = await gitRaw(cwd, ['symbolic-ref', '--quiet', 'HEAD']);
  return { sha: sha.code === 0 ? sha.stdout.trim() : null, ref: ref.code === 0 ? ref.stdout.trim() : null };
}

export type IntegrateResult = { ok: true; head: string } | { ok: false; conflicts: string[]; message: string; restored: boolean };

/**
 * Rebases (or merges) what is checked out in `cwd` onto `onto`. On failure the conflicting files are
 * collected, the operation is aborted, and HEAD is checked to be `before` on `branchRef` again (null:
 * a detached HEAD). The caller guarantees a clean tree beforehand: that alone makes the hard reset of
 * the last resort safe, as there is nothing uncommitted it could throw away.
 */
export async function integrate(cwd: string, onto: string, strategy: Strategy, before: string, branchRef: string | null, message?: string): Promise<IntegrateResult> {
  const args =
    strategy === 'rebase'
      ? [...PINNED, 'rebase', '--quiet', onto]
      : [...PINNED, 'merge', '--quiet', '--no-edit', ...(message ? ['-m', message] : []), onto];
  const r = await gitNoEditor(cwd, args);
  if (r.code === 0) return { ok: true, head: (await git(cwd, ['rev-parse', 'HEAD'])).trim() };

  const conflicts = await conflictedFiles(cwd);
  const said = lastLine(r);
  const op = await operationInProgress(cwd);
  if (op === 'rebase') await gitRaw(cwd, ['rebase', '--abort']);
  else if (op === 'merge') await gitRaw(cwd, ['merge', '--abort']);
  return { ok: false, conflicts, message: said, restored: await ensureRestored(cwd, before, branchRef) };
}

/** Puts HEAD back on `branchRef` at `before` if an abort did not; true when it is there now. */
async function ensureRestored(cwd: string, before: string, branchRef: string | null): Promise<boolean> {
  const clean = async () => {
    const h = await headState(cwd);
    return h.sha === before && h.ref === branchRef && (await operationInProgress(cwd)) === null;
  };
  if (await clean()) return true;
  const op = await operationInProgress(cwd);
  if (op === 'rebase') await gitRaw(cwd, ['rebase', '--quit']);
  if (op === 'merge') await gitRaw(cwd, ['merge', '--quit']);
  // Safe only because the tree was clean before we started (dirty sessions are skipped or stashed).
  if (branchRef) {
    await gitRaw(cwd, ['update-ref', '-m', 'parallel: restore after failed sync', branchRef, before]);
    await gitRaw(cwd, ['symbolic-ref', 'HEAD', branchRef]);
  } else await gitRaw(cwd, ['update-ref', '--no-deref', 'HEAD', before]);
  await gitRaw(cwd, ['reset', '--hard', '--quiet', before]);
  return clean();
}

const STASH_LOCK = 'git-stash';

/**
 * Stashes uncommitted changes, untracked files included, and returns the stash commit (null: nothing
 * to stash). Worktrees share refs/stash, so pushing and finding our entry happen under one lock.
 */
export async function stashPush(cwd: string, root: string, message: string): Promise<string | null> {
  return withStoreLock(root, STASH_LOCK, async () => {
    const top = async () => {
      const r = await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', 'refs/stash']);
      return r.code === 0 ? r.stdout.trim() : null;
    };
    const was = await top();
    await git(cwd, ['stash', 'push', '--include-untracked', '--quiet', '-m', message]);
    const now = await top();
    return now && now !== was ? now : null;
  });
}

/**
 * Applies a stash made by stashPush (index too) and drops it; when it does not apply cleanly the stash
 * is kept, so nothing is lost, and the reason is returned.
 */
export async function stashRestore(cwd: string, root: string, sha: string): Promise<{ ok: true } | { ok: false; message: string }> {
  let r = await gitRaw(cwd, ['stash', 'apply', '--index', '--quiet', sha]);
  if (r.code !== 0 && /without --index/.test(`${r.stderr}${r.stdout}`)) r = await gitRaw(cwd, ['stash', 'apply', '--quiet', sha]);
  if (r.code !== 0) return { ok: false, message: lastLine(r) };
  await withStoreLock(root, STASH_LOCK, async () => {
    const list = (await gitRaw(cwd, ['stash', 'list', '--format=%H'])).stdout.split('\n');
    const at = list.indexOf(sha);
    if (at >= 0) await gitRaw(cwd, ['stash', 'drop', '--quiet', `stash@{${at}}`]);
  });
  return { ok: true };
}

/** Runs fn in a throwaway worktree with `sha` checked out detached; the worktree is removed afterwards. */
export async function withDetachedWorktree<T>(main: string, dir: string, sha: string, fn: (path: string) => Promise<T>): Promise<T> {
  mkdirSync(dirname(dir), { recursive: true });
  await git(main, ['worktree', 'add', '--detach', '--quiet', dir, sha]);
  try {
    return await fn(dir);
  } finally {
    await removeWorktree(main, dir);
  }
}
