// One row per session: record + one `git status` per copy (pooled) + tracker state.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { isUnchangedCopy } from './untracked-copies.ts';
import { conflictMarks } from '../conflicts/radar.ts';
import { pool } from '../core/pool.ts';
import { inspectSessionQuick, type WindowRef } from '../monitor/inspect.ts';
import { aheadBehind, branchExists, type WorktreeStatus } from '../git/repo.ts';
import { worktreeStatuses } from '../git/batch.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { isInterrupted, readSessionsQuick } from '../store/quick.ts';
import { sessionDir } from '../store/paths.ts';
import { secondsSince } from '../core/time.ts';

/** The stable keys of `make list-sessions json=1` (documented in the README). */
export interface SessionRow {
  name: string;
  kind: string | null;
  component: string | null;
  shared: boolean;
  branch: string | null;
  base: string | null;
  mode: string | null;
  port: number | null;
  /** active | creating | interrupted | missing | corrupt | error */
  state: string;
  /** From status.json: created | running | waiting_input | idle | completed | failed | ended | crashed | stale | timed_out | corrupt */
  tracker_state: string | null;
  progress_pct: number | null;
  message: string | null;
  ahead: number | null;
  behind: number | null;
  uncommitted: number | null;
  last_heartbeat: string | null;
  heartbeat_age_s: number | null;
  path: string | null;
  created: string | null;
  conflicts: string[];
  error: string | null;
  /** The agent it runs (make launch's, else new-session's agent=); null for none. */
  agent: string | null;
  /** When it entered its tracker state, and how many seconds ago. */
  state_since: string | null;
  state_for_s: number | null;
  /** Its tmux window when make launch started it (the command fills it: launch/windows.ts); null otherwise. */
  window: WindowRef | null;
}

async function rowFor(ctx: Context, r: SessionRecord, status: Promise<WorktreeStatus> | null): Promise<SessionRow> {
  const t = await inspectSessionQuick(ctx.root, r.workspace, r.name);
  const row: SessionRow = {
    name: r.name,
    kind: r.kind,
    component: r.component,
    shared: r.shared,
    branch: r.branch,
    base: r.base,
    mode: r.mode,
    port: r.port,
    state: isInterrupted(r) ? 'interrupted' : r.state,
    tracker_state: t.state,
    progress_pct: t.progress_pct,
    message: t.message || null,
    ahead: null,
    behind: null,
    uncommitted: null,
    last_heartbeat: t.last_heartbeat,
    heartbeat_age_s: t.last_heartbeat ? Math.round(secondsSince(t.last_heartbeat) ?? 0) : null,
    path: r.path,
    created: r.created,
    conflicts: [],
    error: null,
    agent: t.agent,
    state_since: t.state_since,
    state_for_s: t.state_for_s === null ? null : Math.round(t.state_for_s),
    window: null,
  };
  try {
    if (r.path) {
      // Gone (or not there when the statuses were asked for): missing.
      if (!status || !existsSync(r.path)) {
        row.state = 'missing';
        return row;
      }
      const st = await status;
      row.ahead = st.ahead;
      row.behind = st.behind;
      row.uncommitted = st.changed.filter((p) => !isUnchangedCopy(ctx.main, r.path as string, r.copied, p)).length;
    } else if (await branchExists(ctx.main, r.branch)) {
      Object.assign(row, await aheadBehind(ctx.main, r.base, r.branch));
    } else row.state = 'missing';
  } catch (err) {
    row.state = 'error';
    row.error = (err as Error).message;
  }
  return row;
}

/** Whether make launch started the session's agent (launch/windows.ts's LAUNCH_FILE): only then is there a window to look up. */
export function hasLaunch(root: string, workspace: string, name: string): boolean {
  return existsSync(join(sessionDir(root, workspace, name), 'launch.json'));
}

/** Rows of records that still hold their claim: every row but an interrupted creation and a corrupt record. */
const holdsClaim = (row: SessionRow) => row.state !== 'interrupted' && row.state !== 'corrupt';

/**
 * Whether the row's component is shared with a live session: the row holds its claim, and so does another
 * session on the same component. The record's `shared` flag says only that it was made with shared=1; once
 * the other claimer has ended, the component is no longer shared.
 */
export function sharesComponent(row: SessionRow, rows: readonly SessionRow[]): boolean {
  return row.component !== null && holdsClaim(row) && rows.some((o) => o !== row && o.name !== row.name && o.component === row.component && holdsClaim(o));
}

export interface ListOptions {
  /** The conflict column's radar, given the shown records (list-sessions remote=1 adds the remote's branches); default the local one. */
  marks?: (shown: SessionRecord[]) => Promise<Map<string, string[]>>;
}

export async function listSessions(ctx: Context, opts: ListOptions = {}): Promise<SessionRow[]> {
  const { records, corrupt } = await readSessionsQuick(ctx.root, ctx.config.workspace);
  const shown = records.filter((r) => r.state !== 'ended');
  // One git status per copy, all at once (git/batch.ts); the radar takes a clone's tip from it rather than asking the clone again.
  const copies = shown.filter((r) => r.path && existsSync(r.path));
  const all = worktreeStatuses(copies.map((r) => r.path as string), ctx.main);
  const statuses = new Map(copies.map((r, i) => [r.name, all.then((xs) => (xs[i] instanceof Error ? Promise.reject(xs[i]) : (xs[i] as WorktreeStatus)))]));
  for (const p of statuses.values()) p.catch(() => {}); // a failed copy is its row's error, read when the row is made
  const statusOf = (r: SessionRecord) => statuses.get(r.name) ?? null;
  const cloneTip = async (r: SessionRecord) => {
    const st = await statusOf(r)?.catch(() => null);
    return st && st.branch === r.branch ? st.head : undefined;
  };
  const [rows, marks] = await Promise.all([
    pool(shown, (r) => rowFor(ctx, r, statusOf(r))),
    // The radar is advice: a failure there must not hide the list.
    (opts.marks ?? ((s) => conflictMarks(ctx, s, { cloneTip })))(shown).catch(() => new Map<string, string[]>()),
  ]);
  for (const row of rows) row.conflicts = marks.get(row.name) ?? [];
  for (const c of corrupt) {
    rows.push({ name: c.name, kind: null, component: null, shared: false, branch: null, base: null, mode: null, port: null, state: 'corrupt', tracker_state: null, progress_pct: null, message: null, ahead: null, behind: null, uncommitted: null, last_heartbeat: null, heartbeat_age_s: null, path: null, created: null, conflicts: [], error: c.error, agent: null, state_since: null, state_for_s: null, window: null });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}
