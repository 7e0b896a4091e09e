// make sync / sync-all: fetch once, decide the target once, bring every session onto it in a pool.
import type { Context } from '../config/context.ts';
import { refreshRadarLater } from '../session/radar-later.ts';
import { OperationError, UsageError, errorMessage } from '../core/errors.mjs';
import { pool } from '../core/pool.ts';
import type { Strategy } from '../git/rebase.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { findSession, readSessions, trySessionLock, updateSession, withSessionLock } from '../store/sessions.ts';
import { emptySync, syncSession, type SessionSync, type SyncOptions } from './session.ts';
import { branchRefs, fetchOrigin, resolveTarget, resolveTargetsFrom, type FetchOutcome, type SyncTarget } from '../git/base.ts';
import { isoWithOffset } from '../core/time.ts';
import { recordSessionEvent } from '../tracker/tracker.ts';
import { setEntryField, setEntryFields } from '../worklog/entries.ts';
import { knownTips } from './known.ts';
import { replayAllowed } from '../git/replay.ts';

export { SYNC_RESULTS, type SessionSync, type SyncResultKind } from './session.ts';
export { ownCommits } from './own-commits.ts';

export const STRATEGIES = ['rebase', 'merge'] as const;

export interface SyncRequest {
  /** One session by name, or every active session when absent. */
  name?: string;
  strategy?: Strategy;
  autostash?: boolean;
}

/** The stable keys of `make sync json=1`. */
export interface SyncSummary {
  strategy: Strategy;
  fetch: FetchOutcome;
  targets: SyncTarget[];
  sessions: SessionSync[];
  /** True when every session synced (rebased, merged or up to date). */
  ok: boolean;
  warnings: string[];
}

export function parseStrategy(value: string | undefined): Strategy {
  if (!value) return 'rebase';
  if ((STRATEGIES as readonly string[]).includes(value)) return value as Strategy;
  throw new UsageError(`strategy=${value}: expected strategy=rebase or strategy=merge`);
}

function pickSessions(ctx: Context, name: string | undefined): { records: SessionRecord[]; broken: SessionSync[] } {
  const workspace = ctx.config.workspace;
  if (name) {
    const r = findSession(ctx.root, workspace, name);
    if (r.state === 'ended') throw new OperationError(`session '${name}' has ended`);
    if (r.state === 'creating') throw new OperationError(`session '${name}' is still being created; try again when make new-session has finished`);
    return { records: [r], broken: [] };
  }
  const { records, corrupt } = readSessions(ctx.root, workspace);
  const broken = corrupt.map((c) => ({ ...emptySync({ name: c.name, mode: '-' as SessionRecord['mode'], branch: '-' }, null), message: `corrupt record: ${c.error}` }));
  return { records: records.filter((r) => r.state === 'active'), broken };
}

/** "2026-11-21 23:40 rebased onto abc1234": the WORK_LOG entry's Last sync line. */
export function describeSync(s: SessionSync, at: string): string {
  const when = at.slice(0, 16).replace('T', ' ');
  const sha = s.onto ? s.onto.slice(0, 7) : '?';
  const what: Record<SessionSync['result'], string> = {
    rebased: `rebased onto ${sha}`,
    merged: `merged ${sha}`,
    'up-to-date': `up to date with ${sha}`,
    dirty: 'skipped: uncommitted changes',
    conflict: `conflict onto ${sha} in ${s.conflicts.join(', ')} (left as it was)`,
    missing: 'not synced: the copy or branch is gone',
    error: 'not synced: error (see make sync)',
  };
  return `${when} ${what[s.result]}`;
}

/** Writes the outcome to session.json (last_sync) and the session's log; returns warnings. */
async function recordState(ctx: Context, r: SessionRecord, s: SessionSync, at: string): Promise<string[]> {
  const workspace = ctx.config.workspace;
  try {
    await updateSession(ctx.root, workspace, r.name, (rec) => ({ ...rec, last_sync: { at, result: s.result, ...(s.onto ? { onto: s.onto } : {}) } }));
    recordSessionEvent(ctx.root, workspace, r.name, { event: 'sync', message: describeSync(s, at).slice(17), result: s.result });
    return [];
  } catch (err) {
    return [`${r.name}: could not record the sync: ${errorMessage(err)}`];
  }
}

const noEntry = (name: string) => `no WORK_LOG.md entry found for ${name}; its Last sync line was not written`;

/** Writes the outcome to session.json (last_sync), the WORK_LOG entry and the session's log; returns warnings. */
async function recordSync(ctx: Context, r: SessionRecord, s: SessionSync): Promise<string[]> {
  const at = isoWithOffset();
  const warnings = await recordState(ctx, r, s, at);
  try {
    if (!(await setEntryField(ctx.main, ctx.root, r.uid, 'Last sync', describeSync(s, at)))) warnings.push(noEntry(r.name));
  } catch (err) {
    warnings.push(`${r.name}: could not record the sync: ${errorMessage(err)}`);
  }
  return warnings;
}

