// What one tracker event does to a session's status: a pure function (the caller holds the lock and writes).
import { OperationError, UsageError } from '../core/errors.mjs';
import type { LogEvent, Status } from '../store/schemas.ts';
import type { StatusRead } from './files.ts';

export type TrackerEvent =
  | { event: 'start'; description?: string; metadata?: Record<string, unknown> }
  | { event: 'heartbeat'; progressPct?: number; message?: string }
  | { event: 'error'; message: string; progressPct?: number }
  | { event: 'complete'; message?: string; outputFiles?: string[] }
  | { event: 'fail'; message: string; progressPct?: number };

export interface Reporter {
  /** The worker process the event is for. */
  pid: number;
  host: string;
  /** Record `pid` even when the recorded worker is still alive (an explicit pid=). */
  pinPid: boolean;
  /** Whether a recorded pid on this host is a live process. */
  alive: (pid: number) => boolean;
  heartbeatTimeoutS: number;
  at: string;
  nowMs: number;
}

export interface Applied {
  status: Status;
  events: LogEvent[];
  marker: 'completed' | 'failed' | null;
}

/** States of a session whose worker is (or should be) there: running, or an agent waiting for the person or between turns. */
export const OPEN_STATES = ['running', 'waiting_input', 'idle'] as const;

/** A failure an agent's hook recorded (StopFailure, session.error): the agent may go on, and so may the tracker. */
export function failedByAgent(s: Status): boolean {
  const hook = s.metadata.agent_hook as { failed?: unknown } | undefined;
  return s.state === 'failed' && hook?.failed === true;
}

function checkProgress(p: number | undefined): void {
  if (p !== undefined && !(Number.isFinite(p) && p >= 0 && p <= 100)) throw new UsageError(`progress ${p} is out of range: expected a number from 0 to 100`);
}

/** A running session whose worker is alive here, or elsewhere and heartbeating within the timeout. */
export function isLive(s: Status, who: Pick<Reporter, 'host' | 'alive' | 'heartbeatTimeoutS' | 'nowMs'>): boolean {
  if (!(OPEN_STATES as readonly string[]).includes(s.state)) return false;
  if (s.pid !== null && s.host === who.host) return who.alive(s.pid);
  const last = Date.parse(s.last_heartbeat ?? s.started_at ?? '');
  return Number.isFinite(last) && (who.nowMs - last) / 1000 < who.heartbeatTimeoutS;
}

function describe(s: Status, who: Reporter): string {
  const last = Date.parse(s.last_heartbeat ?? '');
  const age = Number.isFinite(last) ? `, last heartbeat ${Math.max(0, Math.round((who.nowMs - last) / 1000))}s ago` : '';
  return `pid ${s.pid ?? '?'} on ${s.host ?? '?'}${age}`;
}

function fresh(workspace: string, sessionId: string): Status {
  return { session_id: sessionId, workspace, state: 'created', task_description: '', progress_pct: 0, message: '', errors: [], started_at: null, last_heartbeat: null, completed_at: null, output_files: [], metadata: {}, pid: null, host: null };
}

function started(prev: Status | null, workspace: string, sessionId: string, who: Reporter, description?: string, metadata?: Record<string, unknown>): Status {
  const base = prev ?? fresh(workspace, sessionId);
  return {
    ...base,
    session_id: sessionId,
    workspace,
    state: 'running',
    task_description: description || base.task_description,
    progress_pct: 0,
    message: 'started',
    errors: [],
    started_at: who.at,
    last_heartbeat: who.at,
    completed_at: null,
    output_files: [],
    metadata: { ...base.metadata, ...(metadata ?? {}) },
    pid: who.pid,
    host: who.host,
  };
}

/** The worker to record: the reporter's when pinned, or when the recorded one is gone or elsewhere. */
function workerOf(s: Status, who: Reporter): { pid: number | null; host: string | null } {
  if (who.pinPid || s.pid === null || s.host !== who.host || !who.alive(s.pid)) return { pid: who.pid, host: who.host };
  return { pid: s.pid, host: s.host };
}

