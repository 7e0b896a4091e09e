// make new-session after=a,b: the session's dependencies from the command line. They are checked before
// the session is made, and recorded in the workspace's plan state as an interactive entry; the workspace's
// orchestrator (the one make up runs; new-session starts one when none is alive) launches the session in
// its window once every one of them completed, or marks it blocked.
import { existsSync } from 'node:fs';
import { OperationError, UsageError } from '../core/errors.mjs';
import { inspectSession } from '../monitor/monitor.ts';
import { lookTracked } from './decide.ts';
import type { Context } from '../config/context.ts';
import { describeName } from '../store/names.ts';
import { sessionDir } from '../store/paths.ts';
import { readPlanState, updatePlanState } from './state.ts';

/** after= as names: comma or space separated; each a session of the workspace. */
export function checkAfter(ctx: Context, name: string, value: string | undefined): string[] {
  if (value === undefined || !value.trim()) return [];
  const names = [...new Set(value.split(/[\s,]+/).filter(Boolean))];
  const workspace = ctx.config.workspace;
  const state = readPlanState(ctx.root, workspace);
  const inPlan = new Set(state.sessions.map((e) => e.name));
  for (const n of names) {
    const bad = describeName(n);
    if (bad) throw new UsageError(`after=${JSON.stringify(n)} ${bad}`);
    if (n === name) throw new UsageError(`after=${n}: a session cannot wait for itself`);
    if (!inPlan.has(n) && !existsSync(sessionDir(ctx.root, workspace, n))) throw new UsageError(`after=${n}: no session '${n}' in workspace '${workspace}'; make list-sessions shows them`);
    // One that already failed (or ended, or is blocked) can never complete: what waits for it would be blocked at once.
    const entry = state.sessions.find((e) => e.name === n);
    const view = existsSync(sessionDir(ctx.root, workspace, n)) ? inspectSession(ctx.root, workspace, n) : null;
    const look = entry?.outcome ? { phase: entry.outcome, reason: entry.reason } : lookTracked(view, true);
    const is = entry?.outcome ?? view?.state ?? look.phase;
    if (look.phase === 'failed' || look.phase === 'blocked') throw new OperationError(`after=${n}: session '${n}' is ${is}${look.reason ? ` (${look.reason})` : ''} and will not complete; ${name} would be blocked at once; nothing was created`);
  }
  return names;
}

/** Records the new session's dependencies; it starts (launched in its window) when they complete. */
export async function recordAfter(ctx: Context, record: { name: string; path: string | null; env_file: string; kind: string; component: string }, after: string[], prompt: string): Promise<void> {
  const workspace = ctx.config.workspace;
  await updatePlanState(ctx.root, workspace, (s) => ({
    state: {
      ...s,
      sessions: [
        ...s.sessions.filter((e) => e.name !== record.name),
        { name: record.name, after, interactive: true, prompt, agent_kind: null, argv: null, cwd: record.path ?? ctx.main, env_file: record.env_file, description: `${record.kind} ${record.name} (${record.component})`, from: 'new-session', started_at: null, outcome: null, reason: null },
      ],
    },
    value: null,
  }));
}
