// What new-session is asked for, and everything about it checked before anything is created.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import type { Mode } from '../config/config.ts';
import { OperationError, UsageError } from '../core/errors.mjs';
import { describeName } from '../store/describe-name.ts';
import { gitRaw, isValidBranchName } from '../git/repo.ts';
import { KINDS, MODES } from '../store/constants.ts';
import type { Kind } from '../store/schemas.ts';
import { readSessionQuick } from '../store/quick.ts';
import { recordPath } from '../store/sessions.ts';
import { sessionDir } from '../store/paths.ts';
import { branchFor } from '../worklog/entries.ts';
import { resolveAgent, type AgentSpec } from '../agents/setup.ts';
import type { ShareInput } from '../share/session.ts';

export interface NewSessionInput {
  name: string;
  component: string;
  kind?: string;
  base?: string;
  mode?: string;
  profile?: string;
  shared?: boolean;
  /** agent=: a kind, a name under the config's agents:, or 'none'; default the config's agent:. */
  agent?: string;
  /** make adopt: the session's branch is a local copy of this branch of the remote, of the same name, tracking it. */
  adopt?: { remote: string; branch: string };
  /** Sharing (scripts/lib/share/): share=1, takeover=1 of a silent machine's claim, offline=1. */
  share?: ShareInput['share'];
  takeover?: ShareInput['takeover'];
  offline?: ShareInput['offline'];
}

export interface Plan {
  name: string;
  component: string;
  kind: Kind;
  base: string;
  mode: Mode;
  profile: string | null;
  shared: boolean;
  branch: string;
  path: string | null;
  agent: AgentSpec | null;
  /** The remote-tracking ref an adopted session's branch starts from and tracks; null for a new branch. */
  from: string | null;
}

/** Which of `names` are local branches (exactly: a pattern also lists the branches under it, and may glob). */
async function localBranches(main: string, names: string[]): Promise<Set<string>> {
  const r = await gitRaw(main, ['for-each-ref', '--format=%(refname)', ...names.map((n) => `refs/heads/${n}`)]);
  const listed = new Set(r.code === 0 ? r.stdout.split('\n') : []);
  return new Set(names.filter((n) => listed.has(`refs/heads/${n}`)));
}

/** Checks everything that can be checked before anything is created; throws UsageError for bad input. */
export async function planSession(ctx: Context, input: NewSessionInput): Promise<Plan> {
  const { config } = ctx;
  if (!input.name) throw new UsageError('name= is required, e.g. make new-session name=login-form component=ui');
  const bad = describeName(input.name);
  if (bad) throw new UsageError(`name=${JSON.stringify(input.name)} ${bad}`);
  const components = Object.keys(config.components);
  if (!input.component) throw new UsageError(`component= is required: one of ${components.join(', ') || '(none configured in parallel.config.yaml)'}`);
  if (!config.components[input.component]) throw new UsageError(`component=${JSON.stringify(input.component)} is not in ${config.file ? 'parallel.config.yaml' : 'the default config'}; choose one of ${components.join(', ')}`);
  const kind = (input.kind || 'feature') as Kind;
  if (!KINDS.includes(kind)) throw new UsageError(`kind=${JSON.stringify(input.kind)}: expected one of ${KINDS.join(', ')}`);
  const mode = (input.mode || config.mode) as Mode;
  if (!MODES.includes(mode)) throw new UsageError(`mode=${JSON.stringify(input.mode)}: expected one of ${MODES.join(', ')}`);
  const profile = input.profile || null;
  if (profile && !config.profiles[profile]) throw new UsageError(`profile=${JSON.stringify(profile)} is not in the config's profiles (${Object.keys(config.profiles).join(', ') || 'none'})`);
  const agent = resolveAgent(config, input.agent);
  const base = input.base || config.base;
  const branch = input.adopt ? input.adopt.branch : branchFor(kind, input.name);
  const from = input.adopt ? `refs/remotes/${input.adopt.remote}/${input.adopt.branch}` : null;
  // The git questions are independent: asked at once, which local branches exist in one process. A name
  // git refuses is no local branch either.
  const [heads, branchValid] = await Promise.all([localBranches(ctx.main, [base, branch]), isValidBranchName(ctx.main, branch)]);
  const baseExists = heads.has(base);
  const branchTaken = heads.has(branch);
  if (!baseExists) {
    const from = input.base ? `base=${JSON.stringify(base)}` : `${config.file ? 'parallel.config.yaml' : 'the default config'}: base: ${JSON.stringify(base)}`;
    throw new UsageError(`${from} is not a local branch of ${ctx.main}`);
  }
  const existing = await readSessionQuick(recordPath(ctx.root, config.workspace, input.name));
  if (existing.ok || !existing.missing) throw new OperationError(`a session named '${input.name}' already exists; pick another name (make list-sessions shows them)`);
  if (existsSync(join(sessionDir(ctx.root, config.workspace, input.name), 'status.json'))) {
    throw new OperationError(`a tracked session named '${input.name}' already exists in workspace '${config.workspace}'; pick another name`);
  }
  if (!branchValid) throw new UsageError(`the branch name ${branch} is not valid in git`);
  if (branchTaken) throw new OperationError(`branch ${branch} already exists; pick another name or delete the branch`);
  const path = mode === 'branch' ? null : join(config.worktreeRoot, input.name);
  if (path && existsSync(path)) throw new OperationError(`${path} already exists; pick another name or remove that folder`);
  return { name: input.name, component: input.component, kind, base, mode, profile, shared: Boolean(input.shared), branch, path, agent, from };
}

