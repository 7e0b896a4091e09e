// Which commit sessions are brought onto: the base after a fetch, decided once per run in the main checkout.
import { OperationError } from '../core/errors.mjs';
import { lastLine } from '../core/exec.ts';
import { gitRaw, hasRemote, isAncestor, refExists, revParse } from './repo.ts';

export interface SyncTarget {
  base: string;
  /** What the sha was read from: `origin/<base>` or `<base>`. */
  ref: string;
  sha: string;
}

export interface FetchOutcome {
  remote: boolean;
  fetched: boolean;
  error: string | null;
}

/** Fetches origin when the main checkout has one; a failed fetch is reported, not thrown (sync goes on with what it has). */
export async function fetchOrigin(main: string): Promise<FetchOutcome> {
  if (!(await hasRemote(main, 'origin'))) return { remote: false, fetched: false, error: null };
  const r = await gitRaw(main, ['fetch', '--quiet', 'origin']);
  if (r.code === 0) return { remote: true, fetched: true, error: null };
  return { remote: true, fetched: false, error: lastLine(r) };
}

/**
 * `origin/<base>` when the local base is behind it or equal (or absent), else the local base: sessions
 * get what the team has without the user's own base branch being moved.
 */
export async function resolveTarget(main: string, base: string): Promise<SyncTarget> {
  const local = (await refExists(main, `refs/heads/${base}`)) ? await revParse(main, `refs/heads/${base}`) : null;
  const remote = (await refExists(main, `refs/remotes/origin/${base}`)) ? await revParse(main, `refs/remotes/origin/${base}`) : null;
  if (remote && (!local || (await isAncestor(main, local, remote)))) return { base, ref: `origin/${base}`, sha: remote };
  if (local) return { base, ref: base, sha: local };
  throw new OperationError(`the base branch ${base} exists neither locally nor as origin/${base} in the main checkout`);
}

/** The sha of every local branch (`refs/heads/...`) and of origin's (`refs/remotes/origin/...`), in one process. */
export async function branchRefs(main: string): Promise<Map<string, string>> {
  const r = await gitRaw(main, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/', 'refs/remotes/origin/']);
  if (r.code !== 0) throw new OperationError(`git for-each-ref failed: ${lastLine(r)}`);
  const refs = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) refs.set(line.slice(at + 1), line.slice(0, at));
  }
  return refs;
}

/** resolveTargets from refs read already (branchRefs): git runs only where a local base and origin's differ. */
export async function resolveTargetsFrom(main: string, bases: Iterable<string>, refs: ReadonlyMap<string, string>): Promise<Map<string, SyncTarget | Error>> {
  const out = new Map<string, SyncTarget | Error>();
  for (const base of new Set(bases)) {
    const local = refs.get(`refs/heads/${base}`) ?? null;
    const remote = refs.get(`refs/remotes/origin/${base}`) ?? null;
    try {
      if (remote && (!local || local === remote || (await isAncestor(main, local, remote)))) out.set(base, { base, ref: `origin/${base}`, sha: remote });
      else if (local) out.set(base, { base, ref: base, sha: local });
      else out.set(base, new OperationError(`the base branch ${base} exists neither locally nor as origin/${base} in the main checkout`));
    } catch (err) {
      out.set(base, err as Error);
    }
  }
  return out;
}

/** Resolves each distinct base once. */
export async function resolveTargets(main: string, bases: Iterable<string>): Promise<Map<string, SyncTarget | Error>> {
  const out = new Map<string, SyncTarget | Error>();
  for (const base of new Set(bases)) {
    try {
      out.set(base, await resolveTarget(main, base));
    } catch (err) {
      out.set(base, err as Error);
    }
  }
  return out;
}
