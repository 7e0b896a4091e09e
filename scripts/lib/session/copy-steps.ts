// The session's copy, the slow part of new-session: the checkout starts as soon as the branch exists and
// runs while the bookkeeping (guard.json, status, WORK_LOG.md) is written; a later step waits for it.
// Either way a failure leaves nothing: the checkout cleans up after itself, and its undo waits for it.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Context } from '../config/context.ts';
import { errorMessage, OperationError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { isInside } from '../core/paths.ts';
import type { Step } from '../core/steps.ts';
import { addWorktree, ensureExcluded, excludeFile, makeClone, removeWorktree } from '../git/worktrees.ts';
import { SESSION_ENV_FILE } from '../store/paths.ts';
import { claimCopy, releaseClaim, takePoolCopy, type Claimed } from '../warm/take.ts';
import { wantedSize } from '../warm/records.ts';
import { backstopInClone } from '../agents/backstop.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import type { Plan } from './plan.ts';
import { copyInto, copyPatterns, resolveCopies } from './untracked-copies.ts';
import { addSparseWorktree, removeSparseWorktree, sparseSpecFor } from './sparse.ts';

/** Whether a session of this mode and base takes a copy of the warm pool: a worktree on the config's base, with a pool. */
const pooled = (ctx: Context, mode: string, base: string) => mode === 'worktree' && base === ctx.config.base && wantedSize(ctx.root, ctx.config.pool) > 0;

/** A pool copy new-session claims (and checks) as it starts, while it validates and reserves: its checkout uses it, or it is given back. */
export interface EarlyCopy {
  claim: Promise<Claimed | null>;
  used: boolean;
}

export function claimEarly(ctx: Context, input: { mode?: string; base?: string }): EarlyCopy | null {
  const base = input.base || ctx.config.base;
  if (!pooled(ctx, input.mode || ctx.config.mode, base)) return null;
  return { claim: claimCopy(ctx, base).catch(() => null), used: false };
}

/** Gives back a copy claimed early that the checkout did not take (new-session failed before it, or did not need it). */
export async function giveBack(ctx: Context, early: EarlyCopy | null): Promise<void> {
  if (!early || early.used) return;
  const c = await early.claim;
  if (c) await releaseClaim(ctx, c);
}

/** A worktree session on the config's base takes a ready copy of the warm pool when there is one. */
async function fromPool(ctx: Context, plan: Plan, path: string, branchSha: string, warnings: string[], early: EarlyCopy | null): Promise<boolean> {
  if (!pooled(ctx, plan.mode, plan.base)) return false;
  if (early) early.used = true;
  const taken = await takePoolCopy(ctx, plan.base, path, plan.branch, branchSha, early?.claim);
  warnings.push(...taken.warnings);
  return taken.id !== null;
}

/** The main checkout's info/exclude, without asking git when its git folder is the plain <main>/.git. */
async function mainExclude(ctx: Context): Promise<string> {
  const { commonDir } = ctx.loc;
  return basename(commonDir) === '.git' && dirname(commonDir) === ctx.main ? join(commonDir, 'info', 'exclude') : excludeFile(ctx.main);
}

export interface CopySteps {
  /** Starts the checkout (never fails itself). */
  start: Step;
  /** Waits for it; fails with what the checkout failed with. */
  wait: Step;
  copyFiles: Step;
  copied: () => string[];
}

export function copySteps(ctx: Context, plan: Plan, path: string, branchSha: () => string, warnings: string[], say: (t: string) => void, early: EarlyCopy | null = null): CopySteps {
  const { main, root, config } = ctx;
  const removeCopy = async () => {
    if (plan.mode === 'clone') await run('rm', ['-rf', '--', path]);
    else if (plan.mode === 'sparse') await removeSparseWorktree(ctx, path);
    else await removeWorktree(main, path);
  };
  const checkout = async () => {
    say(plan.mode === 'clone' ? `cloning into ${path}` : `checking out ${plan.branch} in ${path}`);
    try {
      // An adopted branch is in the main checkout already: the clone's branch tracks it there.
      if (plan.mode === 'clone') {
        await makeClone(main, path, plan.branch, plan.from ? plan.branch : plan.base);
        await backstopInClone(main, path, KIT_DIR);
      }
      else if (plan.mode === 'sparse') await addSparseWorktree(ctx, path, plan.branch, await sparseSpecFor(ctx, plan.component, branchSha()));
      else if (!(await fromPool(ctx, plan, path, branchSha(), warnings, early))) await addWorktree(main, path, plan.branch);
      // A worktree's info/exclude is the main checkout's: no git call needed to find it.
      const exclude = plan.mode === 'clone' ? await excludeFile(path) : await mainExclude(ctx);
      await ensureExcluded(root, exclude, `/${SESSION_ENV_FILE}`);
      // The state folder is git-ignored even in a repository that never ran make init.
      if (isInside(main, root)) await ensureExcluded(root, await mainExclude(ctx), `/${relative(main, root)}/`);
    } catch (err) {
      // The folder did not exist before (planSession checked): whatever git left of it is ours to remove.
      try {
        if (existsSync(path) || plan.mode === 'sparse') await removeCopy();
        else if (plan.mode !== 'clone') await removeWorktree(main, path);
      } catch (cleanup) {
        throw new OperationError(`${errorMessage(err)}; and what git left in ${path} could not be removed (${errorMessage(cleanup)}): remove it by hand`);
      }
      throw err;
    }
  };
  // Settled into a value at once: a failure is reported by the wait step, never as an unhandled rejection.
  let outcome: Promise<{ ok: true } | { ok: false; err: unknown }> | null = null;
  let copied: string[] = [];
  const title = plan.mode === 'clone' ? `clone the repository into ${path}` : `create the worktree ${path}`;
  return {
    start: {
      title,
      run: async () => {
        outcome = checkout().then(
          () => ({ ok: true as const }),
          (err: unknown) => ({ ok: false as const, err }),
        );
      },
      undo: async () => {
        if ((await outcome)?.ok) await removeCopy();
      },
    },
    wait: {
      title,
      run: async () => {
        const r = await outcome;
        if (r && !r.ok) throw r.err;
      },
    },
    copyFiles: {
      title: 'copy untracked files (.env and friends)',
      run: async () => {
        copied = copyInto(main, path, await resolveCopies(main, copyPatterns(main, config.copy)));
      },
    },
    copied: () => copied,
  };
}
