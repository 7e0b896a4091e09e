// Creating a session: validate, reserve (name, port, component) under the lock, then the slow steps, each undoable.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { loadConfigCached } from '../config/cached.ts';
import { missingOnBase } from '../init/on-base.ts';
import { refreshRadarLater } from './radar-later.ts';
import { claimEarly, copySteps, giveBack, type EarlyCopy } from './copy-steps.ts';
import { planSession, type NewSessionInput } from './plan.ts';
import { shellQuote } from '../core/shell.ts';
import { writeEnvFile } from '../core/env-file.ts';
import { sessionEnv } from './environment.ts';
import { OperationError } from '../core/errors.mjs';
import { lastLine, run } from '../core/exec.ts';
import { claimConflict } from '../config/ownership.ts';
import { withMachineLease } from '../ports/registry.ts';
import { pickPort } from '../ports/leases.ts';
import { createTrackingBranch, deleteBranchAt, ensureExcluded, excludeFile } from '../git/worktrees.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { dropSession, liveSessions, reserveSession, updateSession } from '../store/sessions.ts';
import { runSteps, type Step } from '../core/steps.ts';
import { commitCacheDir, SESSION_ENV_FILE, sessionDir } from '../store/paths.ts';
import { isoWithOffset } from '../core/time.ts';
import { initSessionStatus } from '../tracker/tracker.ts';
import { appendEntry, removeEntry, renderEntry } from '../worklog/entries.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { commandLine, planAgent, removeAgentFiles, writeAgentFiles, type AgentPlan, type AgentSpec } from '../agents/setup.ts';
import { removeGuardFile, writeGuardFile } from '../agents/guard.ts';
import { afterCreate, claimStep, prepareShare, tookOverText } from '../share/session.ts';
import type { SessionClaim } from '../share/state.ts';

export { planSession, type NewSessionInput, type Plan } from './plan.ts';

export interface SessionAgent {
  name: string;
  kind: AgentSpec['kind'];
  /** The words of the command that starts it, in the copy (the main checkout in branch mode). */
  argv: string[];
  /** The same, as one command line for a POSIX shell. */
  command: string;
  /** The files its set-up wrote (absolute paths). */
  files: string[];
}

export interface NewSessionResult {
  record: SessionRecord;
  envFile: string;
  env: Record<string, string>;
  copied: string[];
  /** The agent set up for the session, or null. */
  agent: SessionAgent | null;
  /** <session state folder>/guard.json. */
  guardFile: string;
  /** Things the user should know that did not stop the session (a machine registry that could not be used). */
  warnings: string[];
  /** The remote the session is shared on and the claim it holds there; null when sharing is off. */
  share: { remote: string; claim: SessionClaim | null } | null;
}

export interface CreateHooks {
  /** Called before each slow step, for progress lines. */
  onStep?: (title: string) => void;
  /** Where the setup command's output goes: inherit (to our stderr) or capture. */
  setupOutput?: 'inherit' | 'capture';
}

export async function createSession(ctx: Context, input: NewSessionInput, hooks: CreateHooks = {}): Promise<NewSessionResult> {
  // A warm pool's copy is claimed and checked for stray work while the session is validated and reserved.
  const early = claimEarly(ctx, input);
  try {
    return await createWith(ctx, input, hooks, early);
  } finally {
    await giveBack(ctx, early);
  }
}

