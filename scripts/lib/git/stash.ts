// The kit's own stash for sync autostash=1: a stash commit under refs/parallel/autostash/<session>, never an
// entry of refs/stash. Worktrees share one stash list, and agents push, pop and drop it by position: an
// entry of the kit's there could be popped by an agent, or an agent's dropped by the kit.
import { OperationError } from '../core/errors.mjs';
import { lastLine } from '../core/exec.ts';
import { git, gitRaw, refExists } from './repo.ts';
import { gitIndex, look, nul, restoreUnchanged } from './restore.ts';

export const autostashRef = (session: string): string => `refs/parallel/autostash/${session}`;

/** Paths whose staged or unstaged content differs between HEAD and the stash commit `sha`. */
async function stashedPaths(cwd: string, sha: string): Promise<string[]> {
  const diff = (to: string) => git(cwd, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', 'HEAD', to]);
  return [...new Set([...nul(await diff(sha)), ...nul(await diff(`${sha}^2`))])];
}

/**
 * Takes the copy's staged and unstaged changes to tracked files aside, under `ref`; returns the stash
 * commit (null: nothing to take). Untracked files stay where they are: neither the rebase nor the merge
 * touches them, and sync refuses beforehand when the incoming commits would write over one.
 * A file saved while this runs is never lost: the stash is taken again when the copy no longer matches
 * it, and a file that changes after that is left in place (the rebase then refuses the dirty copy).
 */
export async function stashAside(cwd: string, ref: string, message: string): Promise<string | null> {
  if (await refExists(cwd, ref)) {
    throw new OperationError(`an earlier autostash of this session is kept in ${ref}; apply it (git stash apply ${ref}), delete it (git update-ref -d ${ref}), then sync again`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    // Files whose stat changed but not their bytes (a copied or touched checkout) are not changes.
    await gitRaw(cwd, ['update-index', '-q', '--refresh']);
    const sha = (await git(cwd, ['stash', 'create', message])).trim();
    if (!sha) return null;
    const paths = await stashedPaths(cwd, sha);
    const seen = look(cwd, paths);
    const sameFiles = (await gitRaw(cwd, ['diff', '--quiet', sha])).code === 0;
    const sameIndex = (await gitRaw(cwd, ['diff', '--cached', '--quiet', `${sha}^2`])).code === 0;
    if (!sameFiles || !sameIndex) continue;
    // An empty old value: the ref is created, never overwritten.
    await git(cwd, ['update-ref', '-m', message, ref, sha, '']);
    await gitIndex(cwd, ['read-tree', '--reset', 'HEAD']);
    await restoreUnchanged(cwd, paths, seen);
    return sha;
  }
  throw new OperationError('the copy kept changing while sync took its uncommitted changes aside; nothing was synced, try again');
}

/**
 * Applies the stash `sha` (index too) and deletes `ref` once it applied cleanly. When it does not apply
 * the ref stays, so nothing is lost, and git's reason is returned.
 */
export async function stashBack(cwd: string, ref: string, sha: string): Promise<{ ok: true } | { ok: false; message: string }> {
  let r = await gitRaw(cwd, ['stash', 'apply', '--index', '--quiet', sha]);
  if (r.code !== 0 && /without --index/.test(`${r.stderr}${r.stdout}`)) r = await gitRaw(cwd, ['stash', 'apply', '--quiet', sha]);
  if (r.code !== 0) return { ok: false, message: lastLine(r) };
  // git 2.39 leaves the merge result of a clean apply behind as AUTO_MERGE, as if a merge were under way.
  if ((await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', 'AUTO_MERGE'])).code === 0) await git(cwd, ['update-ref', '-d', 'AUTO_MERGE']);
  await git(cwd, ['update-ref', '-d', ref, sha]);
  return { ok: true };
}

/** The kit's stashes kept in a repository (autostashes that did not apply), as "ref (what)" lines. */
export async function keptAutostashes(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname) (kept by sync autostash=1)', 'refs/parallel/autostash/']);
  return out.split('\n').filter(Boolean);
}
