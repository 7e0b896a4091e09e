// Claims across machines: refs/parallel/claims/<workspace>/<component> on the shared remote, created by
// a push whose lease says "must not exist yet" (or, with takeover=1, "must still be the stale holder's"),
// so of two machines claiming one component at the same moment exactly one wins.
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { isoWithOffset } from '../core/time.ts';
import { readFileSync } from 'node:fs';
import { remoteClaimsFile, writeRemoteClaims, type RemoteClaim } from '../agents/remote-claims.ts';
import type { Machine } from './machine.ts';
import type { RefsContext } from '../remote/refs.ts';
import { claimRef, CLAIM_BLOB, setTracked, trackedRefs, writeJsonCommit } from './refs.ts';
import { fetchSharedRefs } from './fetch.ts';
import { pushRefs } from './push.ts';
import type { Sharing } from './settings.ts';
import type { SessionClaim } from './state.ts';

export interface Holder {
  machine: string;
  machine_id: string;
  session: string;
  branch: string | null;
  claimed_at: string | null;
}

export interface RemoteClaimEntry {
  ref: string;
  commit: string;
  committedMs: number;
  workspace: string;
  component: string;
  holder: Holder;
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The claims of `workspace` as the command's snapshot of the last fetch has them. */
export async function readClaims(ctx: RefsContext, remote: string, workspace: string): Promise<RemoteClaimEntry[]> {
  const prefix = `refs/parallel/claims/${workspace}/`;
  return (await trackedRefs(ctx, remote)).claims
    .filter((e) => e.ref.startsWith(prefix))
    .map((e) => {
      const v = e.value ?? {};
      const holder: Holder = { machine: text(v.machine) ?? '(unknown machine)', machine_id: text(v.machine_id) ?? '', session: text(v.session) ?? '(unknown session)', branch: text(v.branch), claimed_at: text(v.claimed_at) };
      return { ref: e.ref, commit: e.commit, committedMs: e.committedMs, workspace, component: e.ref.slice(prefix.length), holder };
    });
}

/** When each machine last published anything (a session or a claim), by machine id, in ms. */
export async function lastSeen(ctx: RefsContext, remote: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const { sessions, claims } = await trackedRefs(ctx, remote);
  for (const e of [...sessions, ...claims]) {
    const id = e.value?.machine_id;
    if (typeof id === 'string') seen.set(id, Math.max(seen.get(id) ?? 0, e.committedMs));
  }
  return seen;
}

/** Whether a machine id is this machine's (a reader without an id of its own owns nothing). */
export const ownedBy = (machine: Machine) => (id: string) => machine.id !== '' && id === machine.id;

export const holderText = (h: Holder) => `session '${h.session}' on machine '${h.machine}'`;
const ago = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)}s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);

function sameClaims(file: string, remote: string, claims: RemoteClaim[]): boolean {
  try {
    const f = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; remote?: string; claims?: unknown };
    return f.version === 1 && f.remote === remote && JSON.stringify(f.claims) === JSON.stringify(claims);
  } catch {
    return false;
  }
}

/** The other machines' claims, for the guard and the radar (the hook reads them without git). */
export async function noteRemoteClaims(ctx: Context, sharing: Pick<Sharing, 'remote'>, machine: Machine): Promise<RemoteClaim[]> {
  const isOwn = ownedBy(machine);
  const claims = (await readClaims(ctx, sharing.remote, ctx.config.workspace)).filter((c) => !isOwn(c.holder.machine_id));
  const out = claims.map((c) => ({ component: c.component, paths: ctx.config.components[c.component]?.paths ?? [], session: c.holder.session, machine: c.holder.machine, machine_id: c.holder.machine_id, branch: c.holder.branch, claimed_at: c.holder.claimed_at }));
  // Rewritten (and fsync'd) only when they changed: most commands find the claims as the last one left them.
  if (!sameClaims(remoteClaimsFile(ctx.root, ctx.config.workspace), sharing.remote, out)) writeRemoteClaims(ctx.root, { version: 1, workspace: ctx.config.workspace, remote: sharing.remote, fetched_at: isoWithOffset(), claims: out });
  return out;
}

