// make up plan=FILE: check the whole plan, then create each session that is not there yet (through
// new-session's own steps, so each one is all or nothing), recording it in the plan state first so that
// a rerun after any interruption knows it as the plan's. Starting them is the orchestrator's job.
import { readFileSync } from 'node:fs';
import { KitError, OperationError, UsageError } from '../core/errors.mjs';
import type { Context } from '../config/context.ts';
import { commandLine, planAgent, resolveAgent } from '../agents/setup.ts';
import { headlessArgv } from '../agents/headless.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { readRecord, sessionDir } from '../store/paths.ts';
import { sessionRecordSchema, type SessionRecord } from '../store/schemas.ts';
import { isInterrupted, recordPath } from '../store/sessions.ts';
import { createSession, planSession, type NewSessionInput } from '../session/create.ts';
import { parsePlan, type PlanSession } from './plan-file.ts';
import { INSTALL_TMUX, tmuxVersion } from '../launch/tmux.ts';
import { readPlanState, updatePlanState, type PlanEntry } from './state.ts';

export interface UpResult {
  workspace: string;
  created: string[];
  existing: string[];
}

/** The context of the plan's workspace: its sessions report there. */
export function inWorkspace(ctx: Context, workspace: string): Context {
  return { ...ctx, config: { ...ctx.config, workspace } };
}

function inputOf(s: PlanSession): NewSessionInput {
  return { name: s.name, component: s.component, kind: s.kind, base: s.base, mode: s.mode, profile: s.profile, shared: s.shared, agent: s.agent };
}

export function readSession(ctx: Context, workspace: string, name: string): SessionRecord | null {
  const r = readRecord(recordPath(ctx.root, workspace, name), sessionRecordSchema);
  return r.ok ? r.value : null;
}

function entryOf(s: PlanSession, record: { path: string | null; env_file: string }, ctx: Context, from: PlanEntry['from']): PlanEntry {
  return {
    name: s.name,
    after: s.after,
    interactive: s.interactive,
    prompt: s.prompt,
    agent_kind: null,
    argv: null,
    cwd: record.path ?? ctx.main,
    env_file: record.env_file,
    description: s.prompt.trim() ? s.prompt.trim().split('\n')[0]!.slice(0, 200) : `${s.kind} ${s.name} (${s.component})`,
    from,
    started_at: null,
    outcome: null,
    reason: null,
  };
}

/** Checks the plan and creates what is missing; throws before creating anything when any session is wrong. */
export async function upPlan(base: Context, file: string, hooks: { onStep?: (t: string) => void } = {}): Promise<UpResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`plan=${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { plan, at } = parsePlan(text, file, base.config);
  const windowed = plan.sessions.findIndex((s) => s.interactive);
  if (windowed >= 0 && !(await tmuxVersion(base.env))) throw new OperationError(`${at(['sessions', windowed, 'interactive'])}: session '${plan.sessions[windowed]!.name}' runs in a tmux window; ${INSTALL_TMUX}; nothing was created`);
  const ctx = inWorkspace(base, plan.workspace);
  const known = new Set(readPlanState(ctx.root, plan.workspace).sessions.map((e) => e.name));
  const missing: PlanSession[] = [];
  const existing: string[] = [];
  const records = new Map<string, SessionRecord>();
  for (const [i, s] of plan.sessions.entries()) {
    const record = readSession(ctx, plan.workspace, s.name);
    if (record && known.has(s.name)) {
      if (record.state !== 'active') {
        const how = isInterrupted(record) ? `was cut short while being created; make end-session name=${s.name} workspace=${plan.workspace} cleans it up, then make up again` : record.state === 'creating' ? 'still being created (by another make up?)' : `${record.state}; make list-sessions shows it`;
        throw new OperationError(`${at(['sessions', i, 'name'])}: session '${s.name}' ${how}`);
      }
      existing.push(s.name);
      records.set(s.name, record);
      continue;
    }
    try {
      await planSession(ctx, inputOf(s));
    } catch (err) {
      if (err instanceof KitError) throw new (err.exitCode === 2 ? UsageError : OperationError)(`${at(['sessions', i])}: ${err.message}`);
      throw err;
    }
    missing.push(s);
  }
  const created: string[] = [];
  for (const s of missing) {
    hooks.onStep?.(`creating session ${s.name}`);
    // In the state before it exists: a rerun after a kill finds it as this plan's own.
    await updatePlanState(ctx.root, plan.workspace, (st) => ({ state: { ...st, plan_file: file, sessions: [...st.sessions.filter((e) => e.name !== s.name), entryOf(s, { path: null, env_file: '' }, ctx, 'plan')] }, value: null }));
    const r = await createSession(ctx, inputOf(s), { onStep: hooks.onStep, setupOutput: 'capture' });
    await updatePlanState(ctx.root, plan.workspace, (st) => ({ state: { ...st, sessions: st.sessions.map((e) => (e.name === s.name ? entryOf(s, r.record, ctx, 'plan') : e)) }, value: null }));
    created.push(s.name);
  }
  // Sessions already there keep their entries; a plan file edited since may add dependencies to waiting ones.
  // One a run killed after making its session and before recording where it is gets that now.
  const refresh = (e: PlanEntry): PlanEntry => {
    const s = plan.sessions.find((p) => p.name === e.name);
    const record = records.get(e.name);
    const where = !e.env_file && record ? { cwd: record.path ?? ctx.main, env_file: record.env_file } : {};
    return s && !e.started_at && !e.outcome ? { ...e, after: s.after, prompt: s.prompt, interactive: s.interactive, ...where } : { ...e, ...where };
  };
  await updatePlanState(ctx.root, plan.workspace, (st) => ({ state: { ...st, plan_file: file, sessions: st.sessions.map(refresh) }, value: null }));
  return { workspace: plan.workspace, created, existing };
}

/** The headless command of a plan session: its launch command (new-session's agent_argv) with the prompt. */
export async function headlessCommand(ctx: Context, workspace: string, entry: PlanEntry): Promise<{ argv: string[]; line: string }> {
  const record = readSession(ctx, workspace, entry.name);
  if (!record) throw new OperationError(`session '${entry.name}' has no record; make list-sessions shows the sessions`);
  const spec = resolveAgent(ctx.config, record.agent ?? undefined);
  if (!spec) throw new OperationError(`session '${entry.name}' has no agent to run`);
  const p = await planAgent({ spec, session: record.name, workspace, root: ctx.root, stateDir: sessionDir(ctx.root, workspace, record.name), copy: record.path, main: ctx.main, kitDir: KIT_DIR, env: ctx.env });
  const argv = headlessArgv(spec.kind, p.argv, entry.prompt);
  return { argv, line: commandLine(argv) };
}
