// What an agent's hook event does to its session's status: a pure function, and the locked write around it.
// Built-ins only (bundled into dist/hook.cjs).
import { existsSync } from 'node:fs';
import { withLockSync } from '../core/lock.mjs';
import { isoWithOffset } from '../core/time.ts';
import type { LogEvent, Status } from '../store/schemas.ts';
import { failedByAgent, type Applied } from './apply.ts';
import { appendEvent, lockFile, readStatusFile, writeStatusFile, type StatusRead } from './files.ts';

/** What the hook learnt from the event (agents/events.ts makes it; the tracker does not depend on that folder). */
export interface AgentReport {
  agent: string;
  event: string;
  state?: 'running' | 'waiting_input' | 'idle' | 'failed' | 'ended';
  message?: string;
  subagent: boolean;
  tool?: string;
  turn?: 'open' | 'close';
  failsInTurn?: boolean;
  thread?: string;
  agentSession?: string;
  /** Extra fields for the log line (the guard's decision, the edited paths). */
  log?: Record<string, unknown>;
}

export interface AgentReporter {
  /** The agent's process, when found; null leaves the recorded pid as it is. */
  pid: number | null;
  /** The pid is the agent itself (found by name): record it even while the recorded one lives. */
  pinPid: boolean;
  host: string;
  alive: (pid: number) => boolean;
  at: string;
  /** When the hook process started, ms since the epoch: the order of the agent's events. */
  startedMs: number;
}

/** What the hook keeps in status.json's metadata between events. */
export interface HookMeta {
  agent?: string;
  event?: string;
  /** The agent's own session (thread) id, from its first event that names one. */
  session?: string;
  /** Gemini: a turn began (BeforeAgent) and has not ended (AfterAgent). */
  turn_open?: boolean;
  /** The last state change to failed came from the agent (so the agent may go on). */
  failed?: boolean;
}

function fresh(workspace: string, sessionId: string): Status {
  return { session_id: sessionId, workspace, state: 'created', task_description: '', progress_pct: 0, message: '', errors: [], started_at: null, last_heartbeat: null, completed_at: null, output_files: [], metadata: {}, pid: null, host: null };
}

/** An agent's failure reported after its session's end: the same ending (it keeps failed). */
const lateFailure = (s: Status, r: AgentReport) => r.state === 'failed' && s.state === 'ended';

/** Why the event changes no state, or null when it does. */
function ignored(s: Status, meta: HookMeta, r: AgentReport, who: AgentReporter): string | null {
  if (r.subagent) return 'subagent';
  if (!r.state) return 'no state';
  // Claude's StopFailure and SessionEnd run in parallel, in either order: the failure counts even when its
  // hook started before the SessionEnd that got there first, and the end that follows keeps it failed.
  if (s.agent_event_at !== undefined && who.startedMs < s.agent_event_at && !lateFailure(s, r)) return 'out of order';
  if (s.state === 'completed') return 'completed';
  // A plan's session whose dependency failed is never started: an agent someone ran there by hand does not unblock it.
  if (s.state === 'blocked') return 'blocked';
  if (s.state === 'failed' && (!failedByAgent(s) || r.state === 'ended')) return 'failed';
  if (r.thread && meta.session && r.thread !== meta.session) return 'another thread';
  // Codex notify comes from a process of its own: one that lands after the session's end is that turn's, not a new one.
  if (r.thread && s.state === 'ended') return 'ended';
  return null;
}

export function applyAgentEvent(prev: StatusRead, workspace: string, sessionId: string, r: AgentReport, who: AgentReporter): Omit<Applied, 'status'> & { status: Status | null } {
  const line: LogEvent = {
    at: who.at,
    event: 'agent',
    session_id: sessionId,
    workspace,
    pid: who.pid,
    agent: r.agent,
    hook_event: r.event,
    ...(r.tool ? { tool: r.tool } : {}),
    ...(r.subagent ? { subagent: true } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(r.log ?? {}),
  } as LogEvent;
  if (prev.kind === 'corrupt') return { status: null, events: [{ ...line, ignored: 'status.json is corrupt' } as LogEvent], marker: null };
  let s = prev.kind === 'ok' ? prev.status : fresh(workspace, sessionId);
  const meta: HookMeta = { ...((s.metadata.agent_hook as HookMeta | undefined) ?? {}) };
  const why = ignored(s, meta, r, who);
  if (why) return { status: null, events: [{ ...line, ignored: why } as LogEvent], marker: null };

  let state = r.state as NonNullable<AgentReport['state']>;
  if (r.failsInTurn && meta.turn_open) state = 'failed';
  const next: HookMeta = { ...meta, agent: r.agent, event: r.event, failed: state === 'failed' };
  // The agent's session is the one its latest hook event names (a new `codex` or `claude` run in the same
  // copy is a new session; notify's title thread fires no hooks).
  if (!r.thread && r.agentSession) next.session = r.agentSession;
  if (r.turn) next.turn_open = r.turn === 'open';
  else if (state === 'ended' || state === 'failed') next.turn_open = false;

  const message = state === 'failed' && r.failsInTurn ? `the agent's session ended during its turn (no AfterAgent): it failed` : r.message;
  const worker = who.pid !== null && (who.pinPid || s.pid === null || s.host !== who.host || !who.alive(s.pid)) ? { pid: who.pid, host: who.host } : { pid: s.pid, host: s.host };
  const startedNow = s.started_at === null || s.state === 'created';
  s = {
    ...s,
    ...worker,
    state,
    message: message ?? (state === 'running' && s.state !== 'running' ? (startedNow ? 'started' : 'working') : s.message),
    started_at: startedNow ? who.at : s.started_at,
    last_heartbeat: who.at,
    completed_at: state === 'failed' || state === 'ended' ? who.at : null,
    errors: state === 'failed' ? [...s.errors, { at: who.at, message: message ?? 'failed' }] : s.errors,
    metadata: { ...s.metadata, agent_hook: next },
    agent_event_at: Math.max(who.startedMs, s.agent_event_at ?? 0),
  };
  return { status: s, events: [{ ...line, pid: worker.pid, state } as LogEvent], marker: null };
}

/**
 * Applies the event to the session in `dir` under the tracker's lock (status.json atomic, one log line).
 * A short lock wait: an agent's hook must not hang on a lock; a timeout throws, and the caller logs it.
 */
export function recordAgentEvent(dir: string, workspace: string, sessionId: string, r: AgentReport, who: Omit<AgentReporter, 'at'>): Status | null {
  if (!existsSync(dir)) throw new Error(`no session folder ${dir}`);
  return withLockSync(
    lockFile(dir),
    () => {
      const prev = readStatusFile(dir);
      const applied = applyAgentEvent(prev, workspace, sessionId, r, { ...who, at: isoWithOffset() });
      const written = applied.status ? writeStatusFile(dir, applied.status, applied.status.last_heartbeat ?? undefined, prev) : null;
      for (const e of applied.events) appendEvent(dir, e);
      return written;
    },
    { timeoutMs: 2000 },
  );
}
