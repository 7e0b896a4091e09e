// list-sessions remote=1: the local rows and, after the one fetch, the remote's branches no local session owns.
import type { Context } from '../config/context.ts';
import type { RemoteFetch } from '../remote/fetch.ts';
import { listSessions, type SessionRow } from '../session/list.ts';
import { readSessionsQuick } from '../store/quick.ts';
import { gitVersion } from '../git/merge-tree.ts';
import { branchRows, hintComponents, type RemoteBranchRow } from './branches.ts';
import { remoteMarks, remoteView } from './radar.ts';

/** The stable keys of `make list-sessions remote=1 json=1`. */
export interface RemoteListing {
  sessions: SessionRow[];
  /** The one fetch: the remote's name, whether it answered, and the warning the command prints when not. */
  remote: RemoteFetch;
  remote_branches: RemoteBranchRow[];
}

export async function listWithRemote(ctx: Context): Promise<RemoteListing> {
  // The fetch runs while the local copies are read: only the radar and the remote's rows wait for it.
  // git's version (how the radar merges) is asked now too, not after the fetch, when the radar starts.
  gitVersion().catch(() => {});
  const viewing = readSessionsQuick(ctx.root, ctx.config.workspace).then((read) => remoteView(ctx, read.records));
  let remoteMarksSeen = new Map<string, string[]>();
  const [sessions, branches, view] = await Promise.all([
    listSessions(ctx, { marks: async (shown) => (remoteMarksSeen = await remoteMarks(ctx, await viewing)(shown)) }),
    viewing.then((v) => branchRows(ctx, v.branches)),
    viewing,
  ]);
  for (const b of branches) b.conflicts = remoteMarksSeen.get(b.name) ?? [];
  await hintComponents(ctx, branches);
  return { sessions, remote: view.fetch, remote_branches: branches };
}
