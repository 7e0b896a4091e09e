// Pushes to the shared remote and what came of each ref: the one place sharing writes to the network.
// A lease names what the ref must be on the remote for the update to happen ('' = must not exist): git
// checks it on the remote under the ref's lock, so two machines racing for one ref never both win.
import { lastLine } from '../core/exec.ts';
import { gitRaw } from '../git/repo.ts';

export interface RefUpdate {
  /** The ref on the remote (refs/parallel/...). */
  ref: string;
  /** The commit to point it at; null deletes it. */
  commit: string | null;
  /** What the remote's ref must be: a commit, '' for absent; undefined: any (a plain forced update). */
  lease?: string;
}

export type PushOutcome = 'ok' | 'rejected';

export interface PushResult {
  /** False when the remote could not be asked at all (unreachable, no such remote, refused us). */
  reached: boolean;
  /** Per ref: ok, or rejected (its lease did not hold, or the remote refused that ref). */
  refs: Map<string, PushOutcome>;
  /** git's own words when something failed, in one line. */
  error: string | null;
}

/** The argv of one push of `updates`; a pure function, tested without a remote. */
export function pushArgs(remote: string, updates: readonly RefUpdate[]): string[] {
  const leases = updates.filter((u) => u.lease !== undefined).map((u) => `--force-with-lease=${u.ref}:${u.lease}`);
  const specs = updates.map((u) => (u.commit ? `${u.lease === undefined ? '+' : ''}${u.commit}:${u.ref}` : `:${u.ref}`));
  return ['push', '--porcelain', '--no-verify', ...leases, remote, ...specs];
}

/** One push of every update (each ref on its own: one refused leaves the others done). */
export async function pushRefs(main: string, remote: string, updates: readonly RefUpdate[]): Promise<PushResult> {
  const refs = new Map<string, PushOutcome>();
  if (!updates.length) return { reached: true, refs, error: null };
  const r = await gitRaw(main, pushArgs(remote, updates));
  let reported = false;
  for (const line of r.stdout.split('\n')) {
    const m = /^([ +\-*!=])\t[^\t]*:(refs\/\S+)\t/.exec(line);
    if (!m) continue;
    reported = true;
    refs.set(m[2] as string, m[1] === '!' ? 'rejected' : 'ok');
  }
  for (const u of updates) if (!refs.has(u.ref) && reported) refs.set(u.ref, 'rejected');
  return { reached: reported || r.code === 0, refs, error: r.code === 0 ? null : lastLine(r) };
}
