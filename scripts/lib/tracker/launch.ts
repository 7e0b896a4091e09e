// What make launch and make stop record in a session's status and log (scripts/lib/launch/ runs them).
// Built-ins only, like the rest of the tracker.
import { existsSync } from 'node:fs';
import { withLockSync } from '../core/lock.mjs';
import { isoWithOffset } from '../core/time.ts';
import type { LogEvent, Status } from '../store/schemas.ts';
import { OPEN_STATES } from './apply.ts';
import { appendEvent, clearMarkers, lockFile, readStatusFile, writeStatusFile } from './files.ts';

export interface LaunchReport {
  /** running (a prompt was given, or a custom command), idle (an agent waiting for its first prompt), waiting_input (a first-run question). */
  state: 'running' | 'idle' | 'waiting_input';
  pid: number;
  host: string;
  message: string;
  /** Extra fields for the log line (the window, the agent). */
  log?: Record<string, unknown>;
}

function fresh(workspace: string, sessionId: string): Status {
  return { session_id: sessionId, workspace, state: 'created', task_description: '', progress_pct: 0, message: '', errors: [], started_at: null, last_heartbeat: null, completed_at: null, output_files: [], metadata: {}, pid: null, host: null };
}

/**
 * A new run of the session's agent: its state, its process, a `launch` line. A run after an earlier one
 * (completed, failed, ended) starts over, as a tracker start does: markers cleared, the hook's memory of
 * the previous agent (its session id, an open turn, its failure) dropped.
 */
export function recordLaunch(dir: string, workspace: string, sessionId: string, r: LaunchReport): Status {
  if (!existsSync(dir)) throw new Error(`no session folder ${dir}`);
  return withLockSync(lockFile(dir), () => {
    const at = isoWithOffset();
    const prev = readStatusFile(dir);
    const base = prev.kind === 'ok' ? prev.status : fresh(workspace, sessionId);
    const { agent_hook: _dropped, ...metadata } = base.metadata;
    const status: Status = { ...base, state: r.state, message: r.message, errors: [], started_at: at, last_heartbeat: at, completed_at: null, output_files: [], progress_pct: 0, metadata, pid: r.pid, host: r.host };
    const written = writeStatusFile(dir, status, at);
    clearMarkers(dir);
    appendEvent(dir, { at, event: 'launch', session_id: sessionId, workspace, pid: r.pid, host: r.host, message: r.message, state: r.state, ...(r.log ?? {}) } as LogEvent);
    return written;
  });
}

export interface StopReport {
  message: string;
  log?: Record<string, unknown>;
}

/**
 * make stop's record: a `stop` line, and `ended` for a session whose agent was still open (running,
 * waiting for input, idle, or not reporting yet). A completed or failed session keeps its state.
 */
export function recordStop(dir: string, workspace: string, sessionId: string, r: StopReport): Status | null {
  if (!existsSync(dir)) return null;
  return withLockSync(lockFile(dir), () => {
    const at = isoWithOffset();
    const prev = readStatusFile(dir);
    let status: Status | null = null;
    if (prev.kind === 'ok') {
      const s = prev.status;
      const open = s.state === 'created' || (OPEN_STATES as readonly string[]).includes(s.state);
      status = open ? { ...s, state: 'ended', message: r.message, completed_at: at, last_heartbeat: at } : s;
      if (open) status = writeStatusFile(dir, status, at);
    }
    appendEvent(dir, { at, event: 'stop', session_id: sessionId, workspace, pid: null, message: r.message, ...(status ? { state: status.state } : {}), ...(r.log ?? {}) } as LogEvent);
    return status;
  });
}

/** The agent's process once its window runs it: replaces the placeholder's pid, unless a hook has recorded the agent already. */
export function recordLaunchPid(dir: string, placeholder: number, pid: number): void {
  withLockSync(lockFile(dir), () => {
    const prev = readStatusFile(dir);
    if (prev.kind === 'ok' && prev.status.pid === placeholder) writeStatusFile(dir, { ...prev.status, pid });
  });
}
