// Sharing's own fetch: each round of the background publisher, and after a lost claim race (to name the
// winner), refs/parallel/* are fetched again, not memoized; the command's snapshot of them (remote/refs.ts)
// is read again after it. Everything else sharing reads comes from the command's one fetch (fetchForCommand).
import type { Context } from '../config/context.ts';
import { fetchRemote, type RemoteFetch } from '../remote/fetch.ts';
import { forgetFetchedRefs } from '../remote/refs.ts';

export async function fetchSharedRefs(ctx: Context, remote: string): Promise<RemoteFetch> {
  const got = await fetchRemote(ctx.main, { remote, branches: [], env: ctx.env, root: ctx.root });
  forgetFetchedRefs(ctx);
  return got;
}
