// The remote's branches that no local session owns and whose names match remote_sessions: (web sessions).
import type { Context } from '../config/context.ts';
import { pool } from '../core/pool.ts';
import { secondsSince } from '../core/time.ts';
import { aheadBehind } from '../git/repo.ts';
import { resolveTargetsFrom, type SyncTarget } from '../git/base.ts';
import { CommitCache } from '../conflicts/commit-cache.ts';
import { fetchedBranches, fetchedRefs, type FetchedBranch } from '../remote/refs.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { readSessions } from '../store/sessions.ts';

/** The stable keys of a remote branch in `list-sessions remote=1 json=1` (remote_branches). */
export interface RemoteBranchRow {
  /** How the radar and the conflict column name it: <remote>/<branch>. */
  name: string;
  remote: string;
  /** The branch on the remote: claude/fix-x. */
  branch: string;
  tip: string;
  /** Committer date of the tip (ISO 8601) and its age. */
  last_commit: string;
  last_commit_age_s: number | null;
  author: string;
  /** The config's base, and the ref the counts are against (origin/<base> when the local base is not ahead of it). */
  base: string;
  base_ref: string | null;
  ahead: number | null;
  behind: number | null;
  /** Local sessions and other remote branches it would conflict with, and 'base'. */
  conflicts: string[];
  error: string | null;
}

/** Branches that a local session of the workspace owns: its branch, whatever its state but ended. */
export function ownedBranches(records: readonly SessionRecord[]): Set<string> {
  return new Set(records.filter((r) => r.state !== 'ended').map((r) => r.branch));
}

/** The fetched branches matching remote_sessions: that no local session owns (the command's snapshot of the fetch). */
export async function unownedBranches(ctx: Context, records = readSessions(ctx.root, ctx.config.workspace).records): Promise<FetchedBranch[]> {
  const owned = ownedBranches(records);
  return (await fetchedBranches(ctx, ctx.config.remoteSessions)).filter((b) => !owned.has(b.branch));
}

/**
 * A row per branch, with ahead/behind against the base: the base from the command's snapshot of the refs,
 * the counts from the commit cache (they depend only on the two commits), git only for a pair it has not
 * seen (one process per such branch, pooled).
 */
export async function branchRows(ctx: Context, branches: readonly FetchedBranch[]): Promise<RemoteBranchRow[]> {
  const { remote, base } = ctx.config;
  let target: SyncTarget | null = null;
  let targetError: string | null = null;
  if (branches.length) {
    const refs = new Map([...(await fetchedRefs(ctx)).values()].map((r) => [r.ref, r.tip]));
    const t = (await resolveTargetsFrom(ctx.main, [base], refs)).get(base);
    if (t instanceof Error || !t) targetError = t?.message ?? `unknown base ${base}`;
    else target = t;
  }
  const cache = new CommitCache(ctx.root);
  const rows = await pool(branches, async (b): Promise<RemoteBranchRow> => {
    const row: RemoteBranchRow = { name: `${remote}/${b.branch}`, remote, branch: b.branch, tip: b.tip, last_commit: b.committed, last_commit_age_s: roundAge(b.committed), author: b.author, base, base_ref: target?.ref ?? null, ahead: null, behind: null, conflicts: [], error: targetError };
    if (!target) return row;
    try {
      let counts = cache.counts(target.sha, b.tip);
      if (!counts) cache.setCounts(target.sha, b.tip, (counts = await aheadBehind(ctx.main, target.sha, b.tip)));
      Object.assign(row, counts);
    } catch (err) {
      row.error = (err as Error).message;
    }
    return row;
  });
  await cache.save();
  return rows;
}

function roundAge(iso: string): number | null {
  const s = secondsSince(iso);
  return s === null ? null : Math.max(0, Math.round(s));
}

/** The radar's view of a remote branch: an active branch-mode session without a component, named <remote>/<branch>. */
export function radarRecord(ctx: Context, row: Pick<RemoteBranchRow, 'name' | 'last_commit'>): SessionRecord {
  return { version: 1, name: row.name, uid: row.name, workspace: ctx.config.workspace, kind: 'feature', component: '', shared: true, branch: row.name, base: ctx.config.base, mode: 'branch', path: null, port: 1, profile: null, created: row.last_commit, state: 'active', copied: [], env_file: '' };
}
