// make adopt: a branch of the remote (a web session's) becomes a full local session through new-session's own
// steps: a local branch of the same name that tracks it, a copy, a port, a claim, a WORK_LOG entry, the hooks.
import type { Context } from '../config/context.ts';
import { OperationError, UsageError } from '../core/errors.mjs';
import { branchExists, isValidBranchName, refExists } from '../git/repo.ts';
import { fetchForCommand, remoteBranchRef, type RemoteFetch } from '../remote/fetch.ts';
import { matchesBranch } from '../remote/patterns.ts';
import { createSession, type CreateHooks, type NewSessionResult } from '../session/create.ts';
import { describeName } from '../store/names.ts';
import { readSessions } from '../store/sessions.ts';

export interface AdoptInput {
  /** The branch on the remote: claude/fix-x. */
  branch: string;
  /** Default: the branch's last part (fix-x). */
  name?: string;
  component: string;
  mode?: string;
  agent?: string;
  shared?: boolean;
  /** Sharing, as on new-session: share=1, takeover=1, offline=1. */
  share?: boolean;
  takeover?: boolean;
  offline?: boolean;
}

export type AdoptResult = NewSessionResult & { fetch: RemoteFetch; adopted_from: string };

/** The session name a branch gives: its last part, with what a name cannot hold turned into '-'. */
export function nameFromBranch(branch: string): string {
  const last = branch.split('/').filter(Boolean).at(-1) ?? '';
  return last.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[-.]+/, '').replace(/(\.lock|\.)+$/, '').slice(0, 64);
}

/** Everything adopt refuses before anything is made, each in one line. */
async function check(ctx: Context, input: AdoptInput): Promise<string> {
  const { config, main } = ctx;
  const { branch } = input;
  if (!branch) throw new UsageError('branch= is required, e.g. make adopt branch=claude/fix-x component=server (make list-sessions remote=1 shows them)');
  if (!(await isValidBranchName(main, branch))) throw new UsageError(`branch=${JSON.stringify(branch)} is not a valid branch name`);
  if (!config.remoteSessions.some((p) => matchesBranch(p, branch))) {
    throw new UsageError(`branch=${branch} does not match remote_sessions: (${config.remoteSessions.join(', ') || 'none'}); add a pattern for it to parallel.config.yaml to adopt it`);
  }
  const owner = readSessions(ctx.root, config.workspace).records.find((r) => r.state !== 'ended' && r.branch === branch);
  if (owner) throw new OperationError(`branch ${branch} is already session '${owner.name}'${owner.adopted_from ? ' (adopted)' : ''}; make list-sessions shows it`);
  if (await branchExists(main, branch)) throw new OperationError(`a local branch ${branch} exists already; adopt makes its own copy of ${config.remote}/${branch}: delete or rename the local branch first (git branch -m ${branch} NEW)`);
  const name = input.name || nameFromBranch(branch);
  const bad = describeName(name);
  if (bad) throw new UsageError(`name=${JSON.stringify(name)} ${bad}${input.name ? '' : ` (made from branch=${branch}); pass name=`}`);
  return name;
}

export async function adoptBranch(ctx: Context, input: AdoptInput, hooks: CreateHooks = {}): Promise<AdoptResult> {
  const { remote } = ctx.config;
  const name = await check(ctx, input);
  const fetch = await fetchForCommand(ctx);
  if (!(await refExists(ctx.main, remoteBranchRef(remote, input.branch)))) {
    const why = fetch.reached ? `there is no branch ${input.branch} on ${remote}` : `branch ${input.branch} is not among what was fetched from ${remote} before (${fetch.warning ?? 'the remote did not answer'})`;
    throw new OperationError(`${why}; make list-sessions remote=1 shows the branches there`);
  }
  const result = await createSession(ctx, { name, component: input.component, mode: input.mode, agent: input.agent, shared: input.shared, share: input.share, takeover: input.takeover, offline: input.offline, adopt: { remote, branch: input.branch } }, hooks);
  if (fetch.warning) result.warnings.unshift(fetch.warning);
  return { ...result, fetch, adopted_from: `${remote}/${input.branch}` };
}
