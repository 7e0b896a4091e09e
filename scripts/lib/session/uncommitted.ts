// What a session's copy holds that no commit has: git's view, less the unchanged copies of .env and friends.
import { worktreeStatus, type WorktreeStatus } from '../git/repo.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { isUnchangedCopy } from './untracked-copies.ts';

export interface CopyState {
  branch: string | null;
  head: string | null;
  dirty: string[];
}

/** Uncommitted files of a copy, leaving out unchanged copies of .env and friends (one git process). */
export async function uncommittedFiles(main: string, r: Pick<SessionRecord, 'copied'>, path: string): Promise<CopyState> {
  return copyStateOf(main, r, path, await worktreeStatus(path));
}

/** The same, from a status already read. */
export function copyStateOf(main: string, r: Pick<SessionRecord, 'copied'>, path: string, st: WorktreeStatus): CopyState {
  return { branch: st.branch, head: st.head, dirty: st.changed.filter((p) => !isUnchangedCopy(main, path, r.copied, p)) };
}
