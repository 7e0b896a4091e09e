// Commits that removing a session's refs would leave without any ref, and keeping them under refs of the
// kit's own in the main repository. Reachability is always decided by the main repository's refs: a
// clone's remote-tracking refs may be stale (a branch deleted in the main repository since).
import { OperationError } from '../core/errors.mjs';
import { git, gitFailure, gitRaw } from './repo.ts';

export interface Tip {
  /** Where it is kept under the archive prefix: HEAD, heads/<branch>, tags/<tag>, stash/<n>, ... */
  label: string;
  /** The object to keep (an annotated tag keeps its message). */
  object: string;
  /** The commit it leads to. */
  commit: string;
}

/** Refs of a clone that are its own: everything but remote-tracking refs (other repositories' state) and refs/stash. */
export async function cloneTips(clone: string, head: string | null): Promise<Tip[]> {
  const out = await git(clone, ['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)']);
  const tips: Tip[] = [];
  for (const line of out.split('\n').filter(Boolean)) {
    const [object = '', type = '', peeled = '', peeledType = '', ...rest] = line.split(' ');
    const ref = rest.join(' ');
    if (ref.startsWith('refs/remotes/') || ref === 'refs/stash') continue;
    const commit = type === 'commit' ? object : peeledType === 'commit' ? peeled : null;
    if (commit) tips.push({ label: ref.replace(/^refs\//, ''), object, commit });
  }
  // Last, so that a HEAD on a branch is kept under the branch's name.
  if (head) tips.push({ label: 'HEAD', object: head, commit: head });
  return tips;
}

/** A clone's stash entries (they live in the reflog of refs/stash, so each is a tip of its own). */
export async function stashTips(clone: string): Promise<{ tips: Tip[]; lines: string[] }> {
  const out = await git(clone, ['stash', 'list', '--format=%H %gd %s']);
  const tips: Tip[] = [];
  const lines: string[] = [];
  for (const [i, line] of out.split('\n').filter(Boolean).entries()) {
    const sha = line.slice(0, line.indexOf(' '));
    tips.push({ label: `stash/${i}`, object: sha, commit: sha });
    lines.push(line.slice(sha.length + 1));
  }
  return { tips, lines };
}

/** Copies into the main repository the objects of `tips` it lacks, from the clone; a clone git cannot read is an error. */
export async function fetchTips(main: string, clone: string, tips: readonly Tip[]): Promise<void> {
  if (!tips.length) return;
  const check = await git(main, ['cat-file', '--batch-check=%(objectname)'], `${[...new Set(tips.map((t) => t.object))].join('\n')}\n`);
  const missing = check.split('\n').filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0] as string);
  if (!missing.length) return;
  // The clone's upload-pack would refuse objects that are not at a ref tip (stash entries, a detached HEAD).
  const args = ['-c', 'uploadpack.allowAnySHA1InWant=true', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', clone, ...missing];
  const r = await gitRaw(main, args);
  if (r.code !== 0) throw new OperationError(`could not read the commits of the clone ${clone}: ${gitFailure(args, r)}; nothing was changed`);
}

/**
 * Commits reachable from `commits` but from no ref of the main repository (HEAD of the main checkout
 * included, other worktrees' HEADs not: counting less as safe only ever refuses more). `without` is a
 * branch about to be deleted, whose commits therefore do not count as kept. "full-sha abbrev subject".
 */
export async function orphanedCommits(main: string, commits: readonly string[], without: string | null): Promise<{ sha: string; line: string }[]> {
  if (!commits.length) return [];
  const exclude = without ? [`--exclude=refs/heads/${without}`] : [];
  const out = await git(main, ['log', '--format=%H %h %s', '--stdin', '--not', '--single-worktree', ...exclude, '--all', '--'], `${[...new Set(commits)].join('\n')}\n`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf(' ')), line: l.slice(l.indexOf(' ') + 1) }));
}

/** Creates `<prefix><label>` for each tip in one transaction; an existing ref is never overwritten. Returns the refs. */
export async function keepUnderRefs(main: string, prefix: string, tips: readonly Tip[]): Promise<string[]> {
  if (!tips.length) return [];
  const refs = tips.map((t) => ({ ref: `${prefix}${t.label}`, object: t.object }));
  await git(main, ['update-ref', '--stdin'], `${refs.map((r) => `create ${r.ref} ${r.object}`).join('\n')}\n`);
  return refs.map((r) => r.ref);
}
