// make end-session merged=1: end, in one step, every session of the workspace whose work is already in
// its base (squash and rebase merges included), and say why each other one was left alone.
import type { Context } from '../config/context.ts';
import { errorMessage, OperationError } from '../core/errors.mjs';
import { isInside } from '../core/paths.ts';
import { findSession, isInterrupted, readSessions, withSessionLock } from '../store/sessions.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { EndRefused, endRefusal, endSessionLocked } from './end.ts';
import { integration } from './integrated.ts';
import { publishEnds } from '../share/session.ts';

export interface MergedEnd {
  name: string;
  branch: string;
  /** How its work is in the base, and (when it ran) what ending did with the branch. */
  why: string;
  /** Refs under refs/parallel/archive/ that keep the old branch tip (a squash- or rebase-merged branch). */
  kept_refs: string[];
}

/** The stable keys of `make end-session merged=1 json=1`. */
export interface MergedReport {
  /** The sessions ended (with dry: that would be ended). */
  ended: MergedEnd[];
  skipped: { name: string; why: string }[];
  dry: boolean;
  /** The shared remote's: the ended sessions' refs and claims, removed in one round after them. */
  warnings: string[];
}

/** Why a session is left alone before its work is even looked at, or null. */
function notNow(ctx: Context, r: SessionRecord): string | null {
  if (r.state === 'creating') return isInterrupted(r) ? `its creation was interrupted; make end-session name=${r.name} cleans it up` : 'still being created';
  if (r.state === 'ended') return 'already ended';
  if (r.path && isInside(r.path, ctx.cwd)) return `you are inside its copy; run make end-session merged=1 from ${ctx.main}`;
  return null;
}

/** One session, under its lock: integrated and nothing else of its own, then ended (or, dry, checked only). */
async function endIfMerged(ctx: Context, name: string, dry: boolean): Promise<MergedEnd | { skipped: string }> {
  const r = findSession(ctx.root, ctx.config.workspace, name);
  const early = notNow(ctx, r);
  if (early) return { skipped: early };
  const found = await integration(ctx, r);
  if (!found.integrated) return { skipped: found.why };
  const opts = { force: false, integratedTip: found.tip, status: 'COMPLETED' };
  if (dry) {
    const why = await endRefusal(ctx, r, opts);
    return why ? { skipped: `${found.how}, but it has ${why}` } : { name, branch: r.branch, why: found.how, kept_refs: [] };
  }
  try {
    const rep = await endSessionLocked(ctx, name, opts);
    const copy = rep.removed_copy ? 'copy removed, ' : '';
    const branch = rep.branch_deleted ? `branch deleted${rep.kept_refs.length ? `, its old tip kept at ${rep.kept_refs.join(', ')}` : ''}` : `branch kept: ${rep.branch_kept_reason ?? 'gone'}`;
    return { name, branch: r.branch, why: `${found.how}; ${copy}${branch}`, kept_refs: rep.kept_refs };
  } catch (err) {
    if (err instanceof EndRefused) return { skipped: `${found.how}, but it has ${err.why}` };
    if (err instanceof OperationError) return { skipped: errorMessage(err) };
    throw err;
  }
}

/**
 * Ends every session whose work is in its base and that holds nothing else of its own, by end-session's
 * own rules (uncommitted files, commits not in the base or pushed, ignored files too big to keep, a
 * copy moved or unreadable); one at a time, since each removes a worktree. `dry` changes nothing.
 */
/** `busy`: why a session cannot be ended now though merged (an agent make launch started still runs in it), or null. */
export async function endMergedSessions(ctx: Context, opts: { dry: boolean; busy?: (name: string) => Promise<string | null> }): Promise<MergedReport> {
  const { records, corrupt } = readSessions(ctx.root, ctx.config.workspace);
  const report: MergedReport = { ended: [], skipped: corrupt.map((c) => ({ name: c.name, why: `corrupt record: ${c.error}` })), dry: opts.dry, warnings: [] };
  for (const r of [...records].sort((a, b) => a.name.localeCompare(b.name))) {
    if (ctx.interrupted()) {
      report.skipped.push({ name: r.name, why: 'interrupted before its turn' });
      continue;
    }
    const early = notNow(ctx, r) ?? (r.state === 'active' && opts.busy ? await opts.busy(r.name) : null);
    // A session being created holds its lock: say so instead of waiting for it.
    const out = early ? { skipped: early } : await withSessionLock(ctx.root, ctx.config.workspace, r.name, () => endIfMerged(ctx, r.name, opts.dry)).catch((err: unknown) => ({ skipped: errorMessage(err) }));
    if ('skipped' in out) report.skipped.push({ name: r.name, why: out.skipped });
    else report.ended.push(out);
  }
  report.skipped.sort((a, b) => a.name.localeCompare(b.name));
  if (report.ended.length && !opts.dry) report.warnings.push(...(await publishEnds(ctx)));
  return report;
}