export function applyEvent(prev: StatusRead, workspace: string, sessionId: string, ev: TrackerEvent, who: Reporter): Applied {
  const name = `${workspace}/${sessionId}`;
  const events: LogEvent[] = [];
  const log = (e: Omit<LogEvent, 'at' | 'session_id' | 'workspace' | 'pid'>, pid: number | null) =>
    events.push({ at: who.at, event: e.event, session_id: sessionId, workspace, pid, ...e } as LogEvent);

  if ('progressPct' in ev) checkProgress(ev.progressPct);
  if (ev.event === 'start') {
    const old = prev.kind === 'ok' ? prev.status : null;
    if (old && isLive(old, who) && !(old.pid === who.pid && old.host === who.host)) throw new OperationError(`session ${name} is already running (${describe(old, who)}); pick another session id, or let that one end first`);
    const status = started(old, workspace, sessionId, who, ev.description, ev.metadata);
    log({ event: 'start', host: who.host, message: status.task_description }, who.pid);
    return { status, events, marker: null };
  }

  if (!ev.message && (ev.event === 'error' || ev.event === 'fail')) throw new UsageError(`a message is required for event=${ev.event}`);
  if (prev.kind === 'missing') throw new OperationError(`no session ${name} has started yet; send event=start first`);
  if (prev.kind === 'corrupt') throw new OperationError(`the status.json of session ${name} is corrupt (${prev.error}); send event=start to begin again`);
  let s = prev.status;
  if (s.state === 'completed' || (s.state === 'failed' && !failedByAgent(s))) throw new OperationError(`session ${name} has already ${s.state}; send event=start to run it again`);
  if (s.state === 'blocked') throw new OperationError(`session ${name} is blocked (${s.message || 'what it waits for did not complete'}); send event=start to run it anyway`);
  // A worker that reports is at work: an agent's idle, waiting or ended state (or its own failure) gives way to running.
  if (s.state !== 'created' && s.state !== 'running') s = { ...s, state: 'running', completed_at: null };
  if (s.state === 'created') {
    s = started(s, workspace, sessionId, who);
    log({ event: 'start', host: who.host, message: `${s.task_description} (started by its first ${ev.event})` }, who.pid);
  }
  const worker = workerOf(s, who);
  s = { ...s, ...worker, last_heartbeat: who.at };

  switch (ev.event) {
    case 'heartbeat':
      s = { ...s, progress_pct: ev.progressPct ?? s.progress_pct, message: ev.message ?? s.message };
      log({ event: 'heartbeat', progress_pct: s.progress_pct, ...(ev.message !== undefined ? { message: ev.message } : {}) }, worker.pid);
      return { status: s, events, marker: null };
    case 'error':
      s = { ...s, progress_pct: ev.progressPct ?? s.progress_pct, errors: [...s.errors, { at: who.at, message: ev.message }] };
      log({ event: 'error', message: ev.message }, worker.pid);
      return { status: s, events, marker: null };
    case 'complete':
      s = { ...s, state: 'completed', progress_pct: 100, message: ev.message ?? 'completed', completed_at: who.at, output_files: ev.outputFiles ?? s.output_files };
      log({ event: 'complete', progress_pct: 100, message: s.message, ...(ev.outputFiles ? { output_files: ev.outputFiles } : {}) }, worker.pid);
      return { status: s, events, marker: 'completed' };
    case 'fail':
      s = { ...s, state: 'failed', progress_pct: ev.progressPct ?? s.progress_pct, message: ev.message, completed_at: who.at, errors: [...s.errors, { at: who.at, message: ev.message }] };
      // The worker's own failure is final, whatever an agent's hook said before.
      if (s.metadata.agent_hook) s = { ...s, metadata: { ...s.metadata, agent_hook: { ...(s.metadata.agent_hook as object), failed: false } } };
      log({ event: 'fail', message: ev.message }, worker.pid);
      return { status: s, events, marker: 'failed' };
  }
}

/** end-session's last word: an `ended` event, and completed/failed unless a worker already said so. */
export function applyEnd(prev: StatusRead, workspace: string, sessionId: string, outcome: 'COMPLETED' | 'ABANDONED', at: string): Omit<Applied, 'status'> & { status: Status | null } {
  const ended: LogEvent = { at, event: 'ended', session_id: sessionId, workspace, pid: null, message: outcome };
  // A corrupt status is left as it is (it is evidence); the event and the marker still say how it ended.
  if (prev.kind === 'corrupt') return { status: null, events: [ended], marker: outcome === 'COMPLETED' ? 'completed' : 'failed' };
  const s = prev.kind === 'ok' ? prev.status : fresh(workspace, sessionId);
  if (s.state === 'completed' || s.state === 'failed') return { status: s, events: [ended], marker: s.state };
  const status: Status =
    outcome === 'COMPLETED'
      ? { ...s, state: 'completed', progress_pct: 100, message: 'completed', completed_at: at }
      : { ...s, state: 'failed', message: 'abandoned', completed_at: at, errors: [...s.errors, { at, message: 'abandoned' }] };
  return { status, events: [ended], marker: status.state === 'completed' ? 'completed' : 'failed' };
}
