// The one fetch of the shared refs a command makes: the remote's refs/parallel/* into
// refs/parallel-remote/<remote>/*, pruned. A remote that cannot be reached is an answer, not a throw.
import { gitRaw } from '../git/repo.ts';
import { lastLine } from '../core/exec.ts';
import { trackingPrefix } from './refs.ts';

export interface FetchResult {
  ok: boolean;
  /** One line when it failed: git's words. */
  error: string | null;
}

export async function fetchShared(main: string, remote: string): Promise<FetchResult> {
  const r = await gitRaw(main, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--prune', remote, `+refs/parallel/*:${trackingPrefix(remote)}*`]);
  return r.code === 0 ? { ok: true, error: null } : { ok: false, error: lastLine(r) };
}
