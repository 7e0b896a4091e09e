// What list-sessions remote=1 and monitor remote=1 do for sharing: the command's one fetch (shared with
// remote/'s web sessions), a publish round when this machine shares (what changed goes up), the other
// machines' claims noted for the guard, and every machine's sessions. A remote that cannot be reached is
// the fetch's one warning (`fetchWarning`): the local rows are shown as always, with what the last fetch saw.
import type { Context } from '../config/context.ts';
import { noteRemoteClaims } from './claims.ts';
import { commandFetch } from './fetch.ts';
import { thisMachine } from './machine.ts';
import { publishRound } from './publish.ts';
import { hasWork, kickPublisher } from './publisher.ts';
import { readRemote, resolveSharing } from './settings.ts';
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
  const fetched = await commandFetch(ctx, read.remote);
  const fetchWarning = fetched.ok ? null : `could not fetch from ${read.remote} (${fetched.error}); showing what the last fetch saw`;
  if (!fetched.ok && /^no remote /.test(fetched.error ?? '')) return { view: null, fetchWarning: fetched.error, warnings };
  const machine = await thisMachine(ctx.main, Boolean(sharing));
  if (fetched.ok) {
    await noteRemoteClaims(ctx, read, machine);
    if (sharing && hasWork(ctx)) {
      warnings.push(...(await publishRound(ctx, sharing)).warnings);
      kickPublisher(ctx);
    }
  }
  return { view: await sharedView(ctx, read, machine, fetched.ok), fetchWarning, warnings };
}
