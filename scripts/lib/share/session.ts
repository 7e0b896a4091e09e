// Sharing along a session's life: new-session claims the component on the remote (one fetch, then a
// lease-checked push) and publishes the session; end-session removes both; finish-session publishes.
// A remote that cannot be reached is one warning, and the publisher tries again later; only a claim is
// refused then (offline=1 makes it on this machine, pushed once the remote answers).
import type { Context } from '../config/context.ts';
import { errorMessage, OperationError, UsageError } from '../core/errors.mjs';
import type { Step } from '../core/steps.ts';
import { readRemoteClaims } from '../agents/remote-claims.ts';
import { sessionDir } from '../store/paths.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { thisMachine, type Machine } from './machine.ts';
import { holderText, makeClaimCommit, noteRemoteClaims, planClaim, pushClaim, unreachable, type ClaimPlan } from './claims.ts';
import { fetchForCommand } from '../remote/fetch.ts';
import { publishRound, queueRemovals, sharedSessions } from './publish.ts';
import { kickPublisher } from './publisher.ts';
import { pushRefs } from './push.ts';
import { setTracked } from './refs.ts';
import { askedSharing, resolveSharing, type Sharing } from './settings.ts';
import { readSessionShare, readShareState, removeSessionShare, writeSessionShare, type SessionClaim } from './state.ts';

export interface ShareInput {
  /** share=1 on the command. */
  share?: boolean;
  takeover?: boolean;
  offline?: boolean;
}

export interface ShareStart {
  sharing: Sharing;
  machine: Machine;
  /** How to claim the component on the remote; null for shared=1. */
  claim: ClaimPlan | null;
  offline: boolean;
}

/**
 * Before anything is created: whether the session is shared and, for a claim, the one fetch and the
 * check of the remote's claims (a refusal names the holder). Null when sharing is off.
 */
export async function prepareShare(ctx: Context, want: { name: string; component: string; branch: string; shared: boolean } & ShareInput, warnings: string[]): Promise<ShareStart | null> {
  for (const [flag, on] of [['offline', want.offline], ['takeover', want.takeover]] as const) {
    if (on && !askedSharing(ctx, want.share)) throw new UsageError(`${flag}=1 goes with sharing (share: in the config, or share=1); without it every claim is on this machine only`);
  }
  if (want.takeover && want.shared) throw new UsageError('takeover=1 takes over a claim; shared=1 makes none: use one of them');
  const { sharing, warning } = await resolveSharing(ctx, want.share);
  if (warning) warnings.push(warning);
  if (!sharing) {
    // Not shared, so not asked; but the guard will hold the agent to the claims the last fetch saw: say so now.
    const other = want.shared ? null : readRemoteClaims(ctx.root, ctx.config.workspace).find((c) => c.component === want.component);
    if (other) warnings.push(`component '${want.component}' is claimed on ${askedSharing(ctx, true)?.remote ?? 'the remote'} by session '${other.session}' on machine '${other.machine}' (as the last fetch saw it), and the agents' guard keeps to that claim; this session's claim is on this machine only (sharing is off)`);
    return null;
  }
  const machine = await thisMachine(ctx);
  if (want.takeover && want.offline) throw new UsageError('takeover=1 needs the remote: run it without offline=1');
  if (want.shared) return { sharing, machine, claim: null, offline: Boolean(want.offline) };
  // offline=1 is for a remote that cannot be asked: one that answers is asked, and its claims hold as always.
  const fetched = await fetchForCommand(ctx, sharing.remote);
  if (!fetched.reached && want.offline) return { sharing, machine, claim: null, offline: true };
  if (!fetched.reached) throw new OperationError(unreachable(sharing, want.component, fetched.error));
  await noteRemoteClaims(ctx, sharing, machine);
  const claim = await planClaim(ctx, sharing, machine, { component: want.component, session: want.name, branch: want.branch, takeover: Boolean(want.takeover) });
  return { sharing, machine, claim, offline: false };
}

