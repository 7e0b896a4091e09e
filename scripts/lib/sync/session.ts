// Bringing one session onto a target commit: its worktree, its clone, or (branch mode) a throwaway worktree.
import { existsSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import { copyStateOf, uncommittedFiles } from '../session/uncommitted.ts';
import { scratchPath } from '../store/paths.ts';
import { errorMessage } from '../core/errors.mjs';
import { shellQuote } from '../core/shell.ts';
import { branchExists, git, gitRaw, isAncestor, parseStatusV2, revParse } from '../git/repo.ts';
import { worktreesOf } from '../git/worktrees.ts';
import { filesInTheWay, integrate, occupied, withDetachedWorktree, type IntegrateResult, type Strategy } from '../git/rebase.ts';
import { operationIn, type KnownTip } from './known.ts';
import { applyReplay, probeReplay, replayPlan } from '../git/replay.ts';
import { autostashRef, stashAside, stashBack } from '../git/stash.ts';
import type { SessionRecord } from '../store/schemas.ts';
import type { SyncTarget } from '../git/base.ts';
import { resolveSteps, syncCommand } from '../conflicts/next-step.ts';

export const SYNC_RESULTS = ['rebased', 'merged', 'up-to-date', 'dirty', 'conflict', 'missing', 'error'] as const;
export type SyncResultKind = (typeof SYNC_RESULTS)[number];

/** One line of the sync summary (the stable keys of `make sync json=1`). */
export interface SessionSync {
  name: string;
  mode: string;
  branch: string;
  result: SyncResultKind;
  /** True for rebased, merged and up-to-date. */
  ok: boolean;
  /** The base and commit the session was brought onto. */
  onto_ref: string | null;
  onto: string | null;
  before: string | null;
  after: string | null;
  /** Files that conflicted (result conflict); the session was left as it was. */
  conflicts: string[];
  /** Uncommitted files, or files git does not track that the sync would overwrite (result dirty). */
  dirty: string[];
  /** The ref of the kit's own stash when autostash could not re-apply it (kept, nothing lost). */
  stash_kept: string | null;
  message: string | null;
  /** What to do next, where something is to be done: for a conflict, how to resolve it by hand and go on. */
  next: string | null;
}

export interface SyncOptions {
  strategy: Strategy;
  autostash: boolean;
  /** A worktree's one own commit may be replayed instead of rebased (git/replay.ts). */
  replay?: boolean;
}

export function emptySync(r: Pick<SessionRecord, 'name' | 'mode' | 'branch'>, target: SyncTarget | null): SessionSync {
  return { name: r.name, mode: r.mode, branch: r.branch, result: 'error', ok: false, onto_ref: target?.ref ?? null, onto: target?.sha ?? null, before: null, after: null, conflicts: [], dirty: [], stash_kept: null, message: null, next: null };
}

const short = (sha: string) => sha.slice(0, 7);

function mergeMessage(target: SyncTarget, branch: string): string {
  return `Merge ${target.ref} (${short(target.sha)}) into ${branch}`;
}

/** A clone reaches the main checkout's commits through its origin; the target may need fetching by sha. */
export async function fetchIntoClone(path: string, sha: string): Promise<void> {
  await git(path, ['fetch', '--quiet', 'origin']);
  if ((await gitRaw(path, ['cat-file', '-e', `${sha}^{commit}`])).code !== 0) await git(path, ['fetch', '--quiet', 'origin', sha]);
}

async function syncCopy(ctx: Context, r: SessionRecord, path: string, target: SyncTarget, opts: SyncOptions, out: SessionSync, known?: KnownTip): Promise<SessionSync> {
  if (r.mode === 'clone') await fetchIntoClone(path, target.sha);
  // A worktree behind its target whose one own commit may be replayed: status and the replay's questions in one go.
  const probe = r.mode === 'worktree' && opts.strategy === 'rebase' && opts.replay && known && !known.contains ? await probeReplay(path, known.tip, target.sha) : null;
  const st = probe?.status.code === 0 ? copyStateOf(ctx.main, r, path, parseStatusV2(probe.status.stdout)) : await uncommittedFiles(ctx.main, r, path);
  out.before = st.head;
  out.after = st.head;
  if (st.branch !== r.branch) return { ...out, message: `the copy has ${st.branch ?? 'a detached HEAD'} checked out, not ${r.branch}; check out ${r.branch} there first` };
  const op = await operationIn(path);
  if (op) return { ...out, message: `a ${op} is in progress in ${path}; finish or abort it first` };
  if (!st.head) return { ...out, message: `${r.branch} has no commit` };
  // sync-all asked for every branch at once; a HEAD that moved since is asked again
  if (known?.tip === st.head ? known.contains : await isAncestor(path, target.sha, st.head)) return { ...out, result: 'up-to-date', ok: true };
  if (st.dirty.length && !opts.autostash) {
    const next = `commit them in ${shellQuote(path)}, then ${syncCommand(r.name, opts.strategy)} (or ${syncCommand(r.name, opts.strategy)} autostash=1 takes them aside and back)`;
    return { ...out, result: 'dirty', dirty: st.dirty, message: 'commit the changes first, or pass autostash=1', next };
  }
  const plan = probe && st.head === known?.tip && !st.dirty.length ? replayPlan(probe, st.head) : null;
  // A replay writes only what the merge adds to the head: with none of those paths taken in the copy it
  // goes ahead; otherwise the real rebase's own check below says what is in the way (and what is not: a
  // tracked file the base turns into a folder).
  const replayed = plan && !occupied(path, plan.added).length ? await applyReplay(path, plan, st.head, target.sha, `refs/heads/${r.branch}`) : null;
  if (replayed) return finish(ctx, r, target, out, replayed.ok ? replayed : { ...replayed, conflicts: [], kept: [] }, opts.strategy);
  const inTheWay = await filesInTheWay(path, st.head, target.sha, opts.strategy);
  if (inTheWay.length) return inTheWayLine(out, inTheWay);

  const ref = autostashRef(r.name);
  const stash = st.dirty.length ? await stashAside(path, ref, `parallel sync of ${r.name}`) : null;
  const res = await integrate(path, target.sha, opts.strategy, st.head, `refs/heads/${r.branch}`, mergeMessage(target, r.branch));
  if (stash) {
    const back = await stashBack(path, ref, stash);
    if (!back.ok) {
      out.stash_kept = ref;
      out.message = `your uncommitted changes did not apply cleanly after the sync; they are kept in ${ref} (git stash apply ${ref}); delete it once applied (git update-ref -d ${ref}): ${back.message}`;
    }
  }
  return finish(ctx, r, target, out, res, opts.strategy);
}

function inTheWayLine(out: SessionSync, inTheWay: string[]): SessionSync {
  const what = `${list(inTheWay)}, which this copy has as files of its own (ignored or untracked) that the sync would overwrite`;
  return { ...out, result: 'dirty', dirty: inTheWay, message: `the base now tracks ${what}; move them aside (mv ${shellQuote(inTheWay[0] as string)} ${shellQuote(`${inTheWay[0]}.mine`)}), sync, then bring your changes back` };
}

const list = (xs: string[]) => xs.slice(0, 6).join(', ') + (xs.length > 6 ? `, and ${xs.length - 6} more` : '');

function finish(ctx: Context, r: SessionRecord, target: SyncTarget, out: SessionSync, res: IntegrateResult, strategy: Strategy): SessionSync {
  if (res.ok) return { ...out, result: strategy === 'rebase' ? 'rebased' : 'merged', ok: !out.stash_kept, after: res.head };
  const restored = res.restored ? '' : ` and it could NOT be restored to ${out.before}; check it by hand`;
  const kept = res.kept.length ? `; files written meanwhile were kept as written: ${list(res.kept)}` : '';
  const stash = out.message ? `; ${out.message}` : '';
  if (res.conflicts.length) {
    const next = resolveSteps(ctx.main, r, target.ref, strategy, syncCommand(r.name, strategy));
    return { ...out, result: 'conflict', conflicts: res.conflicts, message: `${strategy} aborted${res.restored ? ': nothing was changed' : ''}${restored}${kept}${stash}`, next };
  }
  return { ...out, message: `${res.message}${restored}${kept}${stash}` };
}

/**
 * Branch mode has no copy: the branch is rebased in a throwaway detached worktree and moved with a
 * compare-and-swap, so it changes only if nobody moved it meanwhile. A branch checked out somewhere
 * is left to whoever has it checked out.
 */
async function syncBranch(ctx: Context, r: SessionRecord, target: SyncTarget, opts: SyncOptions, out: SessionSync): Promise<SessionSync> {
  const { main } = ctx;
  if (!(await branchExists(main, r.branch))) return { ...out, result: 'missing', message: `branch ${r.branch} is gone`, next: `make end-session name=${r.name}` };
  const before = await revParse(main, `refs/heads/${r.branch}`);
  out.before = before;
  out.after = before;
  if (await isAncestor(main, target.sha, before)) return { ...out, result: 'up-to-date', ok: true };
  const holder = (await worktreesOf(main)).find((w) => w.branch === r.branch);
  if (holder) return { ...out, message: `${r.branch} is checked out in ${holder.path}; sync it there (git rebase ${short(target.sha)})` };

  return withDetachedWorktree(main, scratchPath(ctx.root, 'sync', r.name), before, async (tmp) => {
    const res = await integrate(tmp, target.sha, opts.strategy, before, null, mergeMessage(target, r.branch));
    if (res.ok) await git(main, ['update-ref', '-m', `parallel sync onto ${short(target.sha)}`, `refs/heads/${r.branch}`, res.head, before]);
    return finish(ctx, r, target, out, res, opts.strategy);
  });
}

/** Syncs one session; never throws (a failure is an `error` line). */
export async function syncSession(ctx: Context, r: SessionRecord, target: SyncTarget, opts: SyncOptions, known?: KnownTip): Promise<SessionSync> {
  const out = emptySync(r, target);
  try {
    if (r.mode === 'branch' || !r.path) return await syncBranch(ctx, r, target, opts, out);
    if (!existsSync(r.path)) return { ...out, result: 'missing', message: `the copy ${r.path} is gone (removed by hand?); make end-session name=${r.name} cleans up`, next: `make end-session name=${r.name}` };
    return await syncCopy(ctx, r, r.path, target, opts, out, known);
  } catch (err) {
    return { ...out, result: 'error', ok: false, message: errorMessage(err) };
  }
}
