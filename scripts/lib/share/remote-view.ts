// What list-sessions remote=1 and monitor remote=1 do for sharing: the command's one fetch (shared with
// remote/'s web sessions), a publish round when this machine shares (what changed goes up), the other
// machines' claims noted for the guard, and every machine's sessions. A remote that cannot be reached is
// the fetch's one warning (`fetchWarning`): the local rows are shown as always, with what the last fetch saw.
import type { Context } from '../config/context.ts';
import { holderText, noteRemoteClaims, readClaims } from './claims.ts';
import { fetchForCommand } from '../remote/fetch.ts';
import { thisMachine } from './machine.ts';
import { readRemote, resolveSharing, type Sharing } from './settings.ts';
import { sharedView, type SharedView } from './view.ts';

export interface RemoteSessions {
  view: SharedView | null;
  /** The fetch's own warning (remote/ words it; list-sessions prints remote/'s already). */
  fetchWarning: string | null;
  /** Sharing's other warnings: a share: remote the repository lacks, a push that failed, a claim lost. */
  warnings: string[];
}

export async function remoteSessions(ctx: Context, share = false): Promise<RemoteSessions> {
  const warnings: string[] = [];
  // A share: remote the repository lacks: the fetch's own warning says so.
  const { sharing } = await resolveSharing(ctx, share);
  const read = sharing ?? readRemote(ctx);
  // Which machine this is does not wait for the fetch.
  const machining = thisMachine(ctx, Boolean(sharing));
  const fetched = await fetchForCommand(ctx, read.remote);
  const fetchWarning = fetched.reached ? null : fetched.missing ? fetched.error : `could not fetch from ${read.remote} (${fetched.error}); showing what the last fetch saw`;
  if (fetched.missing) return { view: null, fetchWarning, warnings };
  const machine = await machining;
  if (fetched.reached) {
    await noteRemoteClaims(ctx, read, machine);
    if (sharing) {
      // Publishing's code (and the record schema it validates with) loads only on a machine that shares.
      const [{ publishRound }, { hasWork, kickPublisher }] = await Promise.all([import('./publish.ts'), import('./publisher.ts')]);
      warnings.push(...(await lostClaims(ctx, sharing)));
      if (hasWork(ctx)) {
        warnings.push(...(await publishRound(ctx, sharing)).warnings);
        kickPublisher(ctx);
      }
    }
  }
  return { view: await sharedView(ctx, read, machine, fetched.reached), fetchWarning, warnings };
}

/** This machine's sessions whose claim on the remote is no longer theirs: taken over (takeover=1) or removed. */
export async function lostClaims(ctx: Context, sharing: Sharing): Promise<string[]> {
  const out: string[] = [];
  const { sharedSessions } = await import('./publish.ts');
  for (const s of sharedSessions(ctx)) {
    const claim = s.share?.claim;
    if (claim?.state !== 'held' || s.remote !== sharing.remote) continue;
    const now = (await readClaims(ctx, s.remote, s.record.workspace)).find((c) => c.ref === claim.ref);
    if (now?.commit === claim.commit) continue;
    const who = now ? `${holderText(now.holder)} took it over (this machine looked silent to them)` : 'the claim is gone there';
    out.push(`session '${s.record.name}' no longer holds component '${s.record.component}' on ${s.remote}: ${who}; coordinate with them before you merge`);
  }
  return out;
}
