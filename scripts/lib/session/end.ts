// Ending a session: say what would be lost and refuse, or remove the copy, release, and keep the logs.
import { existsSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import { editedCopies, isInside, isUnchangedCopy } from './untracked-copies.ts';
import { OperationError, UsageError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { branchExists, git, gitRaw, hasRemote, isAncestor, revParse, worktreeStatus } from '../git/repo.ts';
import { removeWorktree, withGitConfig } from '../git/worktrees.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { archiveSession, findSession, isInterrupted, updateSession, withSessionLock } from '../store/sessions.ts';
import { isoWithOffset } from '../core/time.ts';
import { endSessionStatus } from '../tracker/tracker.ts';
import { setEntryStatus } from '../worklog/entries.ts';

export interface AtRisk {
  /** Everything `git status` listed, copies included: when empty, git can recheck cleanliness as it removes. */
  anyChange: boolean;
  /** Uncommitted files in the copy (modified, staged, untracked), copies of .env and friends excepted. */
  uncommitted: string[];
  /** Commits neither in the base nor on any remote-tracking branch: "abbrev subject". */
  unpushed: string[];
  /** Stash entries of a clone (a worktree's stashes live in the main repository and stay). */
  stashes: string[];
  copyMissing: boolean;
}

export interface EndReport {
  name: string;
  outcome: 'COMPLETED' | 'ABANDONED';
  removed_copy: string | null;
  branch: string;
  branch_deleted: boolean;
  branch_kept_reason: string | null;
  discarded: AtRisk;
  worklog_updated: boolean;
  archived_to: string;
  warnings: string[];
}

/** What ending the session would throw away. Clones are fetched first so that pushed work counts as pushed. */
export async function workAtRisk(ctx: Context, r: SessionRecord): Promise<AtRisk> {
  const copyMissing = r.path !== null && !existsSync(r.path);
  let uncommitted: string[] = [];
  let unpushed: string[] = [];
  let stashes: string[] = [];
  let anyChange = false;
  const lines = (out: string) => out.split('\n').filter(Boolean);
  if (r.path && !copyMissing) {
    const path = r.path;
    const st = await worktreeStatus(path);
    anyChange = st.changed.length > 0;
    // Copies of .env and friends are usually ignored, so git status does not show them: compare them too.
    uncommitted = [...new Set([...st.changed.filter((p) => !isUnchangedCopy(ctx.main, path, r.copied, p)), ...editedCopies(ctx.main, path, r.copied)])];
    if (r.mode === 'clone') {
      await gitRaw(path, ['fetch', '--quiet', 'origin']);
      // The whole clone goes: commits on any of its branches or on a detached HEAD, and its stashes.
      const head = (await gitRaw(path, ['rev-parse', '--verify', '--quiet', 'HEAD'])).code === 0 ? ['HEAD'] : [];
      unpushed = lines(await git(path, ['log', '--format=%h %s', ...head, '--branches', '--not', '--remotes', '--']));
      stashes = lines(await git(path, ['stash', 'list', '--format=%gd %s']));
    } else {
      // A detached HEAD in the worktree may hold commits no branch has.
      unpushed = lines(await git(path, ['log', '--format=%h %s', 'HEAD', '--not', '--branches', '--remotes', '--']));
    }
  }
  if (r.mode !== 'clone' && (await branchExists(ctx.main, r.branch))) {
    unpushed.push(...lines(await git(ctx.main, ['log', '--format=%h %s', r.branch, '--not', r.base, '--remotes', '--'])));
  }
  return { anyChange: anyChange || uncommitted.length > 0, uncommitted, unpushed: [...new Set(unpushed)], stashes, copyMissing };
}

function describeRisk(risk: AtRisk): string {
  const parts: string[] = [];
  const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
  if (risk.uncommitted.length) parts.push(`${risk.uncommitted.length} uncommitted file${risk.uncommitted.length > 1 ? 's' : ''} (${list(risk.uncommitted)})`);
  if (risk.unpushed.length) parts.push(`${risk.unpushed.length} commit${risk.unpushed.length > 1 ? 's' : ''} neither merged nor pushed (${list(risk.unpushed)})`);
  if (risk.stashes.length) parts.push(`${risk.stashes.length} stash entr${risk.stashes.length > 1 ? 'ies' : 'y'} in the clone (${list(risk.stashes)})`);
  return parts.join(' and ');
}

/** Ends a session while holding its lock, so that two ends (or an end and a sync) never interleave. */
export interface EndOptions {
  force: boolean;
  /** The WORK_LOG status to write (default COMPLETED, or ABANDONED with force). */
  status?: string;
}

export async function endSession(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const r = findSession(ctx.root, ctx.config.workspace, name); // a clear error before waiting for a lock
  if (r.path && isInside(r.path, process.cwd())) throw new UsageError(`you are inside the copy of session '${name}', which end-session removes; cd ${ctx.main} and run it there`);
  return withSessionLock(ctx.root, ctx.config.workspace, name, () => endSessionLocked(ctx, name, opts));
}

/** endSession for a caller that already holds the session's lock (finish-session merge=1). */
export async function endSessionLocked(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const { main, root } = ctx;
  const workspace = ctx.config.workspace;
  const r = findSession(root, workspace, name);
  if (r.state === 'creating' && !isInterrupted(r)) throw new OperationError(`session '${name}' is still being created (pid ${r.creator?.pid}); wait for it to finish`);
  const risk = await workAtRisk(ctx, r);
  const lost = describeRisk(risk);
  if (lost && !opts.force) {
    const push = (await hasRemote(main)) ? `push it (git push origin ${r.branch}) or ` : '';
    const advice = risk.uncommitted.length ? `commit it, then ${push ? 'push or ' : ''}merge it` : risk.unpushed.length ? `${push}merge it into ${r.base}` : 'apply or drop the stashes';
    throw new OperationError(`session '${name}' has ${lost}; nothing was changed. To keep it: ${advice}. To throw it away: make end-session name=${name} force=1`);
  }
  const warnings: string[] = [];
  const outcome = opts.force ? 'ABANDONED' : 'COMPLETED';

  let removed: string | null = null;
  if (r.path) {
    if (r.mode === 'clone') {
      if (existsSync(r.path)) await run('rm', ['-rf', '--', r.path]);
    } else {
      await removeWorktree(main, r.path, risk.anyChange);
    }
    removed = risk.copyMissing ? null : r.path;
    if (risk.copyMissing) warnings.push(`the copy ${r.path} was already gone`);
  }

  let deleted = false;
  let keptReason: string | null = null;
  if (await branchExists(main, r.branch)) {
    const sha = await revParse(main, r.branch);
    const merged = (await branchExists(main, r.base)) && (await isAncestor(main, r.branch, r.base));
    const checkedOut = (await gitRaw(main, ['worktree', 'list', '--porcelain'])).stdout.includes(`branch refs/heads/${r.branch}\n`);
    if (checkedOut) keptReason = 'checked out in another worktree';
    else if (merged || opts.force) {
      await withGitConfig(root, async () => {
        await git(main, ['update-ref', '-d', `refs/heads/${r.branch}`, sha]);
        await gitRaw(main, ['config', '--remove-section', `branch.${r.branch}`]);
      });
      deleted = true;
      if (!merged) warnings.push(`deleted unmerged branch ${r.branch} (was ${sha.slice(0, 10)}; recover with: git branch ${r.branch} ${sha.slice(0, 10)})`);
    } else keptReason = `not merged into ${r.base} (its commits are pushed)`;
  } else if (r.mode !== 'clone') warnings.push(`branch ${r.branch} was already gone`);

  endSessionStatus(root, workspace, name, outcome);
  const worklogUpdated = await setEntryStatus(main, root, r.uid, opts.status ?? outcome);
  if (!worklogUpdated) warnings.push(`no WORK_LOG.md entry found for ${name}; its status was not updated`);
  await updateSession(root, workspace, name, (rec) => ({ ...rec, state: 'ended', ended_at: isoWithOffset(), outcome, creator: null }));
  const archived = await archiveSession(root, workspace, name);
  return { name, outcome, removed_copy: removed, branch: r.branch, branch_deleted: deleted, branch_kept_reason: keptReason, discarded: opts.force ? risk : { ...risk, uncommitted: [], unpushed: [], stashes: [] }, worklog_updated: worklogUpdated, archived_to: archived, warnings };
}
