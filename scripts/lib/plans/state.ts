// <state>/plans/<workspace>.json: the orchestrator's state (what each session waits for, how it runs,
// when it was started, how it ended), read and rewritten whole under the plan's lock, written atomically.
// The sessions' own files stay the truth about how a run went; this file says what was asked and done.
import { join } from 'node:path';
import * as z from 'zod';
import { OperationError } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { readRecord, withStoreLock } from '../store/paths.ts';

const iso = z.iso.datetime({ offset: true });

export const OUTCOMES = ['completed', 'failed', 'blocked'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const planEntrySchema = z.object({
  name: z.string().min(1),
  after: z.array(z.string()),
  /** Run in its tmux window (completes on track event=complete), not headless. */
  interactive: z.boolean(),
  prompt: z.string(),
  agent_kind: z.string().nullable(),
  /** The session's launch command (new-session's agent_argv). */
  argv: z.array(z.string()).nullable(),
  /** Where the agent runs: the copy (the main checkout in branch mode). */
  cwd: z.string(),
  env_file: z.string(),
  description: z.string(),
  /** Added by make new-session after=: launched (launch=1) or only tracked. */
  from: z.enum(['plan', 'new-session']),
  started_at: iso.nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  reason: z.string().nullable(),
});
export type PlanEntry = z.infer<typeof planEntrySchema>;

export const planStateSchema = z.object({
  version: z.literal(1),
  workspace: z.string().min(1),
  plan_file: z.string().nullable(),
  sessions: z.array(planEntrySchema),
  /** The orchestrator process that watches this workspace's plan, while one does. */
  orchestrator: z.object({ pid: z.number().int().positive(), host: z.string(), start: z.number().nullable().optional(), started_at: iso }).nullable(),
  updated_at: iso,
});
export type PlanState = z.infer<typeof planStateSchema>;

export const planFile = (root: string, workspace: string) => join(root, 'plans', `${workspace}.json`);
const lockName = (workspace: string) => `plan-${workspace}`;

export function emptyState(workspace: string): PlanState {
  return { version: 1, workspace, plan_file: null, sessions: [], orchestrator: null, updated_at: isoWithOffset() };
}

/** The state as last written; an empty one when there is none; a corrupt file is an error (never overwritten). */
export function readPlanState(root: string, workspace: string): PlanState {
  const r = readRecord(planFile(root, workspace), planStateSchema);
  if (r.ok) return r.value;
  if (r.missing) return emptyState(workspace);
  throw new OperationError(`${r.error}; move it aside to start the plan again`);
}

/** Reads, changes and writes the state under the plan's lock; returns what was written. */
export function updatePlanState<T>(root: string, workspace: string, fn: (s: PlanState) => { state: PlanState; value: T }): Promise<T> {
  return withStoreLock(root, lockName(workspace), () => {
    const { state, value } = fn(readPlanState(root, workspace));
    writeJsonAtomic(planFile(root, workspace), { ...state, updated_at: isoWithOffset() });
    return value;
  });
}
