// What list-sessions remote=1 and monitor remote=1 do: one fetch of the shared refs, a publish round when
// this machine shares (what changed goes up), the other machines' claims noted for the guard, and every
// machine's sessions. A remote that cannot be reached is one warning: the local rows are shown as always.
import type { Context } from '../config/context.ts';
import { hasRemote } from '../git/repo.ts';
import { noteRemoteClaims } from './claims.ts';
import { fetchShared } from './fetch.ts';
import { thisMachine } from './machine.ts';
import { publishRound } from './publish.ts';
import { hasWork, kickPublisher } from './publisher.ts';
import { readRemote, resolveSharing } from './settings.ts';
import { sharedView, type SharedView } from './view.ts';

export async function remoteSessions(ctx: Context, share = false): Promise<{ view: SharedView | null; warnings: string[] }> {
  const warnings: string[] = [];
  const { sharing, warning } = await resolveSharing(ctx, share);
  if (warning) warnings.push(warning);
  const read = sharing ?? readRemote(ctx);
  if (!(await hasRemote(ctx.main, read.remote))) {
    if (!warning) warnings.push(`remote=1: the repository has no remote '${read.remote}'; showing this machine's sessions only`);
    return { view: null, warnings };
  }
  const machine = await thisMachine(ctx.main);
  const fetched = await fetchShared(ctx.main, read.remote);
  if (!fetched.ok) warnings.push(`could not reach ${read.remote} (${fetched.error}); showing what the last fetch saw`);
  else {
    await noteRemoteClaims(ctx, read, machine);
    if (sharing && hasWork(ctx)) {
      warnings.push(...(await publishRound(ctx, sharing)).warnings);
      kickPublisher(ctx);
    }
  }
  return { view: await sharedView(ctx, read, machine, fetched.ok), warnings };
}
