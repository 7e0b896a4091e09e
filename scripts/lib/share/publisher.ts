// The background publisher: one process per state folder (its lock), started detached by new-session and
// by the commands that share, that runs a publish round every share_interval (one fetch, the push of what
// changed, the other machines' claims noted for the guard) while this machine has shared sessions or
// removals left, and then exits. It is how what the agents' hooks wrote gets to the remote.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { KIT_DIR } from '../core/kit-dir.ts';
import { withLock } from '../core/lock.mjs';
import { lockPath } from '../store/paths.ts';
import { noteRemoteClaims } from './claims.ts';
import { fetchSharedRefs } from './fetch.ts';
import { thisMachine } from './machine.ts';
import { publishRound, sharedSessions, type RoundOptions, type RoundReport } from './publish.ts';
import { askedSharing, type Sharing } from './settings.ts';
import { readShareState } from './state.ts';

export const PUBLISHER_LOCK = 'share-publisher';

/** Starts the background publisher unless the bundle is missing; it exits at once when one runs already. Never throws. */
export function kickPublisher(ctx: Context): boolean {
  const script = join(KIT_DIR, 'dist', 'cmd', 'publish.mjs');
  if (!existsSync(script)) return false;
  try {
    const env: NodeJS.ProcessEnv = { ...ctx.env, PARALLEL_DIR: ctx.root };
    for (const k of Object.keys(env)) if (k.startsWith('MAKE') || k === 'MFLAGS') delete env[k];
    const child = spawn(process.execPath, [script, 'loop=1', `repo=${ctx.main}`], { cwd: ctx.main, env, detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a round has anything to do: shared sessions, removals still to push, or a ref of this workspace
 * still published for a session no longer shared (a removal that lost a race with a round's push: the next
 * round derives it again).
 */
export function hasWork(ctx: Context): boolean {
  if (!existsSync(ctx.root) || !existsSync(ctx.main)) return false;
  const shared = sharedSessions(ctx);
  const state = readShareState(ctx.root);
  if (shared.length || state.removals.length) return true;
  return Object.keys(state.published).some((ref) => ref.split('/')[4] === ctx.config.workspace);
}

/** One round as the publisher runs it: fetch, push, note the claims. */
export async function publisherRound(ctx: Context, sharing: Sharing, opts: RoundOptions = {}): Promise<RoundReport> {
  const fetched = await fetchSharedRefs(ctx, sharing.remote);
  if (!fetched.reached) return { pushed: [], removed: [], warnings: [`could not reach ${sharing.remote} (${fetched.error}); trying again later`], skipped: false };
  const round = await publishRound(ctx, sharing, opts);
  await noteRemoteClaims(ctx, sharing, await thisMachine(ctx));
  return round;
}

/**
 * The loop of the background publisher; resolves when there is nothing left to share, or at once
 * (false) when another publisher holds the lock. `sleep` waits between rounds (tests pass a short one).
 */
export async function runPublisher(ctx: Context, opts: { stop?: () => boolean; onWarning?: (w: string) => void } = {}): Promise<boolean> {
  const sharing = askedSharing(ctx, true) as Sharing;
  try {
    await withLock(
      lockPath(ctx.root, PUBLISHER_LOCK),
      async () => {
        while (!opts.stop?.() && hasWork(ctx)) {
          for (const w of (await publisherRound(ctx, sharing)).warnings) opts.onWarning?.(w);
          await new Promise((r) => setTimeout(r, sharing.intervalS * 1000));
        }
      },
      { timeoutMs: 1 },
    );
    return true;
  } catch (err) {
    if (err instanceof OperationError && /timed out waiting for the lock/.test(err.message)) return false;
    throw err;
  }
}