/** The Last sync lines of many sessions, in one rewrite of WORK_LOG.md. */
async function recordLines(ctx: Context, done: readonly { r: SessionRecord; s: SessionSync; at: string }[]): Promise<string[]> {
  try {
    const missing = new Set(await setEntryFields(ctx.main, ctx.root, done.map(({ r, s, at }) => ({ uid: r.uid, field: 'Last sync', value: describeSync(s, at) }))));
    return done.filter(({ r }) => missing.has(r.uid)).map(({ r }) => noEntry(r.name));
  } catch (err) {
    return [`could not write the Last sync lines to WORK_LOG.md: ${errorMessage(err)}`];
  }
}

/** Runs fn after every fn queued before it: the pool's workers take the state folder's locks one at a time, without polling. */
function queue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const next = last.then(fn, fn);
    last = next.catch(() => undefined);
    return next;
  };
}

/** Fetches origin and decides what a session on `base` is brought onto (finish-session's first step). */
export async function syncTargetFor(ctx: Context, base: string): Promise<{ target: SyncTarget; warnings: string[] }> {
  const fetch = await fetchOrigin(ctx.main);
  const warnings = fetch.error ? [`could not fetch origin (${fetch.error}); rebased onto what the main checkout has`] : [];
  return { target: await resolveTarget(ctx.main, base), warnings };
}

/** One session onto `target` by rebase, recorded; the caller holds its lock. */
export async function syncOneOnto(ctx: Context, r: SessionRecord, target: SyncTarget): Promise<{ sync: SessionSync; warnings: string[] }> {
  const sync = await syncSession(ctx, r, target, { strategy: 'rebase', autostash: false });
  return { sync, warnings: await recordSync(ctx, r, sync) };
}

export async function syncSessions(ctx: Context, req: SyncRequest = {}): Promise<SyncSummary> {
  const strategy = req.strategy ?? 'rebase';
  const { records, broken } = pickSessions(ctx, req.name);
  const replay = strategy === 'rebase' && records.length ? replayAllowed(ctx.main, ctx.env).catch(() => false) : Promise.resolve(false);
  const fetch = await fetchOrigin(ctx.main);
  const warnings = fetch.error ? [`could not fetch origin (${fetch.error}); synced onto what the main checkout has`] : [];
  // Every branch tip in one git process: the targets, and whether each branch has its target already.
  const refs = await branchRefs(ctx.main);
  const targets = await resolveTargetsFrom(ctx.main, records.map((r) => r.base), refs);
  const known = await knownTips(ctx.main, records, targets, refs);
  const opts: SyncOptions = { strategy, autostash: Boolean(req.autostash), replay: await replay };
  const inTurn = queue();
  const done: { r: SessionRecord; s: SessionSync; at: string }[] = [];

  // A session another command holds (a finish, an end, another sync) is left for last rather than
  // keeping a worker of the pool waiting; then it is waited for, under its lock as always.
  const later: SessionRecord[] = [];
  const syncOne = (wait: boolean) => async (r: SessionRecord): Promise<SessionSync | null> => {
    const target = targets.get(r.base);
    if (!target || target instanceof Error) return { ...emptySync(r, null), message: target?.message ?? `unknown base ${r.base}` };
    if (ctx.interrupted()) return { ...emptySync(r, target), message: 'interrupted before its turn; not synced' };
    const work = async () => {
      const s = await syncSession(ctx, r, target, opts, known.get(r.name));
      const at = isoWithOffset();
      warnings.push(...(await inTurn(() => recordState(ctx, r, s, at))));
      done.push({ r, s, at });
      return s;
    };
    if (wait) return withSessionLock(ctx.root, r.workspace, r.name, work);
    const tried = await trySessionLock(ctx.root, r.workspace, r.name, work);
    if (tried.ran) return tried.value;
    later.push(r);
    return null;
  };
  const first = await pool(records, syncOne(false));
  const lines = [...first.filter((l): l is SessionSync => l !== null), ...((await pool(later, syncOne(true))) as SessionSync[])];
  warnings.push(...(await recordLines(ctx, done)));
  const sessions = [...lines, ...broken].sort((a, b) => a.name.localeCompare(b.name));
  await refreshRadarLater(ctx);
  return {
    strategy: opts.strategy,
    fetch,
    targets: [...targets.values()].filter((t): t is SyncTarget => !(t instanceof Error)),
    sessions,
    ok: sessions.every((s) => s.ok),
    warnings,
  };
}
