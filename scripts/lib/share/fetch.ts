// Sharing's fetches, through remote/ (the one fetch of a command): what a command fetches is memoized per
// Context, so new-session, adopt, list-sessions remote=1 and the sharing code in them share one fetch.
import type { Context } from '../config/context.ts';
import { commandBranches, fetchOnce, fetchRemote, type RemoteFetch } from '../remote/fetch.ts';

export interface FetchResult {
  ok: boolean;
  /** One line when it failed. */
  error: string | null;
}

const result = (f: RemoteFetch): FetchResult => ({ ok: f.reached, error: f.reached ? null : (f.warning ?? 'no answer').replace(/; going on with .*$/, '') });

/** The command's one fetch (refs/parallel/* and the matched branches) from `remote`. */
export async function commandFetch(ctx: Context, remote: string): Promise<FetchResult> {
  return result(await fetchOnce(ctx, ctx.main, { remote, branches: commandBranches(ctx.config), env: ctx.env }));
}

/** A fresh fetch of refs/parallel/* only: each round of the background publisher, and after a lost claim race (to name the winner). */
export async function fetchSharedRefs(ctx: Context, remote: string): Promise<FetchResult> {
  return result(await fetchRemote(ctx.main, { remote, branches: [], env: ctx.env }));
}
