// Git actions that make and remove a session's branch and working copy. Argument arrays only.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { git, gitFailure, gitRaw } from './repo.ts';
import { withStoreLock } from '../store/paths.ts';

/** Git refuses concurrent writes to .git/config; the kit serializes its own and retries on a foreign holder. */
export async function withGitConfig<T>(root: string, fn: () => Promise<T>): Promise<T> {
  return withStoreLock(root, 'git-config', () => retryConfigLock(fn));
}

/** Runs fn again while git says another process holds the config file's lock (fn must be repeatable). */
export async function retryConfigLock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 20 || !/could not lock config file/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Parallel checkout on all cores: large trees check out several times faster. */
export const FAST_CHECKOUT = ['-c', 'checkout.workers=0', '-c', 'checkout.thresholdForParallelism=100'];

/** Creates `branch` at `base`, tracking the local base so that `git status` counts ahead/behind the base. */
/**
 * Creates `branch` from `base`, tracking it, and returns its commit. With `commonDir` (the repository's
 * git folder) the commit is read from the loose ref git just wrote, without a second git process; a
 * repository that keeps its refs otherwise (reftable) is asked.
 */
export async function createTrackingBranch(main: string, root: string, branch: string, base: string, commonDir?: string): Promise<string> {
  return withGitConfig(root, async () => {
    await git(main, ['branch', '--track', branch, base]);
    const loose = commonDir ? looseRef(join(commonDir, 'refs', 'heads', branch)) : null;
    return loose ?? (await git(main, ['rev-parse', `refs/heads/${branch}`])).trim();
  });
}

function looseRef(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8');
    return /^[0-9a-f]{40}(?:[0-9a-f]{24})?\n$/.test(text) ? text.trim() : null;
  } catch {
    return null;
  }
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
 * Removes a worktree and its administrative files; only that worktree's files when its folder is
 * already gone (never a `git worktree prune`, which would drop every other worktree whose folder is
 * away too). Without `force`, git itself refuses at the moment of removal if anything changed since the
 * caller looked. A folder git cannot remove stays where it is: git's refusal is the error.
 */
export async function removeWorktree(main: string, path: string, force = true): Promise<void> {
  const present = existsSync(path);
  const r = await gitRaw(main, ['worktree', 'remove', ...(force || !present ? ['--force'] : []), path]);
  if (r.code === 0 || (!present && /is not a working tree/.test(r.stderr))) return;
  throw new OperationError(`${gitFailure(['worktree', 'remove'], r)}; ${path} was left as it was`);
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

export interface WorktreeEntry {
  path: string;
  /** The commit its HEAD is at, read from the main repository: known even when the folder is gone. */
  head: string | null;
  branch: string | null;
  prunable: boolean;
}

/** Where a branch is checked out (worktree paths), from `git worktree list --porcelain`. */
export async function worktreesOf(main: string): Promise<WorktreeEntry[]> {
  const out = await git(main, ['worktree', 'list', '--porcelain']);
  return out
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      const field = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1) ?? null;
      const ref = field('branch');
      return { path: field('worktree') ?? '', head: field('HEAD'), branch: ref ? ref.replace(/^refs\/heads\//, '') : null, prunable: lines.some((l) => l.startsWith('prunable')) };
    });
}

/** The git folder a checkout's `.git` file links to, or null when it has no such link. */
export function linkedGitDir(folder: string): string | null {
  try {
    const m = /^gitdir: (.+)$/m.exec(readFileSync(join(folder, '.git'), 'utf8'));
    return m ? resolve(folder, (m[1] as string).trim()) : null;
  } catch {
    return null;
  }
}

/** True when `gitDir` is the administrative folder of the worktree git has registered at `registered`. */
export function isAdminDirOf(gitDir: string, registered: string): boolean {
  try {
    return resolve(readFileSync(join(gitDir, 'gitdir'), 'utf8').trim()) === join(registered, '.git');
  } catch {
    return false;
  }
}

/** The same folder, also when one of the two names goes through a symbolic link. */
export function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export interface WorktreeLocation {
  /** What git has registered for the copy: at its path, or (moved with git worktree move) holding its branch. */
  entry: WorktreeEntry | null;
  /** Where its folder is now: the registered path, a folder beside it that links to it (moved by hand), or null. */
  at: string | null;
}

/**
 * Finds a session's worktree even when its folder was moved: with `git worktree move` git knows the new
 * place; moved by hand, the folder that still links to its administrative files is looked for beside it.
 */
export async function locateWorktree(main: string, path: string, branch: string): Promise<WorktreeLocation> {
  const all = await worktreesOf(main);
  const entry = all.find((w) => samePath(w.path, path)) ?? all.slice(1).find((w) => w.branch === branch) ?? null;
  if (!entry) return { entry: null, at: existsSync(path) ? path : null };
  if (existsSync(entry.path)) return { entry, at: entry.path };
  let siblings: string[] = [];
  try {
    siblings = readdirSync(dirname(entry.path), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dirname(entry.path), d.name));
  } catch {
    /* the folder of copies is gone too */
  }
  const moved = siblings.find((d) => {
    const gitDir = linkedGitDir(d);
    return gitDir !== null && isAdminDirOf(gitDir, entry.path);
  });
  return { entry, at: moved ?? null };
}
