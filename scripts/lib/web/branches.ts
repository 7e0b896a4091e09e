// The remote's branches that no local session owns and whose names match remote_sessions: (web sessions).
import type { Context } from '../config/context.ts';
import { pool } from '../core/pool.ts';
import { secondsSince } from '../core/time.ts';
import { aheadBehind } from '../git/repo.ts';
import { resolveTargetsFrom, type SyncTarget } from '../git/base.ts';
import { CommitCache } from '../conflicts/commit-cache.ts';
import { componentOf } from '../config/ownership.ts';
import { fetchedBranches, fetchedTips, type FetchedBranch } from '../remote/refs.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { readSessionsQuick } from '../store/quick.ts';
import { readPublished } from '../share/record.ts';
import { trackedRefs } from '../share/refs.ts';

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
  /** The session of another machine that works on it (adopted there), as that machine published it. */
  owner: BranchOwner | null;
  /** The component every file it changed is in (what make adopt component= would take), when there is one. */
  component_hint: string | null;
  error: string | null;
}

/** Branches that a local session of the workspace owns: its branch, whatever its state but ended. */
export function ownedBranches(records: readonly SessionRecord[]): Set<string> {
  return new Set(records.filter((r) => r.state !== 'ended').map((r) => r.branch));
}

/** A session another machine published that works on the branch (it adopted it there). */
export interface BranchOwner {
  machine: string;
  session: string;
  component: string;
}

export type RemoteBranch = FetchedBranch & { owner: BranchOwner | null };

/** The published sessions of this workspace (every machine's, as the one fetch left them), by branch. */
async function publishedOwners(ctx: Context): Promise<Map<string, BranchOwner>> {
  const out = new Map<string, BranchOwner>();
  for (const e of (await trackedRefs(ctx, ctx.config.remote)).sessions) {
    const doc = readPublished(e.value);
    if (doc && doc.workspace === ctx.config.workspace && doc.state !== 'ended') out.set(doc.branch, { machine: doc.machine, session: doc.name, component: doc.component });
  }
  return out;
}

/**
 * The fetched branches matching remote_sessions: that no local session owns (the command's snapshot of the
 * fetch), each with the other machine's session that works on it, if one published that it does.
 */
export async function unownedBranches(ctx: Context, records?: readonly SessionRecord[]): Promise<RemoteBranch[]> {
  const owned = ownedBranches(records ?? (await readSessionsQuick(ctx.root, ctx.config.workspace)).records);
  const [branches, owners] = await Promise.all([fetchedBranches(ctx, ctx.config.remoteSessions), publishedOwners(ctx)]);
  return branches.filter((b) => !owned.has(b.branch)).map((b) => ({ ...b, owner: owners.get(b.branch) ?? null }));
}

/**
 * A row per branch, with ahead/behind against the base: the base from the command's snapshot of the refs,
 * the counts from the commit cache (they depend only on the two commits), git only for a pair it has not
 * seen (one process per such branch, pooled).
 */
export async function branchRows(ctx: Context, branches: readonly RemoteBranch[]): Promise<RemoteBranchRow[]> {
  const { remote, base } = ctx.config;
  let target: SyncTarget | null = null;
  let targetError: string | null = null;
  if (branches.length) {
    const refs = await fetchedTips(ctx);
    const t = (await resolveTargetsFrom(ctx.main, [base], refs)).get(base);
    if (t instanceof Error || !t) targetError = t?.message ?? `unknown base ${base}`;
    else target = t;
  }
  const cache = new CommitCache(ctx.root);
  const rows = await pool(branches, async (b): Promise<RemoteBranchRow> => {
    const row: RemoteBranchRow = { name: `${remote}/${b.branch}`, remote, branch: b.branch, tip: b.tip, last_commit: b.committed, last_commit_age_s: roundAge(b.committed), author: b.author, base, base_ref: target?.ref ?? null, ahead: null, behind: null, conflicts: [], owner: b.owner, component_hint: null, error: targetError };
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

/**
 * Each row's component_hint, from what the radar found the branch changed against the base (the commit
 * cache: no git): the one component all those files are in. Run after the radar of the same command.
 */
export async function hintComponents(ctx: Context, rows: RemoteBranchRow[]): Promise<void> {
  if (!rows.length) return;
  const refs = await fetchedTips(ctx);
  const target = (await resolveTargetsFrom(ctx.main, [ctx.config.base], refs)).get(ctx.config.base);
  if (!target || target instanceof Error) return;
  const cache = new CommitCache(ctx.root);
  for (const row of rows) {
    const files = cache.changed(target.sha, row.tip)?.files ?? [];
    const components = new Set(files.map((f) => componentOf(ctx.config, f)));
    const only = components.size === 1 ? [...components][0] : null;
    row.component_hint = only ?? null;
  }
}

function roundAge(iso: string): number | null {
  const s = secondsSince(iso);
  return s === null ? null : Math.max(0, Math.round(s));
}

/**
 * The radar's view of a remote branch: an active branch-mode session named <remote>/<branch>, without a
 * component, or with that of the other machine's session that works on it (its own claim is then no stray).
 */
export function radarRecord(ctx: Context, row: Pick<RemoteBranchRow, 'name' | 'last_commit' | 'owner'>): SessionRecord {
  return { version: 1, name: row.name, uid: row.name, workspace: ctx.config.workspace, kind: 'feature', component: row.owner?.component ?? '', shared: true, branch: row.name, base: ctx.config.base, mode: 'branch', path: null, port: 1, profile: null, created: row.last_commit, state: 'active', copied: [], env_file: '' };
}
