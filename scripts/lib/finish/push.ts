// Publishing a finished session: push its branch without overwriting anyone's commits, fast-forward the base.
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { git, gitFailure, gitRaw, hasRemote, isAncestor, refExists, revParse } from '../git/repo.ts';
import { worktreesOf } from '../git/worktrees.ts';
import type { SessionRecord } from '../store/schemas.ts';

/**
 * Pushes refs/heads/<branch> of `cwd` to `remote`. A rebased branch needs a forced push; the lease makes
 * it fail if the remote moved since our fetch, and `git cherry` first checks that every commit already
 * on the remote branch is in ours (by patch), so a force never drops someone else's work.
 */
export async function pushWithLease(cwd: string, remote: string, branch: string): Promise<void> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  const lease = (await refExists(cwd, tracking)) ? await revParse(cwd, tracking) : '';
  if (lease) {
    const missing = (await git(cwd, ['cherry', `refs/heads/${branch}`, tracking])).split('\n').filter((l) => l.startsWith('+ '));
    if (missing.length) {
      throw new OperationError(`${remote}/${branch} has ${missing.length} commit(s) the session does not (${missing.map((l) => l.slice(2, 9)).join(', ')}); bring them into the session first (git pull --rebase ${remote} ${branch}); nothing was pushed`);
    }
  }
  const args = ['push', '--quiet', '--porcelain', `--force-with-lease=refs/heads/${branch}:${lease}`, remote, `refs/heads/${branch}:refs/heads/${branch}`];
  const r = await gitRaw(cwd, args);
  if (r.code !== 0) throw new OperationError(gitFailure(['push', remote], r));
}

/** Pushes the session's branch: a clone to the main checkout first; then the main checkout to origin, if it has one. */
export async function pushBranch(ctx: Context, r: SessionRecord): Promise<string[]> {
  const to: string[] = [];
  if (r.mode === 'clone' && r.path) {
    await pushWithLease(r.path, 'origin', r.branch);
    to.push('main checkout');
  }
  if (await hasRemote(ctx.main, 'origin')) {
    await pushWithLease(ctx.main, 'origin', r.branch);
    to.push('origin');
  }
  return to;
}

/**
 * Fast-forwards the local base to the branch: with `git merge --ff-only` where the base is checked out
 * (git refuses to clobber local changes there), else a compare-and-swap of the ref. Pushes the base
 * when there is a remote (pushed: null when there is none).
 */
export async function fastForwardBase(ctx: Context, base: string, branch: string): Promise<{ base: string; from: string; to: string; pushed: boolean | null }> {
  const { main } = ctx;
  const sha = await revParse(main, `refs/heads/${branch}`);
  const remote = await hasRemote(main, 'origin');
  // Only a branch that went somewhere is "pushed": without a remote it is in the main checkout, as it was.
  const where = remote ? `the branch ${branch} is pushed` : `the branch ${branch} is in the main checkout`;
  if (!(await refExists(main, `refs/heads/${base}`))) throw new OperationError(`there is no local branch ${base} to fast-forward; ${where}, merge it yourself`);
  const old = await revParse(main, `refs/heads/${base}`);
  if (!(await isAncestor(main, old, sha))) throw new OperationError(`${base} has moved on since the rebase, so it cannot be fast-forwarded to ${branch}; run make finish-session again`);
  if (old !== sha) {
    const holder = (await worktreesOf(main)).find((w) => w.branch === base);
    if (holder) {
      const r = await gitRaw(holder.path, ['merge', '--ff-only', '--quiet', sha]);
      if (r.code !== 0) throw new OperationError(`could not fast-forward ${base} in ${holder.path} (${gitFailure(['merge', '--ff-only'], r)}); ${branch} is ${remote ? 'pushed and ' : ''}marked READY FOR REVIEW, merge it yourself`);
    } else {
      await git(main, ['update-ref', '-m', `parallel finish: fast-forward to ${branch}`, `refs/heads/${base}`, sha, old]);
    }
  }
  let pushed: boolean | null = null;
  if (remote) pushed = (await gitRaw(main, ['push', '--quiet', 'origin', `refs/heads/${base}:refs/heads/${base}`])).code === 0;
  return { base, from: old, to: sha, pushed };
}
