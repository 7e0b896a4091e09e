// Rebasing or merging a checked-out branch so that a failure leaves it as it was, with every file someone
// else wrote meanwhile. Argument arrays only.
import { existsSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lastLine, run, type RunResult } from '../core/exec.ts';
import { git, gitEnv, gitRaw } from './repo.ts';
import { blockedParent, fingerprint, gitIndex, isEmptyDir, kindOf, nul, restoreUnchanged, type Seen } from './restore.ts';
import { removeWorktree } from './worktrees.ts';

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

/**
 * Files git does not track in the checkout that integrating `onto` would write: the paths `onto` adds,
 * and for a rebase those the replayed commits add or delete on the way. An untracked one makes git stop
 * half-way; an ignored one (an edited .env) git overwrites without a word. A file where git needs a
 * folder counts, and so does a folder that is not empty where git needs a file.
 */
export async function filesInTheWay(cwd: string, head: string, onto: string, strategy: Strategy): Promise<string[]> {
  const [added, replayed] = await Promise.all([
    git(cwd, ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=A', head, onto, '--']).then(nul),
    strategy === 'rebase' ? git(cwd, ['log', '--format=', '--name-only', '-z', '--no-renames', '--diff-filter=AD', `${onto}..${head}`, '--']).then(nul) : [],
  ]);
  const hits = occupied(cwd, [...added, ...replayed]);
  if (!hits.length) return [];
  // A path of the index is the copy's own tracked work (dirty or about to be stashed), not in the way.
  const tracked = new Set(nul(await git(cwd, ['ls-files', '-z'])));
  return hits.filter((p) => !tracked.has(p));
}

/** Of paths git is to write, those taken on disk (a file, or a folder that is not empty) or under a file, sorted. */
export function occupied(cwd: string, paths: readonly string[]): string[] {
  const hits = new Set<string>();
  for (const p of new Set(paths)) {
    const k = kindOf(cwd, p);
    if (k === 'x' || (k === 'd' && !isEmptyDir(join(cwd, p)))) hits.add(p);
    const up = k === '-' ? blockedParent(cwd, p) : null;
    if (up) hits.add(up);
  }
  return [...hits].sort();
}

export type IntegrateResult =
  | { ok: true; head: string }
  | {
      ok: false;
      conflicts: string[];
      message: string;
      /** HEAD is `before` on its branch again, with no operation in progress. */
      restored: boolean;
      /** Files the operation had touched that someone else wrote meanwhile: left as they were written. */
      kept: string[];
    };

/**
 * Rebases (or merges) what is checked out in `cwd` onto `onto`; the caller guarantees a clean tree
 * beforehand. A failure is not left to git's abort, which resets every tracked file: see undoFailed.
 */
export async function integrate(cwd: string, onto: string, strategy: Strategy, before: string, branchRef: string | null, message?: string): Promise<IntegrateResult> {
  const args =
    strategy === 'rebase'
      ? [...PINNED, 'rebase', '--quiet', onto]
      : [...PINNED, 'merge', '--quiet', '--no-edit', '--no-overwrite-ignore', ...(message ? ['-m', message] : []), onto];
  const r = await gitNoEditor(cwd, args);
  if (r.code === 0) return { ok: true, head: (await git(cwd, ['rev-parse', 'HEAD'])).trim() };

  const conflicts = await conflictedFiles(cwd);
  return { ok: false, conflicts, message: lastLine(r), ...(await undoFailed(cwd, before, branchRef, conflicts)) };
}

/** True when a conflicted file holds what git wrote there: conflict markers, one side's version, or nothing. */
async function gitsConflictFile(cwd: string, path: string, stages: string[]): Promise<boolean> {
  const f = fingerprint(cwd, path);
  if (f === '-') return true;
  if (f.startsWith('l:')) return stages.includes((await git(cwd, ['hash-object', '--no-filters', '--stdin'], readlinkSync(join(cwd, path)))).trim());
  if (!f.startsWith('f:')) return false;
  if (/^<{7}( |$)/m.test(readFileSync(join(cwd, path), 'latin1'))) return true;
  return stages.includes((await git(cwd, ['hash-object', '--', path])).trim());
}

/**
 * Puts the checkout back to `before` on `branchRef` (null: a detached HEAD) after a failed rebase or
 * merge. First, as the kit sees it right after git stopped, what the operation wrote: the paths where
 * the index differs from `before`, less those whose file differs from the index (saved by someone else
 * during the operation) and conflicted files with neither markers nor a side's version (saved over
 * git's markers). Then the operation is left without touching a file, HEAD and the index go back to
 * `before`, and each path the operation wrote is put back only while it still holds what the kit saw.
 */
async function undoFailed(cwd: string, before: string, branchRef: string | null, conflicts: string[]): Promise<{ restored: boolean; kept: string[] }> {
  const touched = new Set([...nul(await git(cwd, ['diff', '--cached', '--name-only', '-z', '--no-renames', before, '--'])), ...conflicts]);
  const written = new Set(nul(await git(cwd, ['diff', '--name-only', '-z', '--no-renames', '--'])));
  const stages = new Map<string, string[]>();
  for (const line of nul(await git(cwd, ['ls-files', '--unmerged', '-z']))) {
    const tab = line.indexOf('\t');
    const path = line.slice(tab + 1);
    stages.set(path, [...(stages.get(path) ?? []), line.slice(0, tab).split(' ')[1] ?? '']);
  }
  const kept: string[] = [];
  const seen: Seen = new Map();
  for (const p of touched) {
    const someoneElse = stages.has(p) ? !(await gitsConflictFile(cwd, p, stages.get(p) ?? [])) : written.has(p);
    if (someoneElse) kept.push(p);
    else seen.set(p, fingerprint(cwd, p));
  }
  const head = await headState(cwd);
  const branchNow = branchRef ? (await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', branchRef])).stdout.trim() : null;

  const op = await operationInProgress(cwd);
  if (op === 'rebase') await git(cwd, ['rebase', '--quit']);
  else if (op === 'merge') await git(cwd, ['merge', '--quit']);
  // --quit leaves the conflicted merge result that git's abort would have removed.
  if ((await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', 'AUTO_MERGE'])).code === 0) await git(cwd, ['update-ref', '-d', 'AUTO_MERGE']);
  await gitIndex(cwd, ['read-tree', '--reset', before]);
  if (branchRef) {
    // The branch is moved back only from where the operation itself put it; anyone else's move stays.
    if (branchNow && branchNow !== before && branchNow === head.sha) await git(cwd, ['update-ref', '-m', 'parallel: restore after failed sync', branchRef, before, branchNow]);
    if (head.ref !== branchRef) await git(cwd, ['symbolic-ref', 'HEAD', branchRef]);
  } else if (head.sha !== before) await git(cwd, ['update-ref', '--no-deref', 'HEAD', before]);
  kept.push(...(await restoreUnchanged(cwd, [...seen.keys()], seen)));

  const now = await headState(cwd);
  const restored = now.sha === before && now.ref === branchRef && (await operationInProgress(cwd)) === null;
  return { restored, kept: [...new Set(kept)].sort() };
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
