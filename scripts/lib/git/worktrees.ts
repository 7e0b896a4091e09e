// Git actions that make and remove a session's branch and working copy. Argument arrays only.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { git, gitFailure, gitRaw } from './repo.ts';
import { withStoreLock } from '../store/paths.ts';

/** Git refuses concurrent writes to .git/config; the kit serializes its own and retries on a foreign holder. */
export async function withGitConfig<T>(root: string, fn: () => Promise<T>): Promise<T> {
  return withStoreLock(root, 'git-config', async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 20 || !/could not lock config file/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
}

/** Parallel checkout on all cores: large trees check out several times faster. */
const FAST_CHECKOUT = ['-c', 'checkout.workers=0', '-c', 'checkout.thresholdForParallelism=100'];

/** Creates `branch` at `base`, tracking the local base so that `git status` counts ahead/behind the base. */
export async function createTrackingBranch(main: string, root: string, branch: string, base: string): Promise<string> {
  return withGitConfig(root, async () => {
    await git(main, ['branch', '--track', branch, base]);
    return (await git(main, ['rev-parse', `refs/heads/${branch}`])).trim();
  });
}

/** Deletes a branch only while it still points where we expect (compare-and-swap), with its config section. */
export async function deleteBranchAt(main: string, root: string, branch: string, sha: string): Promise<void> {
  await withGitConfig(root, async () => {
    await git(main, ['update-ref', '-d', `refs/heads/${branch}`, sha]);
    await gitRaw(main, ['config', '--remove-section', `branch.${branch}`]);
  });
}

export async function addWorktree(main: string, path: string, branch: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await git(main, [...FAST_CHECKOUT, 'worktree', 'add', '--quiet', path, branch]);
}

/**
 * Removes a worktree and its administrative files; `git worktree prune` when its folder is already gone.
 * Without `force`, git itself refuses at the moment of removal if anything changed since the caller looked.
 */
export async function removeWorktree(main: string, path: string, force = true): Promise<void> {
  if (existsSync(path)) {
    const r = await gitRaw(main, ['worktree', 'remove', ...(force ? ['--force'] : []), path]);
    if (r.code !== 0) {
      if (existsSync(join(path, '.git'))) throw new OperationError(gitFailure(['worktree', 'remove'], r));
      rmSync(path, { recursive: true, force: true });
    }
  }
  await gitRaw(main, ['worktree', 'prune']);
}

/** A clone of the main checkout (origin = main), on a new branch from origin/<base>. */
export async function makeClone(main: string, path: string, branch: string, base: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await git(dirname(path), [...FAST_CHECKOUT, 'clone', '--quiet', '--no-checkout', main, path]);
  await git(path, [...FAST_CHECKOUT, 'checkout', '--quiet', '-b', branch, '--track', `origin/${base}`]);
}

/** The git folder where info/exclude lives: the common dir for worktrees, the clone's own .git for clones. */
export async function excludeFile(cwd: string): Promise<string> {
  const dir = (await git(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  return join(dir, 'info', 'exclude');
}

/** Adds a pattern to info/exclude once (never committed, never touches .gitignore). */
export async function ensureExcluded(root: string, file: string, pattern: string): Promise<void> {
  await withStoreLock(root, 'git-exclude', () => {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.split('\n').some((l) => l.trim() === pattern)) return;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${text && !text.endsWith('\n') ? '\n' : ''}${pattern}\n`);
  });
}

/** Where a branch is checked out (worktree paths), from `git worktree list --porcelain`. */
export async function worktreesOf(main: string): Promise<{ path: string; branch: string | null; prunable: boolean }[]> {
  const out = await git(main, ['worktree', 'list', '--porcelain']);
  return out
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      const path = lines.find((l) => l.startsWith('worktree '))?.slice(9) ?? '';
      const ref = lines.find((l) => l.startsWith('branch '))?.slice(7) ?? null;
      return { path, branch: ref ? ref.replace(/^refs\/heads\//, '') : null, prunable: lines.some((l) => l.startsWith('prunable')) };
    });
}
