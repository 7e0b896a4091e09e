// Handing a ready pool copy to new-session: claimed under the pool lock (two new-sessions never get the
// same one), checked for stray work, moved where the session's copy goes, its branch checked out (only
// the files that differ from the copy's commit are written: a copy behind the base catches up here).
import type { Context } from '../config/context.ts';
import { errorMessage } from '../core/errors.mjs';
import { git } from '../git/repo.ts';
import { FAST_CHECKOUT } from '../git/worktrees.ts';
import { moveCopy, strayWork } from './copies.ts';
import { abandoned, dropPoolRecord, readPool, stamped, withPoolLock, writePoolRecord, type PoolRecord } from './records.ts';

export interface Taken {
  /** The pool copy's id, or null when none could be used (the caller checks out a new worktree). */
  id: string | null;
  warnings: string[];
}

async function claimReady(ctx: Context, base: string, skip: Set<string>): Promise<PoolRecord | null> {
  return withPoolLock(ctx.root, () => {
    const r = readPool(ctx.root).find((x) => x.state === 'ready' && !abandoned(x) && x.base === base && !skip.has(x.id));
    if (!r) return null;
    const mine = stamped(r, 'busy');
    writePoolRecord(ctx.root, mine);
    return mine;
  });
}

/**
 * Puts a ready copy of `base` at `to` with `branch` (at `branchSha`) checked out; {id: null} when the pool
 * has none to give.
 */
export async function takePoolCopy(ctx: Context, base: string, to: string, branch: string, branchSha: string): Promise<Taken> {
  const warnings: string[] = [];
  const skip = new Set<string>();
  for (;;) {
    const r = await claimReady(ctx, base, skip);
    if (!r) return { id: null, warnings };
    skip.add(r.id);
    const stray = await strayWork(r.path, r.sha);
    if (stray) {
      await withPoolLock(ctx.root, () => (stray === 'its folder is gone' ? dropPoolRecord(ctx.root, r.id) : writePoolRecord(ctx.root, stamped(r, 'stray', { reason: stray }))));
      if (stray !== 'its folder is gone') warnings.push(`pool copy ${r.path} was not used: ${stray}; it is left alone (make pool shows it)`);
      continue;
    }
    try {
      await moveCopy(ctx.main, r.path, to);
    } catch (err) {
      await withPoolLock(ctx.root, () => writePoolRecord(ctx.root, stamped(r, 'ready')));
      warnings.push(`the pool copy ${r.path} could not be moved (${errorMessage(err)}); checked out a new worktree instead`);
      return { id: null, warnings };
    }
    await withPoolLock(ctx.root, () => dropPoolRecord(ctx.root, r.id));
    // From here the copy is the session's: a failure is undone by removing it, like a new worktree. A
    // clean copy at the branch's own commit only has to be put on the branch: no file to write.
    if (r.sha === branchSha) await git(to, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    else await git(to, [...FAST_CHECKOUT, 'checkout', '--quiet', branch]);
    return { id: r.id, warnings };
  }
}
