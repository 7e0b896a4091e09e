// What the one fetch left in the main checkout: the matched branches of the remote, one for-each-ref.
import { run } from '../core/exec.ts';
import { gitEnv } from '../git/repo.ts';
import { matchesBranch } from './patterns.ts';

/** A branch of the remote as last fetched (refs/remotes/<remote>/<branch>). */
export interface FetchedBranch {
  /** The branch's name on the remote: claude/fix-x. */
  branch: string;
  /** refs/remotes/<remote>/<branch> */
  ref: string;
  tip: string;
  /** Committer date of the tip, ISO 8601 with its offset. */
  committed: string;
  author: string;
}

const SEP = '\u001f';

/** The remote's branches as last fetched that match `patterns`, sorted by name. */
export async function fetchedBranches(main: string, remote: string, patterns: readonly string[]): Promise<FetchedBranch[]> {
  const prefix = `refs/remotes/${remote}/`;
  const format = ['%(objectname)', '%(refname)', '%(committerdate:iso-strict)', '%(authorname)'].join(SEP);
  const r = await run('git', ['for-each-ref', `--format=${format}`, prefix], { cwd: main, env: gitEnv(), ownGroup: true });
  const out: FetchedBranch[] = [];
  for (const line of r.stdout.split('\n')) {
    const [tip, ref, committed, author] = line.split(SEP);
    if (!tip || !ref || committed === undefined) continue;
    const branch = ref.slice(prefix.length);
    if (branch !== 'HEAD' && patterns.some((p) => matchesBranch(p, branch))) out.push({ branch, ref, tip, committed, author: author ?? '' });
  }
  return out.sort((a, b) => a.branch.localeCompare(b.branch));
}
