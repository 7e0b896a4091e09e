// Whether a session has work of its own to bring onto its base: the commits of its branch the base lacks.
import { git, refExists } from '../git/repo.ts';
import type { SyncTarget } from '../git/base.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { fetchIntoClone } from './session.ts';

/**
 * The commits ("abbrev subject", newest first) on the session's branch that neither `target` nor the
 * local base has; null when the branch is not there (the sync reports that itself). A clone's commits
 * are counted in the clone, after fetching the target from the main checkout into it.
 */
export async function ownCommits(main: string, r: SessionRecord, target: SyncTarget): Promise<string[] | null> {
  const clone = r.mode === 'clone' && r.path ? r.path : null;
  if (clone) await fetchIntoClone(clone, target.sha);
  const repo = clone ?? main;
  const tip = `refs/heads/${r.branch}`;
  if (!(await refExists(repo, tip))) return null;
  const local = clone ? `refs/remotes/origin/${r.base}` : `refs/heads/${r.base}`;
  const not = [target.sha, ...((await refExists(repo, local)) ? [local] : [])];
  return (await git(repo, ['log', '--format=%h %s', tip, '--not', ...not, '--'])).split('\n').filter(Boolean);
}
