// What to do about a conflict, in words a person can paste: the same next step wherever the kit reports
// one (make sync, make finish-session, make conflicts). Pure text: nothing here runs git.
import { basename, dirname, join } from 'node:path';
import { shellQuote } from '../core/shell.ts';
import type { Strategy } from '../git/rebase.ts';
import type { SessionRecord } from '../store/schemas.ts';

export type Resolvable = Pick<SessionRecord, 'name' | 'mode' | 'path' | 'branch'>;

/** `make sync name=X`, with strategy=merge when the sync merged. */
export function syncCommand(name: string, strategy: Strategy = 'rebase'): string {
  return `make sync name=${name}${strategy === 'merge' ? ' strategy=merge' : ''}`;
}

/**
 * How to bring the session onto `ontoRef` (a ref of the main checkout: `main`, `origin/main`) by hand and
 * resolve the conflict, then run `rerun`. A worktree shares the main checkout's refs; a clone fetches the
 * ref from the main checkout first (its own origin/<base> may be stale or another ref); a branch-only
 * session has no copy, so it gets a worktree of its own for the while.
 */
export function resolveSteps(main: string, s: Resolvable, ontoRef: string, strategy: Strategy, rerun: string): string {
  const onto = s.mode === 'clone' ? 'FETCH_HEAD' : ontoRef;
  const run = strategy === 'rebase' ? `git rebase ${shellQuote(onto)}` : `git merge ${shellQuote(onto)}`;
  const finish = strategy === 'rebase' ? 'fix the files, git add them, git rebase --continue' : 'fix the files, git add them, git commit';
  if (s.mode === 'clone' && s.path) return `cd ${shellQuote(s.path)} && git fetch ${shellQuote(main)} ${shellQuote(ontoRef)} && ${run}; ${finish}; then ${rerun}`;
  if (s.path) return `cd ${shellQuote(s.path)} && ${run}; ${finish}; then ${rerun}`;
  const dir = join(dirname(main), `${basename(main)}-${s.name}-resolve`);
  return `it has no copy, so check its branch out for the while: cd ${shellQuote(main)} && git worktree add ${shellQuote(dir)} ${shellQuote(s.branch)} && cd ${shellQuote(dir)} && ${run}; ${finish}; then git worktree remove ${shellQuote(dir)} and ${rerun}`;
}

/** make conflicts: a session whose committed work would conflict with its base. */
export function baseConflictStep(main: string, s: Resolvable, ontoRef: string, files: readonly string[]): string {
  return `${syncCommand(s.name)} would stop at ${list(files)}; to resolve it: ${resolveSteps(main, s, ontoRef, 'rebase', syncCommand(s.name))}`;
}

/** make conflicts: two sessions that really conflict; whichever is merged second resolves it. */
export function pairConflictStep(a: string, b: string, base: string, files: readonly string[]): string {
  return `coordinate: the second of ${a} and ${b} to be merged resolves ${list(files)}; once ${a} is in ${base}, ${syncCommand(b)} (or once ${b} is in ${base}, ${syncCommand(a)}) brings the conflict into its copy to resolve`;
}

function list(xs: readonly string[]): string {
  if (!xs.length) return 'a conflict';
  return xs.slice(0, 4).join(', ') + (xs.length > 4 ? `, and ${xs.length - 4} more` : '');
}
