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
import { takePoolCopy } from '../warm/take.ts';
import { wantedSize } from '../warm/records.ts';
import { backstopInClone } from '../agents/backstop.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import type { Plan } from './create.ts';
import { copyInto, copyPatterns, resolveCopies } from './untracked-copies.ts';
import { addSparseWorktree, removeSparseWorktree, sparseSpecFor } from './sparse.ts';

/** A worktree session on the config's base takes a ready copy of the warm pool when there is one. */
async function fromPool(ctx: Context, plan: Plan, path: string, branchSha: string, warnings: string[]): Promise<boolean> {
  if (plan.mode !== 'worktree' || plan.base !== ctx.config.base || wantedSize(ctx.root, ctx.config.pool) <= 0) return false;
  const taken = await takePoolCopy(ctx, plan.base, path, plan.branch, branchSha);
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

export function copySteps(ctx: Context, plan: Plan, path: string, branchSha: () => string, warnings: string[], say: (t: string) => void): CopySteps {
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
      else if (!(await fromPool(ctx, plan, path, branchSha(), warnings))) await addWorktree(main, path, plan.branch);
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
