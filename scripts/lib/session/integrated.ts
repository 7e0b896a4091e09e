// Whether a session's work is already in its base, by content as well as by ancestry, so that squash-
// and rebase-merged branches count as merged. Read-only: merge-tree's trees go to a scratch folder.
import type { Context } from '../config/context.ts';
import { run } from '../core/exec.ts';
import { git, gitRaw, isAncestor, refExists } from '../git/repo.ts';
import { scratchObjects } from '../git/merge-tree.ts';
import type { SessionRecord } from '../store/schemas.ts';

export type Integration =
  | { integrated: true; tip: string; how: string }
  | { integrated: false; tip: string | null; why: string };

const lines = (out: string) => out.split('\n').filter(Boolean);
const list = (xs: string[]) => xs.slice(0, 3).join(', ') + (xs.length > 3 ? `, and ${xs.length - 3} more` : '');

/** The commit the session's work is at: its clone's branch (a clone commits there), else the main checkout's. */
async function tipOf(main: string, r: SessionRecord): Promise<{ tip: string | null; repo: string; why?: string }> {
  if (r.mode === 'clone' && r.path) {
    const res = await gitRaw(r.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${r.branch}^{commit}`]);
    if (res.code === 0) {
      const tip = res.stdout.trim();
      if ((await gitRaw(main, ['cat-file', '-e', `${tip}^{commit}`])).code !== 0) return { tip: null, repo: r.path, why: `not merged into ${r.base}: its clone has commits the main checkout does not have` };
      return { tip, repo: r.path };
    }
  }
  const res = await gitRaw(main, ['rev-parse', '--verify', '--quiet', `refs/heads/${r.branch}^{commit}`]);
  return res.code === 0 ? { tip: res.stdout.trim(), repo: main } : { tip: null, repo: main, why: `its branch ${r.branch} is gone; make end-session name=${r.name} ends it` };
}

/**
 * A branch that never moved from where it was made has no work to be merged: its reflog (where the
 * session commits) has one entry, the one that made it, and that is its tip. Without a reflog, unknown.
 */
async function neverMoved(repo: string, branch: string, tip: string): Promise<boolean> {
  const res = await gitRaw(repo, ['reflog', 'show', '--format=%H', `refs/heads/${branch}`, '--']);
  const entries = res.code === 0 ? lines(res.stdout) : [];
  return entries.length === 1 && entries[0] === tip;
}

/**
 * Is the session's work in its base (the local base, or origin/<base> as last fetched)? The rule, cheapest first:
 * 1. its tip is an ancestor of the base: merged by fast-forward or a merge commit;
 * 2. merging its tip into the base would change nothing (`git merge-tree --write-tree` gives the base's
 *    own tree): a squash merge, a rebase merge or cherry-picks, whatever else the base changed since;
 * 3. every commit of it has a patch-equivalent in the base (`git cherry`): a rebase merge whose lines
 *    the base has edited again since, so that 2 sees a conflict.
 * A squash merge whose lines the base edited again is not recognised: that session is skipped, which loses
 * nothing. One process per rule and base, and rules 2 and 3 only for branches not merged by ancestry.
 */
export async function integration(ctx: Context, r: SessionRecord): Promise<Integration> {
  const { main } = ctx;
  const at = await tipOf(main, r);
  if (!at.tip) return { integrated: false, tip: null, why: at.why ?? 'no tip' };
  const tip = at.tip;
  const bases: { label: string; ref: string }[] = [];
  for (const [label, ref] of [[r.base, `refs/heads/${r.base}`], [`origin/${r.base}`, `refs/remotes/origin/${r.base}`]] as const) if (await refExists(main, ref)) bases.push({ label, ref });
  if (!bases.length) return { integrated: false, tip, why: `its base ${r.base} exists neither locally nor as origin/${r.base}` };

  for (const b of bases) {
    if (!(await isAncestor(main, tip, b.ref))) continue;
    if (await neverMoved(at.repo, r.branch, tip)) return { integrated: false, tip, why: 'no commits of its own yet: nothing was merged' };
    return { integrated: true, tip, how: `merged into ${b.label}` };
  }
  const scratch = await scratchObjects(main);
  try {
    for (const b of bases) {
      const res = await run('git', ['merge-tree', '--write-tree', '--no-messages', b.ref, tip], { cwd: main, env: scratch.env });
      const tree = res.code === 0 ? res.stdout.trim().split('\n')[0] : null;
      if (tree && tree === (await git(main, ['rev-parse', `${b.ref}^{tree}`])).trim()) return { integrated: true, tip, how: `its changes are in ${b.label} (squash or rebase merge)` };
    }
  } finally {
    scratch.dispose();
  }
  for (const b of bases) {
    const cherry = lines(await git(main, ['cherry', b.ref, tip]));
    if (cherry.length && cherry.every((l) => l.startsWith('- '))) return { integrated: true, tip, how: `its commits are in ${b.label} (rebase merge)` };
  }
  const own = lines(await git(main, ['log', '--format=%h %s', tip, '--not', ...bases.map((b) => b.ref), '--']));
  return { integrated: false, tip, why: `not merged into ${r.base}: ${own.length} commit${own.length === 1 ? '' : 's'} of its own (${list(own)})` };
}
