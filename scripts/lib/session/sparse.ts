// mode=sparse: a worktree that checks out only its component's paths, the config's sparse: list and the
// files at the top. The key git needs in the shared config for it (extensions.worktreeConfig) is turned
// on only when it was not, marked as the kit's in the state folder, and taken out again, when the last
// worktree that has settings of its own goes.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { git } from '../git/repo.ts';
import { checkoutSparse, disableWorktreeConfig, enableWorktreeConfig, pathTypes, setSparse, sparseSpec, worktreeConfigInUse, worktreeConfigSetting, type SparseSpec } from '../git/sparse.ts';
import { removeWorktree, retryConfigLock } from '../git/worktrees.ts';
import { withStoreLock } from '../store/paths.ts';

/** Present while extensions.worktreeConfig is set because the kit set it. */
export const worktreeConfigMarker = (root: string) => join(root, 'worktree-config.json');

const commonDirOf = async (main: string) => (await git(main, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();

/** The sparse set of a session on `component`: its paths and the config's sparse: list, decided on `commit`. */
export async function sparseSpecFor(ctx: Context, component: string, commit: string): Promise<SparseSpec> {
  const paths = [...(ctx.config.components[component]?.paths ?? []), ...ctx.config.sparse];
  return sparseSpec(await pathTypes(ctx.main, commit, paths));
}

/**
 * Makes the sparse worktree; on a failure the caller removes it (removeSparseWorktree). The shared config's key, the worktree's entry and its own settings are made
 * under the kit's git-config lock, so that no session ending meanwhile sees the key unused and takes it
 * out; the checkout itself (the slow part) comes after.
 */
export async function addSparseWorktree(ctx: Context, path: string, branch: string, spec: SparseSpec): Promise<void> {
  const commonDir = await commonDirOf(ctx.main);
  mkdirSync(dirname(path), { recursive: true });
  await withStoreLock(ctx.root, 'git-config', async () => {
    const setting = await worktreeConfigSetting(commonDir);
    if (setting === false) throw new OperationError(`extensions.worktreeConfig is false in ${join(commonDir, 'config')}; mode=sparse needs it (git config extensions.worktreeConfig true), or use mode=worktree`);
    if (setting === null) {
      writeJsonAtomic(worktreeConfigMarker(ctx.root), { version: 1, key: 'extensions.worktreeConfig', set_by: 'parallel-kit mode=sparse', at: isoWithOffset() });
      await retryConfigLock(() => enableWorktreeConfig(commonDir));
    }
    await git(ctx.main, ['worktree', 'add', '--no-checkout', '--quiet', path, branch]);
    await setSparse(path, spec);
  });
  await checkoutSparse(path);
}

async function releaseUnlocked(ctx: Context, commonDir: string): Promise<void> {
  const marker = worktreeConfigMarker(ctx.root);
  if (!existsSync(marker) || worktreeConfigInUse(commonDir)) return;
  if ((await worktreeConfigSetting(commonDir)) !== null) await retryConfigLock(() => disableWorktreeConfig(commonDir));
  rmSync(marker, { force: true });
}

/** Takes extensions.worktreeConfig out again when the kit put it in and no worktree has settings of its own left. */
export async function releaseWorktreeConfig(ctx: Context): Promise<void> {
  const commonDir = await commonDirOf(ctx.main);
  await withStoreLock(ctx.root, 'git-config', () => releaseUnlocked(ctx, commonDir));
}

/** Removes a sparse worktree (see removeWorktree), then the shared key when nothing needs it any more. */
export async function removeSparseWorktree(ctx: Context, path: string, force = true): Promise<void> {
  await removeWorktree(ctx.main, path, force);
  await releaseWorktreeConfig(ctx);
}
