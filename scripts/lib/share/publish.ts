// The publisher: pushes what changed of this machine's shared sessions, at most once per share_interval
// per session (a create or an end at once), removes what ended, pushes claims made offline. The agents'
// hooks only write status.json here; this is what carries it to the remote. One round at a time per state
// folder (the publish lock); everything it pushes it reads inside that lock, so an end is never undone.
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { withLock } from '../core/lock.mjs';
import { isoWithOffset } from '../core/time.ts';
import { inspectSession } from '../monitor/monitor.ts';
import { lockPath, sessionDir } from '../store/paths.ts';
import { liveSessions, readSessions } from '../store/sessions.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { thisMachine, type Machine } from './machine.ts';
import { holderText, readClaims } from './claims.ts';
import { digest, publishedOf } from './record.ts';
import { pushRefs, type RefUpdate } from './push.ts';
import { SESSION_BLOB, sessionRef, setTracked, writeJsonCommit } from './refs.ts';
import type { Sharing } from './settings.ts';
import { changeShareState, readSessionShare, readShareState, writeSessionShare, type SessionShare } from './state.ts';

export const PUBLISH_LOCK = 'share-publish';

export interface RoundOptions {
  now?: number;
  /** Sessions to push now whatever share_interval says (a create). */
  force?: readonly string[];
  /** Wait for a round under way to end (an end); otherwise a round under way is enough. */
  wait?: boolean;
  /** Push every session that changed, whatever share_interval says (make publish). */
  eager?: boolean;
}

export interface RoundReport {
  pushed: string[];
  removed: string[];
  /** One line per remote that could not be reached, or claim that was lost. */
  warnings: string[];
  /** True when another round was under way and this one did nothing. */
  skipped: boolean;
}

interface Shared {
  record: SessionRecord;
  share: SessionShare | null;
  remote: string;
}

/** The sessions this machine shares: those made with sharing (their share.json), and every live one while the config's share: is on. */
export function sharedSessions(ctx: Context): Shared[] {
  const out: Shared[] = [];
  for (const record of liveSessions(readSessions(ctx.root, ctx.config.workspace).records)) {
    if (record.state !== 'active') continue;
    const share = readSessionShare(sessionDir(ctx.root, record.workspace, record.name));
    const remote = share?.remote ?? ctx.config.share;
    if (remote) out.push({ record, share, remote });
  }
  return out;
}

/** One round; never throws for the network (a warning says it), only for a broken state folder. */
export async function publishRound(ctx: Context, sharing: Sharing, opts: RoundOptions = {}): Promise<RoundReport> {
  try {
    return await withLock(lockPath(ctx.root, PUBLISH_LOCK), () => roundLocked(ctx, sharing, opts), { timeoutMs: opts.wait ? 120_000 : 1 });
  } catch (err) {
    if (!opts.wait && err instanceof OperationError && /timed out waiting for the lock/.test(err.message)) return { pushed: [], removed: [], warnings: [], skipped: true };
    throw err;
  }
}

