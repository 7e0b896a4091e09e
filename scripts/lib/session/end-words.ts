// The words of end-session's refusals: what ending would lose, and what to do about it.
import type { Context } from '../config/context.ts';
import { shellQuote } from '../core/shell.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { KEEP_LIMIT, size, type KeepPlan } from './ignored-files.ts';

export interface AtRisk {
  /** Everything `git status` listed, copies included: when empty, git can recheck cleanliness as it removes. */
  anyChange: boolean;
  /** Uncommitted files in the copy (modified, staged, untracked), copies of .env and friends excepted. */
  uncommitted: string[];
  /** Commits that ending would leave in neither the base nor on a remote nor under any other ref: "abbrev subject". */
  unpushed: string[];
  /** Stash entries of a clone (a worktree's stashes live in the main repository and stay). */
  stashes: string[];
  /** Git-ignored paths, not disposable, too big to keep in the archive (the smaller ones are kept). */
  ignored: string[];
  copyMissing: boolean;
  /** Where the copy's folder is when it is not where the session put it (moved by hand or with git worktree move). */
  movedTo: string | null;
  /** Why git could not read the copy: nothing of it is removed then, not even with force=1. */
  unreadable: string | null;
}

export function describeRisk(risk: AtRisk, r: SessionRecord, plan: KeepPlan): string {
  const parts: string[] = [];
  const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
  if (risk.movedTo) parts.push(`a copy that was moved by hand to ${risk.movedTo} (git expects it at ${r.path})`);
  if (risk.uncommitted.length) parts.push(`${risk.uncommitted.length} uncommitted file${risk.uncommitted.length > 1 ? 's' : ''} (${list(risk.uncommitted)})`);
  if (risk.unpushed.length) parts.push(`${risk.unpushed.length} commit${risk.unpushed.length > 1 ? 's' : ''} neither merged nor pushed (${list(risk.unpushed)})`);
  if (risk.stashes.length) parts.push(`${risk.stashes.length} stash entr${risk.stashes.length > 1 ? 'ies' : 'y'} in the clone (${list(risk.stashes)})`);
  if (plan.tooBig.length) {
    const big = plan.tooBig.map((e) => `${e.entry} ${e.over ? 'at least ' : ''}${e.files.length > KEEP_LIMIT.files ? `${e.files.length} files` : size(e.bytes)}`);
    parts.push(`${big.length} git-ignored path${big.length > 1 ? 's' : ''} too big to keep in the archive (${list(big)})`);
  }
  return parts.join(' and ');
}

export function refusal(risk: AtRisk, r: SessionRecord, lost: string, push: string): string {
  const advice: string[] = [];
  if (risk.movedTo) advice.push(`move it back (mv ${shellQuote(risk.movedTo)} ${shellQuote(r.path ?? '')})`);
  if (risk.uncommitted.length) advice.push(`commit it, then ${push ? 'push or ' : ''}merge it`);
  else if (risk.unpushed.length) advice.push(`${push}merge it into ${r.base}`);
  else if (risk.stashes.length) advice.push('apply or drop the stashes');
  if (risk.ignored.length) advice.push('list them under disposable: in parallel.config.yaml, or move them out of the copy');
  return `session '${r.name}' has ${lost}; nothing was changed. To keep it: ${advice.join('; ')}. To throw it away: make end-session name=${r.name} force=1`;
}

export function unreadable(ctx: Context, r: SessionRecord, at: string, why: string): string {
  const fix =
    r.mode === 'clone'
      ? `move what you want to keep out of it and delete the folder yourself`
      : `if it is the session's worktree, relink it with: git -C ${shellQuote(ctx.main)} worktree repair; if not, move it out of the way`;
  return `cannot read the copy ${at} of session '${r.name}': ${why}; nothing was changed, not even with force=1. To go on: ${fix}, then run make end-session name=${r.name} again`;
}