async function createWith(ctx: Context, input: NewSessionInput, hooks: CreateHooks, early: EarlyCopy | null): Promise<NewSessionResult> {
  const [plan, rules] = await Promise.all([planSession(ctx, input), missingOnBase(ctx.main, input.base || ctx.config.base)]);
  const { config, main, root } = ctx;
  const workspace = config.workspace;
  const uid = randomBytes(6).toString('hex');
  let record!: SessionRecord;
  let branchSha = '';
  const envFile = plan.path ? join(plan.path, SESSION_ENV_FILE) : join(sessionDir(root, workspace, plan.name), 'session.env');
  let env: Record<string, string> = {};
  const warnings: string[] = [];
  const say = (t: string) => hooks.onStep?.(t);
  const stateDir = sessionDir(root, workspace, plan.name);
  let agentPlan: AgentPlan | null = null;
  let agent: SessionAgent | null = null;
  let guardFile = '';
  if (rules) warnings.push(rules);
  const start = await prepareShare(ctx, { name: plan.name, component: plan.component, branch: plan.branch, shared: plan.shared, share: input.share, takeover: input.takeover, offline: input.offline }, warnings);
  let claim: SessionClaim | null = null;

  const steps: Step[] = [
    {
      title: 'reserve the name, a port and the component',
      run: async () => {
        const lease = await withMachineLease(root, ctx.env, (onMachine) => reserveSession(root, workspace, async (existing) => {
          const taken = existing.find((r) => r.name === plan.name);
          if (taken) throw new OperationError(`a session named '${plan.name}' already exists (state ${taken.state}); end it first with make end-session name=${plan.name}`);
          const live = liveSessions(existing);
          const owner = claimConflict(live, plan.component, plan.shared);
          if (owner) throw new OperationError(`component '${plan.component}' is claimed by session '${owner.name}' (${owner.branch}); pass shared=1 to share it knowingly`);
          const leased = new Set([...live.map((r) => r.port), ...onMachine]);
          const port = await pickPort(config.ports.low, config.ports.high, leased);
          return {
            version: 1,
            name: plan.name,
            uid,
            workspace,
            kind: plan.kind,
            component: plan.component,
            shared: plan.shared,
            branch: plan.branch,
            base: plan.base,
            mode: plan.mode,
            path: plan.path,
            port,
            profile: plan.profile,
            created: isoWithOffset(),
            state: 'creating',
            copied: [],
            env_file: envFile,
            agent: plan.agent?.name ?? null,
            agent_command: null,
            ...(plan.from ? { adopted_from: plan.from.replace(/^refs\/remotes\//, '') } : {}),
          };
        }));
        record = lease.value;
        if (lease.warning) warnings.push(lease.warning);
      },
      undo: () => dropSession(root, workspace, plan.name),
    },
  ];
  if (start) steps.push(claimStep(ctx, start, plan, (c) => (claim = c)));

  if (plan.mode !== 'clone' || plan.from) {
    steps.push({
      title: `create branch ${plan.branch} from ${plan.from ?? plan.base}`,
      run: async () => {
        branchSha = await createTrackingBranch(main, root, plan.branch, plan.from ?? plan.base, ctx.loc.commonDir);
      },
      undo: () => deleteBranchAt(main, root, plan.branch, branchSha),
    });
  }
  const copy = plan.path ? copySteps(ctx, plan, plan.path, () => branchSha, warnings, say, early) : null;
  if (copy) steps.push(copy.start);
  steps.push({
    title: 'write guard.json',
    run: async () => {
      guardFile = writeGuardFile(stateDir, {
        version: 1,
        session: plan.name,
        workspace,
        copy: plan.path,
        main,
        component: plan.component,
        paths: config.components[plan.component]?.paths ?? [],
        shared: plan.shared,
        guard: config.guard,
      });
    },
    undo: async () => removeGuardFile(stateDir),
  });
  steps.push({
    title: 'create the tracker status',
    run: async () => {
      initSessionStatus(root, workspace, plan.name, `${plan.kind} ${plan.name} (${plan.component})`, { branch: plan.branch, component: plan.component, port: record.port, path: plan.path, mode: plan.mode });
    },
  });
  steps.push({
    title: 'add the WORK_LOG.md entry',
    run: async () => {
      const entry = renderEntry({ name: plan.name, uid, kind: plan.kind, branch: plan.branch, base: plan.base, component: plan.component, componentPaths: config.components[plan.component]?.paths ?? [], port: record.port, started: record.created, mode: plan.mode, path: plan.path, profile: plan.profile });
      await appendEntry(main, root, entry);
    },
    undo: async () => {
      await removeEntry(main, root, uid);
    },
  });
  if (copy) steps.push(copy.wait, copy.copyFiles);
  if (plan.agent) {
    const spec = plan.agent;
    steps.push({
      title: `set up ${spec.name}'s hooks`,
      run: async () => {
        const p = await planAgent({ spec, session: plan.name, workspace, root, stateDir, copy: plan.path, main, kitDir: KIT_DIR, env: ctx.env });
        writeAgentFiles(p);
        try {
          if (plan.path) for (const pattern of p.exclude) await ensureExcluded(root, await excludeFile(plan.path), pattern);
        } catch (err) {
          removeAgentFiles(p); // a failed step gets no undo: take back its files here
          throw err;
        }
        agentPlan = p;
        warnings.push(...p.warnings);
        agent = { name: spec.name, kind: spec.kind, argv: p.argv, command: commandLine(p.argv), files: p.files.map((f) => f.path) };
      },
      undo: async () => {
        if (agentPlan) removeAgentFiles(agentPlan);
      },
    });
  }
  steps.push({
    title: 'write the session environment',
    run: async () => {
      const a = agent as SessionAgent | null;
      env = sessionEnv(config, { name: plan.name, workspace, branch: plan.branch, component: plan.component, port: record.port, profile: plan.profile, root, main, kitDir: KIT_DIR, agent: a ? { name: a.name, command: a.command } : null });
      writeEnvFile(envFile, env, `session ${plan.name}: load with  set -a; . ${shellQuote(envFile)}; set +a`);
    },
  });
  if (plan.path && config.setup.trim()) {
    const path = plan.path;
    steps.push({
      title: `run the setup command (${config.setup.trim()})`,
      run: async () => {
        say(`running setup: ${config.setup.trim()}`);
        // The setup command comes from the repository's own config file, like a Makefile recipe: a shell runs it.
        const r = await run('/bin/sh', ['-c', config.setup], { cwd: path, env: { ...ctx.env, ...env }, inherit: hooks.setupOutput !== 'capture' });
        if (r.code !== 0) {
          if (ctx.interrupted()) throw new OperationError('interrupted');
          const said = lastLine(r);
          throw new OperationError(said === `exit code ${r.code}` ? said : `exit code ${r.code}: ${said}`);
        }
      },
    });
  }
  steps.push({
    title: 'activate the session record',
    run: async () => {
      record = await updateSession(root, workspace, plan.name, (r) => ({ ...r, state: 'active', copied: copy?.copied() ?? [], creator: null, agent: plan.agent?.name ?? null, agent_command: (agent as SessionAgent | null)?.command ?? null, agent_argv: (agent as SessionAgent | null)?.argv ?? null }));
    },
  });

  await runSteps(steps, ctx.interrupted);
  await keepConfigCache(ctx);
  await refreshRadarLater(ctx);
  if (start) {
    const took = tookOverText(claim, plan.component);
    if (took) warnings.push(took);
    warnings.push(...(await afterCreate(ctx, start, plan.name)));
  }
  return { record, envFile, env, copied: copy?.copied() ?? [], agent, guardFile, warnings, share: start ? { remote: start.sharing.remote, claim } : null };
}


/**
 * The state folder is in use now: give it the cache folder where the parsed config is kept
 * (config/cached.ts writes there only when the folder exists), with the config in it, so that the next
 * command loads neither the YAML parser nor zod. Without it, a repository where only new-session ran
 * parsed its config every time. Only the first new-session of a repository does this.
 */
async function keepConfigCache(ctx: Context): Promise<void> {
  if (existsSync(commitCacheDir(ctx.root))) return;
  try {
    mkdirSync(commitCacheDir(ctx.root), { recursive: true });
    await loadConfigCached(ctx.main, ctx.root);
  } catch {
    /* best effort: the config is parsed as before */
  }
}