/** new-session's step: the claim on the remote (or, offline, made for later) and share.json; undone by releasing it. */
export function claimStep(ctx: Context, start: ShareStart, r: { name: string; component: string; branch: string; shared: boolean }, onClaim: (c: SessionClaim | null) => void): Step {
  let claim: SessionClaim | null = null;
  return {
    title: start.claim ? `claim component ${r.component} on ${start.sharing.remote}` : `share the session on ${start.sharing.remote}`,
    run: async () => {
      if (start.claim) claim = await pushClaim(ctx, start.sharing, start.machine, start.claim);
      else if (start.offline && !r.shared) claim = { ref: `refs/parallel/claims/${ctx.config.workspace}/${r.component}`, commit: await makeClaimCommit(ctx, start.machine, { component: r.component, session: r.name, branch: r.branch }), state: 'pending', took_over: null };
      writeSessionShare(ctx.root, ctx.config.workspace, r.name, { version: 1, remote: start.sharing.remote, claim });
      onClaim(claim);
    },
    undo: async () => {
      removeSessionShare(ctx.root, ctx.config.workspace, r.name);
      if (claim?.state !== 'held') return;
      // Only if it is still the claim pushed here (a taken-over claim is not given back to a silent machine).
      const res = await pushRefs(ctx.main, start.sharing.remote, [{ ref: claim.ref, commit: null, lease: claim.commit }]);
      if (res.refs.get(claim.ref) !== 'ok') throw new OperationError(`the claim ${claim.ref} on ${start.sharing.remote} could not be removed (${res.error ?? 'refused'}); remove it with git push ${start.sharing.remote} :${claim.ref}`);
      await setTracked(ctx, start.sharing.remote, [{ ref: claim.ref, commit: null }]);
    },
  };
}

/** After new-session: the session published at once, and the background publisher running. */
export async function afterCreate(ctx: Context, start: ShareStart, name: string): Promise<string[]> {
  const round = await publishRound(ctx, start.sharing, { force: [name], wait: true });
  kickPublisher(ctx);
  return round.warnings;
}

/**
 * Inside end-session's session lock: what ending the session leaves for the remote (its claim, with the
 * commit this machine left there), written to this machine's share state only. The push is publishEnds',
 * after the lock is released: a slow or unreachable remote never holds a session's lock.
 */
export async function queueEnd(ctx: Context, r: SessionRecord, archivedTo: string): Promise<string[]> {
  const share = readSessionShare(archivedTo);
  // A session never shared (no share.json, nothing published): nothing to do, not even a lock.
  const published = Object.keys(readShareState(ctx.root).published).some((ref) => ref.endsWith(`/${r.workspace}/${r.name}`));
  if (!share && !published) return [];
  try {
    await queueRemovals(ctx, await thisMachine(ctx), r, share);
    return [];
  } catch (err) {
    return [`could not note the session's removal from the shared remote: ${errorMessage(err)}`];
  }
}

/**
 * After one or more sessions ended (end-session, end-session merged=1, finish-session merge=1), outside
 * their locks: ONE publish round removes every ended session's ref and claim on the remote, with leases.
 * Nothing to do (no sharing ever), no round; an unreachable remote is one warning, and the background
 * publisher tries again.
 */
export async function publishEnds(ctx: Context): Promise<string[]> {
  if (!pendingRemovals(ctx)) return [];
  try {
    const round = await publishRound(ctx, askedSharing(ctx, true) as Sharing, { wait: true });
    if (round.warnings.length) kickPublisher(ctx);
    return round.warnings.map((w) => w.replace(/trying again later$/, `the ended sessions' refs and claims are removed there once it answers (any make list-sessions remote=1 or the background publisher)`));
  } catch (err) {
    return [`could not remove the ended sessions from the shared remote: ${errorMessage(err)}`];
  }
}

/** Removals queued, or refs of this workspace published for sessions no longer shared. */
function pendingRemovals(ctx: Context): boolean {
  const st = readShareState(ctx.root);
  if (st.removals.length) return true;
  const shared = new Set(sharedSessions(ctx).map((s) => s.record.name));
  return Object.keys(st.published).some((ref) => ref.split('/')[4] === ctx.config.workspace && !shared.has(ref.split('/').slice(5).join('/')));
}

/** After finish-session, outside its session lock: its new state published (a state change). */
export async function afterFinish(ctx: Context, name: string): Promise<string[]> {
  const share = readSessionShare(sessionDir(ctx.root, ctx.config.workspace, name));
  const sharing = askedSharing(ctx, Boolean(share));
  if (!sharing) return [];
  return (await publishRound(ctx, { ...sharing, remote: share?.remote ?? sharing.remote }, { force: [name], wait: true })).warnings;
}

/** The words new-session says of a claim taken over. */
export const tookOverText = (c: SessionClaim | null, component: string) => (c?.took_over ? `took over component '${component}' from ${holderText({ ...c.took_over, machine_id: '', branch: null, claimed_at: null })}, whose machine had gone silent` : null);

/** The words after a session's component in new-session's and adopt's report: where it is claimed. */
export const claimWords = (share: { remote: string; claim: SessionClaim | null } | null): string =>
  share?.claim ? `, claimed on ${share.remote}${share.claim.state === 'pending' ? ' once it can be reached (offline=1)' : ''}` : '';
