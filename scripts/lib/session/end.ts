// Ending a session: say what would be lost and refuse, or keep what nothing else holds (ignored files in
// the archive; with force=1 also commits, under refs/parallel/archive/), remove the copy, release, and
// keep the logs. A copy git cannot read is never removed.
import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Context } from '../config/context.ts';
import { refreshRadarLater } from './radar-later.ts';
import { editedCopies, isUnchangedCopy } from './untracked-copies.ts';
import { keepFiles, planKeep, type KeepPlan } from './ignored-files.ts';
import { isInside } from '../core/paths.ts';
import { errorMessage, OperationError, UsageError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
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
import { describeRisk, refusal, unreadable, type AtRisk } from './end-words.ts';
import { publishEnds, queueEnd } from '../share/session.ts';
import { releaseWorktreeConfig } from './sparse.ts';

export type { AtRisk } from './end-words.ts';

export interface EndReport {
  name: string;
  outcome: 'COMPLETED' | 'ABANDONED';
  /** What the WORK_LOG entry's Status became: COMPLETED, AWAITING REVIEW (pushed, not merged), ABANDONED, MERGED. */
  status: string;
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
  /** The commits behind risk.unpushed, by full sha. */
  unpushed: { sha: string; line: string }[];
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
  const ins: Inspection = { risk, at: null, registered: null, keep: { keep: [], tooBig: [] }, orphans: [], fingerprint: null, unpushed: [] };
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
  const strict = r.mode !== 'clone' && branchTip ? lines(await git(main, ['log', '--format=%H %h %s', r.branch, '--not', r.base, '--remotes', '--'])).map((l) => ({ sha: l.slice(0, l.indexOf(' ')), line: l.slice(l.indexOf(' ') + 1) })) : [];
  const seen = new Set<string>();
  ins.unpushed = [...strict, ...orphaned].filter((c) => !seen.has(c.sha) && seen.add(c.sha));
  risk.unpushed = ins.unpushed.map((c) => c.line);
  risk.anyChange ||= risk.uncommitted.length > 0;
  return ins;
}

/** What ending the session would throw away. Clone refs are checked against the main repository's refs. */
export async function workAtRisk(ctx: Context, r: SessionRecord): Promise<AtRisk> {
  return (await inspect(ctx, r, false)).risk;
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

export interface EndOptions {
  force: boolean;
  /** The WORK_LOG status to write (default: COMPLETED when merged, AWAITING REVIEW when pushed but not merged, ABANDONED with force). */
  status?: string;
  /**
   * The session's tip, whose content is already in the base (a squash or rebase merge: end-session
   * merged=1). Its commits are then not the session's own: they do not make ending refuse, the branch is
   * deleted, and what nothing else holds is kept under refs/parallel/archive/ as force=1 keeps it.
   */
  integratedTip?: string;
}

/** A refusal of end-session: `why` names in a few words what ending would lose (the message says what to do). */
export class EndRefused extends OperationError {
  constructor(
    message: string,
    readonly why: string,
  ) {
    super(message);
  }
}

/** Ends a session while holding its lock, so that two ends (or an end and a sync) never interleave. */
export async function endSession(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const r = findSession(ctx.root, ctx.config.workspace, name); // a clear error before waiting for a lock
  if (r.path && isInside(r.path, ctx.cwd)) throw new UsageError(`you are inside the copy of session '${name}', which end-session removes; cd ${ctx.main} and run it there`);
  const report = await withSessionLock(ctx.root, ctx.config.workspace, name, () => endSessionLocked(ctx, name, opts));
  // Its ref and claim on the shared remote, after the lock: the network never holds a session's lock.
  report.warnings.push(...(await publishEnds(ctx)));
  await refreshRadarLater(ctx);
  return report;
}

/** The session's commits that are in the base by content: those of `tip` that the base lacks by ancestry. */
async function integratedCommits(main: string, r: SessionRecord, tip: string | undefined): Promise<Set<string>> {
  if (!tip) return new Set();
  const not = (await branchExists(main, r.base)) ? ['--not', `refs/heads/${r.base}`] : [];
  return new Set(lines(await git(main, ['rev-list', tip, ...not, '--'])));
}

/**
 * What end-session would do with the session as it is now: the inspection, and why it refuses (null
 * when it would end it). The same rules for end-session, finish-session merge=1 and end-session merged=1.
 */
async function assess(ctx: Context, r: SessionRecord, opts: EndOptions): Promise<{ ins: Inspection; refusal: EndRefused | null }> {
  const ins = await inspect(ctx, r, opts.force || Boolean(opts.integratedTip));
  const risk = ins.risk;
  if (risk.unreadable) return { ins, refusal: new EndRefused(unreadable(ctx, r, ins.at ?? '', risk.unreadable), `its copy cannot be read: ${risk.unreadable}`) };
  if (opts.integratedTip) {
    const integrated = await integratedCommits(ctx.main, r, opts.integratedTip);
    ins.unpushed = ins.unpushed.filter((c) => !integrated.has(c.sha));
    risk.unpushed = ins.unpushed.map((c) => c.line);
  }
  const lost = describeRisk(risk, r, ins.keep);
  if (!lost || opts.force) return { ins, refusal: null };
  return { ins, refusal: new EndRefused(refusal(risk, r, lost, (await hasRemote(ctx.main)) ? `push it (git push origin ${r.branch}) or ` : ''), lost) };
}

/** Why ending the session would be refused (in a few words), or null when it would end: end-session merged=1 dry=1. */
export async function endRefusal(ctx: Context, r: SessionRecord, opts: EndOptions): Promise<string | null> {
  return (await assess(ctx, r, opts)).refusal?.why ?? null;
}

/** endSession for a caller that already holds the session's lock (finish-session merge=1, end-session merged=1); the caller runs publishEnds after its lock. */
export async function endSessionLocked(ctx: Context, name: string, opts: EndOptions): Promise<EndReport> {
  const { main, root } = ctx;
  const workspace = ctx.config.workspace;
  const r = findSession(root, workspace, name);
  if (r.state === 'creating' && !isInterrupted(r)) throw new OperationError(`session '${name}' is still being created (pid ${r.creator?.pid}); wait for it to finish`);
  const { ins, refusal: refused } = await assess(ctx, r, opts);
  const risk = ins.risk;
  if (refused) throw refused;
  const warnings: string[] = [];
  const outcome = opts.force ? 'ABANDONED' : 'COMPLETED';
  const integrated = opts.integratedTip ?? null;

  // Keep first, remove after: what nothing else holds is safe before anything is deleted.
  const stamp = archiveStamp();
  const keptRefs = opts.force || integrated ? await keepUnderRefs(main, `refs/parallel/archive/${workspace}/${name}-${stamp}/`, ins.orphans) : [];
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
  if (r.mode === 'sparse') await releaseWorktreeConfig(ctx);
  const removed = ins.at;
  if (r.path && risk.copyMissing) warnings.push(`the copy ${r.path} was already gone`);

  let deleted = false;
  let keptReason: string | null = null;
  let merged = true;
  if (await branchExists(main, r.branch)) {
    const sha = await revParse(main, r.branch);
    merged = (await branchExists(main, r.base)) && (await isAncestor(main, r.branch, r.base));
    // In the base by content: only as far as it was checked; a commit added since keeps the branch.
    const inBase = merged || (integrated !== null && (await isAncestor(main, sha, integrated)));
    const checkedOut = (await worktreesOf(main)).some((w) => w.branch === r.branch);
    if (checkedOut) keptReason = 'checked out in another worktree';
    else if (inBase || opts.force) {
      await deleteBranchAt(main, root, r.branch, sha);
      deleted = true;
      const kept = keptRefs.length ? `; its commits are kept under ${keptRefs.join(', ')}` : '';
      if (!merged && integrated) warnings.push(`deleted branch ${r.branch}, whose changes are in ${r.base} (was ${sha.slice(0, 10)}${kept}; recover with: git branch ${r.branch} ${sha.slice(0, 10)})`);
      else if (!merged) warnings.push(`deleted unmerged branch ${r.branch} (was ${sha.slice(0, 10)}; recover with: git branch ${r.branch} ${sha.slice(0, 10)})`);
    } else keptReason = `not merged into ${r.base} (its commits are pushed)`;
    if (integrated) merged = merged || inBase;
  } else if (r.mode !== 'clone') warnings.push(`branch ${r.branch} was already gone`);

  const status = opts.status ?? (opts.force ? 'ABANDONED' : merged ? 'COMPLETED' : 'AWAITING REVIEW');
  endSessionStatus(root, workspace, name, outcome);
  const worklogUpdated = await setEntryStatus(main, root, r.uid, status);
  if (!worklogUpdated) warnings.push(`no WORK_LOG.md entry found for ${name}; its status was not updated`);
  await updateSession(root, workspace, name, (rec) => ({ ...rec, state: 'ended', ended_at: isoWithOffset(), outcome, creator: null }));
  const archived = await archiveSession(root, workspace, name, stamp);
  warnings.push(...(await queueEnd(ctx, r, archived)));
  return {
    name,
    outcome,
    status,
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
