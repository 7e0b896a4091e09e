// What sync-all asks once for every session instead of once per copy: each branch's tip, and whether the
// target is already in it (one git for-each-ref per target). A copy whose HEAD is still that tip uses the
// answer; one that moved since is asked again (sync/session.ts). And whether an operation is under way in
// a copy, read in its git folder without starting git.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gitRaw } from '../git/repo.ts';
import { linkedGitDir } from '../git/worktrees.ts';
import { operationInProgress } from '../git/rebase.ts';
import type { SyncTarget } from '../git/base.ts';
import type { SessionRecord } from '../store/schemas.ts';

/** A branch tip, and whether the session's target is in it. */
export interface KnownTip {
  tip: string;
  contains: boolean;
}

/** For every session whose branch is in the main repository: its tip and whether its target is in it. */
export async function knownTips(main: string, records: readonly SessionRecord[], targets: ReadonlyMap<string, SyncTarget | Error>, refs: ReadonlyMap<string, string>): Promise<Map<string, KnownTip>> {
  const out = new Map<string, KnownTip>();
  const bySha = new Map<string, SessionRecord[]>();
  for (const r of records) {
    const t = targets.get(r.base);
    if (r.mode === 'clone' || !t || t instanceof Error || !refs.has(`refs/heads/${r.branch}`)) continue;
    bySha.set(t.sha, [...(bySha.get(t.sha) ?? []), r]);
  }
  for (const [sha, rs] of bySha) {
    const names = rs.map((r) => `refs/heads/${r.branch}`);
    const res = await gitRaw(main, ['for-each-ref', '--format=%(refname)', '--contains', sha, ...names]);
    if (res.code !== 0) continue; // asked copy by copy instead
    const containing = new Set(res.stdout.split('\n'));
    for (const r of rs) out.set(r.name, { tip: refs.get(`refs/heads/${r.branch}`) as string, contains: containing.has(`refs/heads/${r.branch}`) });
  }
  return out;
}

const OPERATIONS: [string, string][] = [['rebase-merge', 'rebase'], ['rebase-apply', 'rebase'], ['MERGE_HEAD', 'merge'], ['CHERRY_PICK_HEAD', 'cherry-pick'], ['REVERT_HEAD', 'revert']];

/** operationInProgress, read in the copy's own git folder (a worktree's, or a clone's .git) when it has a plain one. */
export async function operationIn(path: string): Promise<string | null> {
  let gitDir = linkedGitDir(path);
  if (!gitDir) {
    const own = join(path, '.git');
    try {
      gitDir = statSync(own).isDirectory() ? own : null;
    } catch {
      gitDir = null;
    }
  }
  if (!gitDir || !existsSync(join(gitDir, 'HEAD'))) return operationInProgress(path);
  for (const [file, label] of OPERATIONS) if (existsSync(join(gitDir, file))) return label;
  return null;
}
