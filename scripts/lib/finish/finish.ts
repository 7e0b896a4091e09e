// make finish-session: refuse a dirty copy, rebase onto the base, test, push, mark READY FOR REVIEW,
// optionally open a pull request, or (merge=1) fast-forward the base and end the session.
import { existsSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import { endSessionLocked, workAtRisk, type EndReport } from '../session/end.ts';
import { errorMessage, OperationError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { openPullRequest, type PullRequest } from './pull-request.ts';
import { entryParts, prText } from './pr-text.ts';
import { fastForwardBase, pushBranch } from './push.ts';
import { readEnvFile } from '../core/env-file.ts';
import { git, gitRaw, hasRemote, isAncestor } from '../git/repo.ts';
import { withDetachedWorktree } from '../git/rebase.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { findSession, withSessionLock } from '../store/sessions.ts';
import { uncommittedFiles } from '../session/uncommitted.ts';
import { scratchPath } from '../store/paths.ts';
import { ownCommits, syncOneOnto, syncTargetFor, type SessionSync } from '../sync/sync.ts';
import { resolveSteps } from '../conflicts/next-step.ts';
import { recordSessionEvent } from '../tracker/tracker.ts';
import { readEntry, setEntryStatus } from '../worklog/entries.ts';
import { afterFinish, publishEnds } from '../share/session.ts';

export interface FinishOptions {
  pr?: boolean;
  merge?: boolean;
  /** Where the test command's output goes: inherit (our stderr, the default) or capture (into the report). */
  testOutput?: 'inherit' | 'capture';
  onStep?: (what: string) => void;
}

/** The stable keys of `make finish-session json=1`. */
export interface FinishReport {
  name: string;
  branch: string;
  base: string;
  sync: SessionSync;
  test: { command: string | null; code: number | null; output: string | null };
  /** Where the branch was pushed ("origin" of the main checkout, "main checkout" for a clone). */
  pushed_to: string[];
  worklog_updated: boolean;
  pr: PullRequest | null;
  /** pushed: null when there is no remote. */
  merged: { base: string; from: string; to: string; pushed: boolean | null } | null;
  ended: EndReport | null;
  warnings: string[];
}

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '-');

async function runTests(ctx: Context, r: SessionRecord, head: string, opts: FinishOptions): Promise<FinishReport['test']> {
  const command = ctx.config.test.trim();
  if (!command) return { command: null, code: null, output: null };
  const env = { ...ctx.env, ...readEnvFile(r.env_file) };
  const capture = opts.testOutput === 'capture';
  // The test command comes from the repository's own config file, like a Makefile recipe: a shell runs it.
  const exec = (cwd: string) => run('/bin/sh', ['-c', command], { cwd, env, inherit: !capture });
  const res = r.path ? await exec(r.path) : await withDetachedWorktree(ctx.main, scratchPath(ctx.root, 'test', r.name), head, exec);
  return { command, code: res.code, output: capture ? `${res.stdout}${res.stderr}` : null };
}

/** The pull request's title and body: the session's own commits (oldest first) and its WORK_LOG entry's human parts. */
async function pullRequestText(ctx: Context, r: SessionRecord, onto: string, head: string): Promise<{ title: string; body: string }> {
  const repo = r.mode === 'clone' && r.path ? r.path : ctx.main;
  const commits = (await git(repo, ['log', '--reverse', '--no-merges', '--format=%s', `${onto}..${head}`, '--'])).split('\n').filter(Boolean);
  const e = readEntry(ctx.main, r.uid);
  const heading = e ? /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(e.body)?.[1]?.trim() ?? null : null;
  return prText(r, ctx.main, e ? entryParts(heading, e.body) : null, commits);
}

/** Finishes a session while holding its lock (no end, sync or second finish of it meanwhile). */
export async function finishSession(ctx: Context, name: string, opts: FinishOptions = {}): Promise<FinishReport> {
  findSession(ctx.root, ctx.config.workspace, name); // a clear error before waiting for a lock
  const report = await withSessionLock(ctx.root, ctx.config.workspace, name, () => finishLocked(ctx, name, opts));
  // The shared remote after the lock: the new state published, or (merge=1) the ended session removed.
  report.warnings.push(...(report.ended ? await publishEnds(ctx) : await afterFinish(ctx, name)));
  return report;
}

async function finishLocked(ctx: Context, name: string, opts: FinishOptions): Promise<FinishReport> {
  const say = (s: string) => opts.onStep?.(s);
  const r = findSession(ctx.root, ctx.config.workspace, name);
  if (r.state !== 'active') throw new OperationError(`session '${name}' is ${r.state === 'creating' ? 'still being created' : 'ended'}`);
  if (r.path && !existsSync(r.path)) throw new OperationError(`the copy ${r.path} of session '${name}' is gone; nothing to finish (make end-session name=${name} cleans up)`);
  if (r.path) {
    const st = await uncommittedFiles(ctx.main, r, r.path);
    if (st.dirty.length) throw new OperationError(`session '${name}' has ${st.dirty.length} uncommitted file(s) (${st.dirty.slice(0, 5).join(', ')}); commit them first, nothing was changed`);
  }

  const prepared = await syncTargetFor(ctx, r.base);
  const target = prepared.target;
  const own = await ownCommits(ctx.main, r, target);
  if (own && !own.length) {
    const where = r.path ? `in ${r.path}` : `on its branch ${r.branch}`;
    throw new OperationError(`nothing to finish: session '${name}' has no commits of its own (commit your work ${where} first)`);
  }
  say(`rebase onto ${target.ref}`);
  const synced = await syncOneOnto(ctx, r, target);
  const sync = synced.sync;
  const warnings = [...prepared.warnings, ...synced.warnings];
  if (!sync.ok) {
    const again = `make finish-session name=${name}`;
    if (sync.result === 'conflict') {
      throw new OperationError(`could not rebase ${r.branch} onto ${target.ref} (${short(target.sha)}): conflicts in ${sync.conflicts.join(', ')}; the session was left as it was. To resolve it: ${resolveSteps(ctx.main, r, target.ref, 'rebase', again)}`);
    }
    throw new OperationError(`could not rebase ${r.branch} onto ${target.ref} (${short(target.sha)}): ${sync.message ?? sync.result}. Resolve it, then run ${again} again`);
  }
  if (ctx.interrupted()) throw new OperationError(`interrupted after the rebase onto ${short(target.sha)}; nothing was tested or pushed`);
  const head = sync.after as string;
  const report: FinishReport = { name, branch: r.branch, base: r.base, sync, test: { command: null, code: null, output: null }, pushed_to: [], worklog_updated: false, pr: null, merged: null, ended: null, warnings };

  if (ctx.config.test.trim()) say(`run the tests (${ctx.config.test.trim()})`);
  report.test = await runTests(ctx, r, head, opts);
  if (report.test.code !== null && report.test.code !== 0) {
    const moved = sync.before !== sync.after ? ` The branch was rebased (it was ${short(sync.before)}) but not pushed.` : '';
    throw new OperationError(`the test command failed with exit code ${report.test.code}: ${report.test.command}.${moved} Fix it and run make finish-session name=${name} again`);
  }
  if (ctx.interrupted()) throw new OperationError('interrupted after the tests; nothing was pushed');
  if (opts.merge) await refuseLossOnEnd(ctx, r, head, 'The base was not moved');

  const remote = await hasRemote(ctx.main, 'origin');
  if (remote || r.mode === 'clone') say(remote ? 'push the branch' : 'push the branch into the main checkout');
  report.pushed_to = await pushBranch(ctx, r);
  report.worklog_updated = await setEntryStatus(ctx.main, ctx.root, r.uid, 'READY FOR REVIEW');
  if (!report.worklog_updated) warnings.push(`no WORK_LOG.md entry found for ${name}; its status was not updated`);
  recordSessionEvent(ctx.root, r.workspace, name, { event: 'finish', message: `READY FOR REVIEW at ${short(head)}${report.pushed_to.length ? `, pushed to ${report.pushed_to.join(' and ')}` : ''}` });

  if (opts.pr) {
    say('open a pull request');
    const { title, body } = await pullRequestText(ctx, r, sync.onto as string, head);
    report.pr = await openPullRequest(ctx.main, ctx.env, r.base, r.branch, title, body, remote);
  }
  if (opts.merge) {
    // Again, right before the base moves: the push took a while, and the agent may still be saving.
    const done = `${r.branch} is READY FOR REVIEW${report.pushed_to.length ? ` and pushed to ${report.pushed_to.join(' and ')}` : ''}`;
    await refuseLossOnEnd(ctx, r, head, `${done}; the base was not moved`);
    say(`fast-forward ${r.base} and end the session`);
    const merged = await fastForwardBase(ctx, r.base, r.branch);
    report.merged = merged;
    if (merged.pushed === false) warnings.push(`could not push ${r.base} to origin; push it yourself`);
    try {
      report.ended = await endSessionLocked(ctx, name, { force: false, status: 'MERGED' });
    } catch (err) {
      // Only a file saved in the last instant gets here: say what did happen, never "nothing was changed".
      const pushed = merged.pushed === null ? '' : merged.pushed ? ' and pushed to origin' : ' (not pushed to origin)';
      const why = errorMessage(err).replace(/;? nothing was changed\.?/i, '.');
      throw new OperationError(`${r.base} was fast-forwarded to ${r.branch} (${short(merged.from)} -> ${short(merged.to)})${pushed}, but ending the session failed: ${why}`);
    }
  }
  return report;
}

/**
 * merge=1 ends the session after the base moves, so whatever would make ending it refuse is checked
 * before: the work at risk, less the session's own commits (the fast-forward brings them into the base).
 */
async function refuseLossOnEnd(ctx: Context, r: SessionRecord, head: string, outcome: string): Promise<void> {
  const risk = await workAtRisk(ctx, r);
  const repo = r.path ?? ctx.main;
  const unpushed: string[] = [];
  for (const line of risk.unpushed) {
    const sha = await gitRaw(repo, ['rev-parse', '--verify', '--quiet', `${line.split(' ')[0]}^{commit}`]);
    if (sha.code === 0 && (await isAncestor(repo, sha.stdout.trim(), head))) continue;
    unpushed.push(line);
  }
  if (risk.unreadable) throw new OperationError(`merge=1 would end the session, but ${risk.unreadable}. ${outcome}`);
  if (risk.movedTo) throw new OperationError(`merge=1 would end the session, but its copy was moved to ${risk.movedTo}; move it back to ${r.path} first. ${outcome}`);
  const left = [...risk.uncommitted, ...unpushed, ...risk.stashes, ...risk.ignored];
  if (!left.length) return;
  const list = left.slice(0, 5).join(', ') + (left.length > 5 ? `, and ${left.length - 5} more` : '');
  const keep = (await hasRemote(ctx.main, 'origin')) ? 'commit, push or remove them' : 'commit or remove them';
  throw new OperationError(`merge=1 would end the session, but its copy has ${list}, which ending it would lose; ${keep}, or finish without merge=1. ${outcome}`);
}
