// Handing a ready pool copy to new-session: claimed under the pool lock (two new-sessions never get the
// same one), checked for stray work, moved where the session's copy goes, its branch checked out (only
// the files that differ from the copy's commit are written: a copy behind the base catches up here).
// new-session claims and checks one as it starts (claimCopy), while it validates and reserves; a claim
// it does not use is given back (releaseClaim).
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

/** A copy this process holds (busy), and why it may not be used (null: clean at its commit). */
export interface Claimed {
  record: PoolRecord;
  stray: string | null;
}

async function claimReady(ctx: Context, base: string, skip: ReadonlySet<string>): Promise<PoolRecord | null> {
  return withPoolLock(ctx.root, () => {
    const r = readPool(ctx.root).find((x) => x.state === 'ready' && !abandoned(x) && x.base === base && !skip.has(x.id));
    if (!r) return null;
    const mine = stamped(r, 'busy');
    writePoolRecord(ctx.root, mine);
    return mine;
  });
}

/** Claims a ready copy of `base` and looks for stray work in it; null when the pool has none to give. */
export async function claimCopy(ctx: Context, base: string, skip: ReadonlySet<string> = new Set()): Promise<Claimed | null> {
  const record = await claimReady(ctx, base, skip);
  if (!record) return null;
  try {
    return { record, stray: await strayWork(record.path, record.sha) };
  } catch (err) {
    return { record, stray: `it could not be looked at: ${errorMessage(err)}` };
  }
}

/** A claimed copy that will not be used: ready again when clean, else marked stray (or forgotten when its folder is gone). */
export async function releaseClaim(ctx: Context, c: Claimed): Promise<void> {
  await withPoolLock(ctx.root, () => {
    if (c.stray === 'its folder is gone') dropPoolRecord(ctx.root, c.record.id);
    else writePoolRecord(ctx.root, c.stray ? stamped(c.record, 'stray', { reason: c.stray }) : stamped(c.record, 'ready'));
  });
}

/**
 * Puts a ready copy of `base` at `to` with `branch` (at `branchSha`) checked out; {id: null} when the pool
 * has none to give. `first` is a copy claimed already (claimCopy).
 */
export async function takePoolCopy(ctx: Context, base: string, to: string, branch: string, branchSha: string, first?: Promise<Claimed | null>): Promise<Taken> {
  const warnings: string[] = [];
  const skip = new Set<string>();
  let next = first ?? claimCopy(ctx, base, skip);
  for (;;) {
    const c = await next;
    if (!c) return { id: null, warnings };
    const r = c.record;
    skip.add(r.id);
    if (c.stray) {
      await releaseClaim(ctx, c);
      if (c.stray !== 'its folder is gone') warnings.push(`pool copy ${r.path} was not used: ${c.stray}; it is left alone (make pool shows it)`);
      next = claimCopy(ctx, base, skip);
      continue;
    }
    try {
      await moveCopy(ctx.main, r.path, to);
    } catch (err) {
      await releaseClaim(ctx, c);
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