async function roundLocked(ctx: Context, sharing: Sharing, opts: RoundOptions): Promise<RoundReport> {
  const now = opts.now ?? Date.now();
  const machine = await thisMachine(ctx);
  const state = readShareState(ctx.root);
  const shared = sharedSessions(ctx);
  const byRemote = new Map<string, { updates: RefUpdate[]; after: (() => void)[] }>();
  const at = (remote: string) => byRemote.get(remote) ?? (byRemote.set(remote, { updates: [], after: [] }).get(remote) as { updates: RefUpdate[]; after: (() => void)[] });
  const report: RoundReport = { pushed: [], removed: [], warnings: [], skipped: false };
  const keep = new Set<string>();
  const docs = new Map<string, { commit: string; digest: string; remote: string; name: string }>();

  for (const s of shared) {
    const ref = sessionRef(machine.key, s.record.workspace, s.record.name);
    keep.add(ref);
    const doc = publishedOf(s.record, inspectSession(ctx.root, s.record.workspace, s.record.name), machine, [ctx.main, ctx.root]);
    const d = digest(doc);
    const prev = state.published[ref];
    const age = prev ? now - prev.at_ms : Infinity;
    const due = !prev || prev.remote !== s.remote || opts.force?.includes(s.record.name) || (prev.digest !== d ? opts.eager || age >= sharing.intervalS * 1000 : age >= (sharing.staleS * 1000) / 3);
    if (due) {
      const commit = await writeJsonCommit(ctx.main, SESSION_BLOB, { ...doc, published_at: isoWithOffset(new Date(now)) }, `session ${s.record.workspace}/${s.record.name}`);
      docs.set(ref, { commit, digest: d, remote: s.remote, name: s.record.name });
      at(s.remote).updates.push({ ref, commit });
    }
    // A claim made with offline=1 goes up now, as any claim: only if nobody holds the component yet.
    if (s.share?.claim?.state === 'pending') at(s.remote).updates.push({ ref: s.share.claim.ref, commit: s.share.claim.commit, lease: '' });
  }
  const removals = [...state.removals];
  // A session of this workspace published once and no longer shared (ended, or its state folder lost it).
  const mine = (ref: string) => ref.split('/')[4] === ctx.config.workspace;
  for (const [ref, p] of Object.entries(state.published)) if (mine(ref) && !keep.has(ref) && !removals.some((r) => r.ref === ref)) removals.push({ remote: p.remote, ref, lease: p.commit });
  for (const r of removals) at(r.remote).updates.push({ ref: r.ref, commit: null, lease: r.lease });

  const done = new Map<string, string>();
  for (const [remote, { updates }] of byRemote) {
    const res = await pushRefs(ctx.main, remote, updates);
    if (!res.reached) {
      report.warnings.push(`could not reach ${remote} to publish this machine's sessions (${res.error}); trying again later`);
      continue;
    }
    for (const u of updates) done.set(`${remote} ${u.ref}`, res.refs.get(u.ref) ?? 'rejected');
  }
  const outcome = (remote: string, ref: string) => done.get(`${remote} ${ref}`);

  const claimsUp: { remote: string; ref: string; commit: string }[] = [];
  for (const s of shared) {
    const claim = s.share?.claim;
    if (claim?.state !== 'pending' || !s.share) continue;
    const o = outcome(s.remote, claim.ref);
    if (o === 'ok') {
      writeSessionShare(ctx.root, s.record.workspace, s.record.name, { ...s.share, claim: { ...claim, state: 'held' } });
      claimsUp.push({ remote: s.remote, ref: claim.ref, commit: claim.commit });
    } else if (o === 'rejected') {
      writeSessionShare(ctx.root, s.record.workspace, s.record.name, { ...s.share, claim: null });
      const holder = (await readClaims(ctx, s.remote, s.record.workspace)).find((c) => c.ref === claim.ref)?.holder;
      report.warnings.push(`session '${s.record.name}' claimed component '${s.record.component}' offline, but on ${s.remote} ${holder ? holderText(holder) : 'another machine'} holds it: coordinate with them before you merge`);
    }
  }
  await changeShareState(ctx.root, (st) => {
    for (const [ref, d] of docs) {
      if (outcome(d.remote, ref) !== 'ok') continue;
      st.published[ref] = { remote: d.remote, commit: d.commit, digest: d.digest, at_ms: now };
      report.pushed.push(d.name);
    }
    for (const r of removals) {
      const o = outcome(r.remote, r.ref);
      if (o === undefined) continue; // not reached: stays for the next round
      // Rejected: the ref is no longer what this machine left there (taken over): not ours to remove.
      st.removals = st.removals.filter((x) => !(x.ref === r.ref && x.remote === r.remote));
      if (st.published[r.ref]?.commit === r.lease) delete st.published[r.ref];
      if (o === 'ok') report.removed.push(r.ref);
    }
  });
  for (const remote of byRemote.keys()) {
    const pushed = [...docs].filter(([ref, d]) => d.remote === remote && outcome(remote, ref) === 'ok').map(([ref, d]) => ({ ref, commit: d.commit }));
    const gone = removals.filter((r) => r.remote === remote && outcome(remote, r.ref) === 'ok').map((r) => ({ ref: r.ref, commit: null }));
    const claimed = claimsUp.filter((c) => c.remote === remote).map((c) => ({ ref: c.ref, commit: c.commit }));
    await setTracked(ctx, remote, [...pushed, ...gone, ...claimed]);
  }
  return report;
}

/**
 * What end-session leaves for the publisher: the claim the session held, with the commit this machine left
 * there. The session's own ref needs no entry: every round removes the published refs of sessions no longer
 * shared, with the lease it reads under the publish lock (a lease taken here could lose to a round pushing
 * the session's last state at the same moment).
 */
export async function queueRemovals(ctx: Context, machine: Machine, r: SessionRecord, share: SessionShare | null): Promise<string | null> {
  const ref = sessionRef(machine.key, r.workspace, r.name);
  return changeShareState(ctx.root, (st) => {
    const published = st.published[ref];
    const remote = share?.remote ?? published?.remote ?? null;
    if (share?.claim?.state === 'held') st.removals.push({ remote: share.remote, ref: share.claim.ref, lease: share.claim.commit });
    return remote;
  });
}
