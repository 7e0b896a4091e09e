// The agents' radar cache follows the commands that move sessions (new-session, sync, end-session): they
// start its refresh in the background and never wait for it; only where an agent's hook asked for a cache.
import type { Context } from '../config/context.ts';
import { cacheAgeS, kickRefresh } from '../agents/radar-cache.ts';
import { KIT_DIR } from '../core/kit-dir.ts';

/** Starts `make conflicts` (detached) to rewrite the cache; false when there is none or one is under way. */
export async function refreshRadarLater(ctx: Context): Promise<boolean> {
  if (cacheAgeS(ctx.root, ctx.config.workspace) === null) return false; // no agent hook has asked for one yet
  return kickRefresh({ root: ctx.root, workspace: ctx.config.workspace, main: () => ctx.main, kitDir: KIT_DIR, env: ctx.env, everyS: 0 });
}