export interface ClaimPlan {
  component: string;
  session: string;
  branch: string;
  /** The lease of the push: '' (must not exist) or the commit it replaces. */
  lease: string;
  tookOver: Holder | null;
}

/**
 * Decides, from the fetched claims, how to claim `component`: refused when another machine holds it
 * (unless takeover=1 and that machine has been silent for share_stale). `liveHere` says whether a session
 * of this machine still holds it (the local claim check refuses that one first).
 */
export async function planClaim(ctx: Context, sharing: Sharing, machine: Machine, want: { component: string; session: string; branch: string; takeover: boolean }, now = Date.now()): Promise<ClaimPlan> {
  const base = { component: want.component, session: want.session, branch: want.branch };
  const held = (await readClaims(ctx, sharing.remote, ctx.config.workspace)).find((c) => c.component === want.component);
  if (!held) {
    if (want.takeover) throw new OperationError(`takeover=1: component '${want.component}' is not claimed on ${sharing.remote}; run it without takeover=1`);
    return { ...base, lease: '', tookOver: null };
  }
  // A claim of this machine that no session of it holds any more (its release could not be pushed): ours to replace.
  if (held.holder.machine_id === machine.id) return { ...base, lease: held.commit, tookOver: null };
  const silent = now - ((await lastSeen(ctx, sharing.remote)).get(held.holder.machine_id) ?? held.committedMs);
  const stale = silent >= sharing.staleS * 1000;
  if (!want.takeover) {
    const hint = stale ? `; its machine has published nothing for ${ago(silent)}: take it over with takeover=1` : '';
    throw new OperationError(`component '${want.component}' is claimed by ${holderText(held.holder)} (on ${sharing.remote}); pass shared=1 to share it knowingly, or ask them to end that session${hint}`);
  }
  if (!stale) throw new OperationError(`takeover=1: component '${want.component}' is claimed by ${holderText(held.holder)}, whose machine published ${ago(silent)} ago; a claim can be taken over only once its machine has been silent for ${ago(sharing.staleS * 1000)} (share_stale)`);
  return { ...base, lease: held.commit, tookOver: held.holder };
}

/** Pushes the claim; a lost race is refused naming the winner (read with one more fetch, of the claims only). */
export async function pushClaim(ctx: Context, sharing: Sharing, machine: Machine, plan: ClaimPlan): Promise<SessionClaim> {
  const commit = await makeClaimCommit(ctx, machine, plan);
  const ref = claimRef(ctx.config.workspace, plan.component);
  const res = await pushRefs(ctx.main, sharing.remote, [{ ref, commit, lease: plan.lease }]);
  if (!res.reached) throw new OperationError(unreachable(sharing, plan.component, res.error));
  if (res.refs.get(ref) !== 'ok') {
    await fetchSharedRefs(ctx, sharing.remote);
    const now = (await readClaims(ctx, sharing.remote, ctx.config.workspace)).find((c) => c.component === plan.component);
    const who = now ? holderText(now.holder) : 'another machine';
    throw new OperationError(`component '${plan.component}' was just claimed on ${sharing.remote} by ${who}; pass shared=1 to share it knowingly, or pick another component`);
  }
  await setTracked(ctx, sharing.remote, [{ ref, commit }]);
  return { ref, commit, state: 'held', took_over: plan.tookOver ? { machine: plan.tookOver.machine, session: plan.tookOver.session } : null };
}

/** The claim's commit, made here; pushed now, or later for a claim made with offline=1. */
export async function makeClaimCommit(ctx: Context, machine: Machine, plan: Pick<ClaimPlan, 'component' | 'session' | 'branch'>): Promise<string> {
  const doc = { version: 1, workspace: ctx.config.workspace, component: plan.component, session: plan.session, branch: plan.branch, machine: machine.name, machine_id: machine.id, claimed_at: isoWithOffset() };
  return writeJsonCommit(ctx.main, CLAIM_BLOB, doc, `claim ${ctx.config.workspace}/${plan.component} for ${plan.session}`);
}

export function unreachable(sharing: Sharing, component: string, error: string | null): string {
  return `cannot reach ${sharing.remote} to claim component '${component}' there (sharing is on): ${error ?? 'no answer'}; pass offline=1 to claim it on this machine only (it is claimed on ${sharing.remote} once it can be reached)`;
}
