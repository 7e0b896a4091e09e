// Ending a session: say what would be lost and refuse, or keep what nothing else holds (ignored files in
// the archive; with force=1 also commits, under refs/parallel/archive/), remove the copy, release, and
// keep the logs. A copy git cannot read is never removed.
import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Context } from '../config/context.ts';
import { editedCopies, isUnchangedCopy } from './untracked-copies.ts';
import { KEEP_LIMIT, keepFiles, planKeep, size, type KeepPlan } from './ignored-files.ts';
import { isInside } from '../core/paths.ts';
import { errorMessage, OperationError, UsageError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { shellQuote } from '../core/shell.ts';
import { branchExists, git, hasRemote, isAncestor, revParse } from '../git/repo.ts';
import { copyFingerprint, readCopy, type CopyIdentity } from '../git/copy-state.ts';
import { keptAutostashes } from '../git/stash.ts';
import { cloneTips, fetchTips, keepUnderRefs, orphanedCommits, stashTips, type Tip } from '../git/orphans.ts';
import { deleteBranchAt, locateWorktree, removeWorktree, samePath, worktreesOf } from '../git/worktrees.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { archiveSession, archiveStamp, findSession, isInterrupted, keptDir, updateSession, withSessionLock } from '../store/sessions.ts';
import { isoWithOffset } from '../core/time.ts';
import { endSessionStatus } from '../tracker/tracker.ts';
import { setEntryStatus } from '../worklog/entries.ts';

export interface AtRisk {
  /** Everything `git status` listed, copies included: when empty, git can recheck cleanliness as it removes. */
  anyChange: boolean;
  /** Uncommitted files in the copy (modified, staged, untracked), copies of .env and friends excepted. */
  uncommitted: string[];
  /** Commits that ending would leave in neither the base nor on a remote nor under any other ref: "abbrev subject". */
  unpushed: string[];
  /** Stash entries of a clone (a worktree's stashes live in the main repository and stay). */
  stashes: string[];
  /** Git-ignored paths, not disposable, too big to keep in the archive (the smaller ones are kept). */
  ignored: string[];
  copyMissing: boolean;
  /** Where the copy's folder is when it is not where the session put it (moved by hand or with git worktree move). */
  movedTo: string | null;
  /** Why git could not read the copy: nothing of it is removed then, not even with force=1. */
  unreadable: string | null;
}

export interface EndReport {
  name: string;
  outcome: 'COMPLETED' | 'ABANDONED';
  removed_copy: string | null;
  branch: string;
  branch_deleted: boolean;
  branch_kept_reason: string | null;
  discarded: AtRisk;
  /** The folder of the archive that holds the copy's ignored files (kept_files lists them as git did). */
  kept_in: string | null;
  kept_files: string[];
  /** Refs that keep commits nothing else held (force=1). */
  kept_refs: string[];
  worklog_updated: boolean;
  archived_to: string;
  warnings: string[];
}

interface Inspection {
  risk: AtRisk;
  /** The copy's folder as found (moved or not); null when it is gone. */
  at: string | null;
  /** The path git has the session's worktree registered at (worktree mode). */
  registered: string | null;
  keep: KeepPlan;
  /** What would be left without a ref, to keep under refs/parallel/archive/ when force=1 goes ahead. */
  orphans: Tip[];
  /** The copy as inspected (copyFingerprint): it is removed only if it still reads the same once set aside. */
  fingerprint: string | null;
}

const lines = (out: string) => out.split('\n').filter(Boolean);

/** One ref per commit, the first label that names it. */
function distinct(tips: readonly Tip[]): Tip[] {
  const commits = new Set<string>();
  return tips.filter((t) => !commits.has(t.commit) && commits.add(t.commit));
}

/**
 * Everything ending would throw away or could not account for. `force` says whether the session's branch
 * will then be deleted even unmerged, so that its commits do not count as kept by it.
 */
async function inspect(ctx: Context, r: SessionRecord, force: boolean): Promise<Inspection> {
  const { main } = ctx;
  const risk: AtRisk = { anyChange: false, uncommitted: [], unpushed: [], stashes: [], ignored: [], copyMissing: false, movedTo: null, unreadable: null };
  const ins: Inspection = { risk, at: null, registered: null, keep: { keep: [], tooBig: [] }, orphans: [], fingerprint: null };
  const branchTip = (await branchExists(main, r.branch)) ? await revParse(main, r.branch) : null;
  const copyTips: Tip[] = [];
  let stashed: Tip[] = [];
  if (r.path) {
    let identity: CopyIdentity = { kind: 'clone' };
    if (r.mode === 'clone') ins.at = existsSync(r.path) ? r.path : null;
    else {
      const loc = await locateWorktree(main, r.path, r.branch);
      ins.at = loc.at;
      ins.registered = loc.entry?.path ?? null;
      // Read from the main repository: a detached HEAD's commits are known even when the folder is away.
      if (loc.entry?.head) copyTips.push({ label: 'HEAD', object: loc.entry.head, commit: loc.entry.head });
      const commonDir = (await git(main, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
      identity = { kind: 'worktree', commonDir, registered: ins.registered ?? r.path };
    }
    risk.copyMissing = ins.at === null;
    if (ins.at && !samePath(ins.at, r.path)) risk.movedTo = ins.at;
    if (ins.at) {
      const read = await readCopy(ins.at, identity);
      if (!read.ok) {
        risk.unreadable = read.why;
        return ins;
      }
      const c = read.contents;
      const at = ins.at;
      risk.anyChange = c.changed.length > 0;
      // Copies of .env and friends are usually ignored, so git status does not show them: compare them too.
      risk.uncommitted = [...new Set([...c.changed.filter((p) => !isUnchangedCopy(main, at, r.copied, p)), ...editedCopies(main, at, r.copied)])];
      ins.keep = planKeep(at, c.ignored, r.copied, ctx.config.disposable);
      risk.ignored = ins.keep.tooBig.map((e) => e.entry);
      ins.fingerprint = await copyFingerprint(at, keptFiles(ins.keep), read.status);
      if (r.mode === 'clone') {
        // The whole clone goes: every ref of its own counts, checked against the main repository's refs.
        const own = await cloneTips(at, c.head);
        const stash = await stashTips(at);
        await fetchTips(main, at, [...own, ...stash.tips]);
        copyTips.push(...own);
        stashed = stash.tips;
        risk.stashes = [...stash.lines, ...(await keptAutostashes(at))];
      }
    }
  }
  // With force=1 the branch goes even unmerged. A worktree's HEAD on it is kept under the branch's name;
  // a clone's own branch of that name may differ from the one it pushed to the main repository.
  const branchTips: Tip[] = force && branchTip ? [{ label: `${r.mode === 'clone' ? 'main/' : ''}heads/${r.branch}`, object: branchTip, commit: branchTip }] : [];
  const tips = r.mode === 'clone' ? [...copyTips, ...branchTips] : [...branchTips, ...copyTips];
  const orphaned = await orphanedCommits(main, tips.map((t) => t.commit), force && branchTip ? r.branch : null);
  const orphanCommits = new Set(orphaned.map((o) => o.sha));
  ins.orphans = [...distinct(tips.filter((t) => orphanCommits.has(t.commit))), ...stashed];
  // The branch itself must be in the base or pushed, even when another local branch holds its commits.
  const strict = r.mode !== 'clone' && branchTip ? lines(await git(main, ['log', '--format=%h %s', r.branch, '--not', r.base, '--remotes', '--'])) : [];
  risk.unpushed = [...new Set([...strict, ...orphaned.map((o) => o.line)])];
  risk.anyChange ||= risk.uncommitted.length > 0;
  return ins;
}

/** What ending the session would throw away. Clone refs are checked against the main repository's refs. */
export async function workAtRisk(ctx: Context, r: SessionRecord): Promise<AtRisk> {
  return (await inspect(ctx, r, false)).risk;
}

function describeRisk(risk: AtRisk, r: SessionRecord, plan: KeepPlan): string {
  const parts: string[] = [];
  const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
  if (risk.movedTo) parts.push(`a copy that was moved by hand to ${risk.movedTo} (git expects it at ${r.path})`);
  if (risk.uncommitted.length) parts.push(`${risk.uncommitted.length} uncommitted file${risk.uncommitted.length > 1 ? 's' : ''} (${list(risk.uncommitted)})`);
  if (risk.unpushed.length) parts.push(`${risk.unpushed.length} commit${risk.unpushed.length > 1 ? 's' : ''} neither merged nor pushed (${list(risk.unpushed)})`);
  if (risk.stashes.length) parts.push(`${risk.stashes.length} stash entr${risk.stashes.length > 1 ? 'ies' : 'y'} in the clone (${list(risk.stashes)})`);
  if (plan.tooBig.length) {
    const big = plan.tooBig.map((e) => `${e.entry} ${e.over ? 'at least ' : ''}${e.files.length > KEEP_LIMIT.files ? `${e.files.length} files` : size(e.bytes)}`);
    parts.push(`${big.length} git-ignored path${big.length > 1 ? 's' : ''} too big to keep in the archive (${list(big)})`);
  }
  return parts.join(' and ');
}

function refusal(risk: AtRisk, r: SessionRecord, lost: string, push: string): string {
  const advice: string[] = [];
  if (risk.movedTo) advice.push(`move it back (mv ${shellQuote(risk.movedTo)} ${shellQuote(r.path ?? '')})`);
  if (risk.uncommitted.length) advice.push(`commit it, then ${push ? 'push or ' : ''}merge it`);
  else if (risk.unpushed.length) advice.push(`${push}merge it into ${r.base}`);
  else if (risk.stashes.length) advice.push('apply or drop the stashes');
  if (risk.ignored.length) advice.push('list them under disposable: in parallel.config.yaml, or move them out of the copy');
  return `session '${r.name}' has ${lost}; nothing was changed. To keep it: ${advice.join('; ')}. To throw it away: make end-session name=${r.name} force=1`;
}

function unreadable(ctx: Context, r: SessionRecord, at: string, why: string): string {
  const fix =
    r.mode === 'clone'
      ? `move what you want to keep out of it and delete the folder yourself`
      : `if it is the session's worktree, relink it with: git -C ${shellQuote(ctx.main)} worktree repair; if not, move it out of the way`;
  return `cannot read the copy ${at} of session '${r.name}': ${why}; nothing was changed, not even with force=1. To go on: ${fix}, then run make end-session name=${r.name} again`;
}

function keptFiles(plan: KeepPlan): string[] {
  return plan.keep.flatMap((e) => e.files);
}

/**
 * An agent may still be writing while the session ends: the copy is first moved aside (a rename in the
 * same folder; git worktree move for a worktree), so that nothing more lands in it by its path, then
 * read again. Only if it reads as it did when it was inspected is it removed; otherwise it goes back
 * where it was and nothing is removed.
 */
async function removeSetAside(ctx: Context, r: SessionRecord, ins: Inspection, at: string, remove: (aside: string) => Promise<void>): Promise<void> {
  const aside = join(dirname(at), `.${basename(at)}.ending-${process.pid}`);
  const worktree = r.mode !== 'clone';
  const move = async (from: string, to: string) => (worktree ? void (await git(ctx.main, ['worktree', 'move', from, to])) : renameSync(from, to));
  await move(at, aside);
  const now = await copyFingerprint(aside, keptFiles(ins.keep));
  if (now === null || now !== ins.fingerprint) {
    await move(aside, at);
    throw new OperationError(`the copy of session '${r.name}' changed while end-session was ending it (an agent still at work?); it is back in ${at} and nothing was removed. Stop what writes there, then run make end-session name=${r.name} again`);
  }
  await remove(aside);
}

/** Ends a session while holding its lock, so that two ends (or an end and a sync) never interleave. */
export interface EndOptions {
  force: boolean;
  /** The WORK_LOG status to write (default COMPLETED, or ABANDONED with force). */
  status?: string;
}

export async function endSession(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const r = findSession(ctx.root, ctx.config.workspace, name); // a clear error before waiting for a lock
  if (r.path && isInside(r.path, ctx.cwd)) throw new UsageError(`you are inside the copy of session '${name}', which end-session removes; cd ${ctx.main} and run it there`);
  return withSessionLock(ctx.root, ctx.config.workspace, name, () => endSessionLocked(ctx, name, opts));
}

/** endSession for a caller that already holds the session's lock (finish-session merge=1). */
export async function endSessionLocked(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const { main, root } = ctx;
  const workspace = ctx.config.workspace;
  const r = findSession(root, workspace, name);
  if (r.state === 'creating' && !isInterrupted(r)) throw new OperationError(`session '${name}' is still being created (pid ${r.creator?.pid}); wait for it to finish`);
  const ins = await inspect(ctx, r, opts.force);
  const risk = ins.risk;
  if (risk.unreadable) throw new OperationError(unreadable(ctx, r, ins.at ?? '', risk.unreadable));
  const lost = describeRisk(risk, r, ins.keep);
  if (lost && !opts.force) throw new OperationError(refusal(risk, r, lost, (await hasRemote(main)) ? `push it (git push origin ${r.branch}) or ` : ''));
  const warnings: string[] = [];
  const outcome = opts.force ? 'ABANDONED' : 'COMPLETED';

  // Keep first, remove after: what nothing else holds is safe before anything is deleted.
  const stamp = archiveStamp();
  const keptRefs = opts.force ? await keepUnderRefs(main, `refs/parallel/archive/${workspace}/${name}-${stamp}/`, ins.orphans) : [];
  if (ins.at && ins.keep.keep.length) {
    try {
      keepFiles(ins.at, keptDir(root, workspace, name), ins.keep);
    } catch (err) {
      throw new OperationError(`could not keep the copy's git-ignored files in ${keptDir(root, workspace, name)} (${errorMessage(err)}); nothing was removed. Free some space there, or list what may go in disposable:, then run make end-session name=${name} again`);
    }
  }

  if (r.mode === 'clone') {
    if (ins.at) await removeSetAside(ctx, r, ins, ins.at, (aside) => run('rm', ['-rf', '--', aside]).then(() => undefined));
  } else if (ins.registered) {
    // Moved by hand: git learns where the folder is, so that it removes that folder and its own files.
    if (ins.at && !samePath(ins.at, ins.registered)) await git(main, ['worktree', 'repair', ins.at]);
    if (ins.at) await removeSetAside(ctx, r, ins, ins.at, (aside) => removeWorktree(main, aside, opts.force || risk.anyChange));
    else await removeWorktree(main, ins.registered, opts.force || risk.anyChange);
  }
  const removed = ins.at;
  if (r.path && risk.copyMissing) warnings.push(`the copy ${r.path} was already gone`);

  let deleted = false;
  let keptReason: string | null = null;
  if (await branchExists(main, r.branch)) {
    const sha = await revParse(main, r.branch);
    const merged = (await branchExists(main, r.base)) && (await isAncestor(main, r.branch, r.base));
    const checkedOut = (await worktreesOf(main)).some((w) => w.branch === r.branch);
    if (checkedOut) keptReason = 'checked out in another worktree';
    else if (merged || opts.force) {
      await deleteBranchAt(main, root, r.branch, sha);
      deleted = true;
      if (!merged) warnings.push(`deleted unmerged branch ${r.branch} (was ${sha.slice(0, 10)}; recover with: git branch ${r.branch} ${sha.slice(0, 10)})`);
    } else keptReason = `not merged into ${r.base} (its commits are pushed)`;
  } else if (r.mode !== 'clone') warnings.push(`branch ${r.branch} was already gone`);

  endSessionStatus(root, workspace, name, outcome);
  const worklogUpdated = await setEntryStatus(main, root, r.uid, opts.status ?? outcome);
  if (!worklogUpdated) warnings.push(`no WORK_LOG.md entry found for ${name}; its status was not updated`);
  await updateSession(root, workspace, name, (rec) => ({ ...rec, state: 'ended', ended_at: isoWithOffset(), outcome, creator: null }));
  const archived = await archiveSession(root, workspace, name, stamp);
  return {
    name,
    outcome,
    removed_copy: removed,
    branch: r.branch,
    branch_deleted: deleted,
    branch_kept_reason: keptReason,
    discarded: opts.force ? risk : { ...risk, uncommitted: [], unpushed: [], stashes: [], ignored: [] },
    kept_in: ins.keep.keep.length && ins.at ? join(archived, 'kept') : null,
    kept_files: ins.at ? ins.keep.keep.map((e) => e.entry) : [],
    kept_refs: keptRefs,
    worklog_updated: worklogUpdated,
    archived_to: archived,
    warnings,
  };
}
