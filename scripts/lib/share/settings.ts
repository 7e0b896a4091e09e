// Whether a command shares, and on which remote: the config's `share: REMOTE`, or `share=1` on the
// command (the config's remote:, default origin). A remote the repository does not have turns sharing off
// for that command, with one warning: the kit then works on this machine alone, as without sharing.
import type { Context } from '../config/context.ts';
import { hasRemote } from '../git/repo.ts';

export interface Sharing {
  remote: string;
  intervalS: number;
  staleS: number;
}

/** Sharing as the config and the command ask for it; null when off. */
export function askedSharing(ctx: Pick<Context, 'config'>, flag = false): Sharing | null {
  const { config } = ctx;
  if (!config.share && !flag) return null;
  return { remote: config.share ?? config.remote, intervalS: config.shareIntervalS, staleS: config.shareStaleS };
}

/** The remote to read with remote=1 (a read is not sharing: it pushes nothing). */
export function readRemote(ctx: Pick<Context, 'config'>): Sharing {
  return askedSharing(ctx, true) as Sharing;
}

/** askedSharing, checked against the repository's remotes. */
export async function resolveSharing(ctx: Context, flag = false): Promise<{ sharing: Sharing | null; warning: string | null }> {
  const s = askedSharing(ctx, flag);
  if (!s) return { sharing: null, warning: null };
  if (await hasRemote(ctx.main, s.remote)) return { sharing: s, warning: null };
  return { sharing: null, warning: `sharing is on (${ctx.config.share ? `share: ${s.remote}` : 'share=1'}) but the repository has no remote '${s.remote}'; working on this machine only (git remote add ${s.remote} URL to share)` };
}
