// SessionTracker: writes one session's status.json and log.jsonl. Node built-ins only (bundled into dist/track.mjs).
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { OperationError, UsageError } from '../core/errors.mjs';
import { withLockSync } from '../core/lock.mjs';
import type { LogEvent, Status } from '../store/schemas.ts';
import { isoWithOffset } from '../core/time.ts';
import { applyEnd, applyEvent, type Applied, type TrackerEvent } from './apply.ts';
import { HEARTBEAT_TIMEOUT_S } from '../store/constants.ts';
import { appendEvent, clearMarkers, lockFile, readStatusFile, writeMarker, writeStatusFile, type StatusRead } from './files.ts';
import { sessionDir } from '../store/paths.ts';
import { checkId, locate } from './locate.ts';
import { inAgentPidNamespace, processAlive } from './proc.ts';

export interface TrackerOptions {
  sessionId: string;
  workspace: string;
  /** The state folder; by default PARALLEL_DIR, the session environment file, or <main checkout>/.parallel. */
  root?: string;
  /** The worker process to report for (default: this process). */
  pid?: number;
  /** Record `pid` on every event, even while the recorded worker is alive (default: only at start, or when it is gone). */
  pinPid?: boolean;
  /** How long a running session on another host counts as live without a heartbeat, for start's check (default 300). */
  heartbeatTimeoutS?: number;
  /**
   * Whether a recorded pid on this host is a live process (default: it is in /proc; inside an agent's own PID
   * namespace every recorded pid counts as live, so a `make track` from Codex's sandbox keeps the agent's pid
   * its hooks recorded instead of putting the sandbox's pid 2 in its place).
   */
  alive?: (pid: number) => boolean;
}

const HOST = hostname();
/** The largest pid_t: no process id is larger on any system. */
const MAX_PID = 2 ** 31 - 1;

export class SessionTracker {
  readonly root: string;
  readonly workspace: string;
  readonly sessionId: string;
  /** The session's folder: <root>/<workspace>/<sessionId>. */
  readonly dir: string;
  private readonly pid: number;
  private readonly pinPid: boolean;
  private readonly heartbeatTimeoutS: number;
  private readonly alive: (pid: number) => boolean;

  constructor(opts: TrackerOptions) {
    checkId('workspace', opts.workspace);
    checkId('session', opts.sessionId);
    this.workspace = opts.workspace;
    this.sessionId = opts.sessionId;
    // The public API's default: the calling process's own session (PARALLEL_DIR, its session env file).
    this.root = opts.root ?? locate({}, process.cwd(), process.env).root;
    this.dir = sessionDir(this.root, this.workspace, this.sessionId);
    this.pid = opts.pid ?? process.pid;
    if (!Number.isSafeInteger(this.pid) || this.pid < 1 || this.pid > MAX_PID) throw new UsageError(`pid=${this.pid}: expected a process id from 1 to ${MAX_PID}`);
    this.pinPid = opts.pinPid ?? false;
    this.heartbeatTimeoutS = opts.heartbeatTimeoutS ?? HEARTBEAT_TIMEOUT_S;
    this.alive = opts.alive ?? (inAgentPidNamespace() ? () => true : processAlive);
  }

  /** Starts (or restarts) the session; refuses while a live session of this id is running. */
  start(description = '', metadata: Record<string, unknown> = {}): Status {
    return this.apply({ event: 'start', description, metadata });
  }

  heartbeat(opts: { progressPct?: number; message?: string } = {}): Status {
    return this.apply({ event: 'heartbeat', progressPct: opts.progressPct, message: opts.message });
  }

  /** A non-fatal error: recorded in `errors` and the log; the session keeps running. */
  error(message: string, opts: { progressPct?: number } = {}): Status {
    return this.apply({ event: 'error', message, progressPct: opts.progressPct });
  }

  complete(opts: { outputFiles?: string[]; message?: string } = {}): Status {
    return this.apply({ event: 'complete', outputFiles: opts.outputFiles, message: opts.message });
  }

  fail(message: string, opts: { progressPct?: number } = {}): Status {
    return this.apply({ event: 'fail', message, progressPct: opts.progressPct });
  }

  /** The status as last written, or null when the session has none (or it is unreadable). */
  read(): Status | null {
    const r = readStatusFile(this.dir);
    return r.kind === 'ok' ? r.status : null;
  }

  apply(ev: TrackerEvent): Status {
    if (ev.event !== 'start' && !existsSync(this.dir)) {
      throw new OperationError(`no session ${this.workspace}/${this.sessionId} in ${this.root}; send event=start first`);
    }
    return withLockSync(lockFile(this.dir), () => {
      const now = new Date();
      const prev = readStatusFile(this.dir);
      const applied = applyEvent(prev, this.workspace, this.sessionId, ev, {
        pid: this.pid,
        host: HOST,
        pinPid: this.pinPid,
        alive: this.alive,
        heartbeatTimeoutS: this.heartbeatTimeoutS,
        at: isoWithOffset(now),
        nowMs: now.getTime(),
      });
      return write(this.dir, applied, ev.event === 'start', prev) ?? applied.status;
    });
  }
}

/** Status first (what readers look at), then the log, then the marker. `prev`: the status.json read under the same lock, if any. */
function write(dir: string, applied: Omit<Applied, 'status'> & { status: Status | null }, restart: boolean, prev?: StatusRead): Status | null {
  const written = applied.status ? writeStatusFile(dir, applied.status, applied.events[0]?.at, prev) : null;
  if (restart) clearMarkers(dir);
  for (const e of applied.events) appendEvent(dir, e);
  if (applied.marker) writeMarker(dir, applied.marker, applied.events[applied.events.length - 1]?.at ?? isoWithOffset());
  return written;
}

/** new-session's first status: state `created` (no worker yet) and a `created` event. */
export function initSessionStatus(root: string, workspace: string, sessionId: string, description: string, metadata: Record<string, unknown>): void {
  const dir = sessionDir(root, workspace, sessionId);
  withLockSync(lockFile(dir), () => {
    const at = isoWithOffset();
    const status: Status = { session_id: sessionId, workspace, state: 'created', task_description: description, progress_pct: 0, message: '', errors: [], started_at: null, last_heartbeat: null, completed_at: null, output_files: [], metadata, pid: null, host: null };
    write(dir, { status, events: [{ at, event: 'created', session_id: sessionId, workspace, pid: null, message: description }], marker: null }, true);
  });
}

/** A coordinator's event in the session's log (sync, finish): appended, the status left as it is. */
export function recordSessionEvent(root: string, workspace: string, sessionId: string, event: { event: LogEvent['event']; message: string; result?: string }): void {
  appendEvent(sessionDir(root, workspace, sessionId), { at: isoWithOffset(), session_id: sessionId, workspace, ...event });
}

/** end-session's record: an `ended` event; completed (COMPLETED) or failed 'abandoned' (ABANDONED) unless already ended. */
export function endSessionStatus(root: string, workspace: string, sessionId: string, outcome: 'COMPLETED' | 'ABANDONED'): void {
  const dir = sessionDir(root, workspace, sessionId);
  withLockSync(lockFile(dir), () => {
    const prev = readStatusFile(dir);
    write(dir, applyEnd(prev, workspace, sessionId, outcome, isoWithOffset()), false, prev);
  });
}

/** A plan's session that will never start (a dependency did not complete): state `blocked`, a `blocked` event. Only from `created`. */
export function blockSessionStatus(root: string, workspace: string, sessionId: string, reason: string): boolean {
  const dir = sessionDir(root, workspace, sessionId);
  return withLockSync(lockFile(dir), () => {
    const prev = readStatusFile(dir);
    if (prev.kind !== 'ok' || prev.status.state !== 'created') return false;
    const at = isoWithOffset();
    write(dir, { status: { ...prev.status, state: 'blocked', message: reason }, events: [{ at, event: 'blocked', session_id: sessionId, workspace, pid: null, message: reason }], marker: null }, false, prev);
    return true;
  });
}

/** A headless agent's final answer (its stdout) in the session's log: an `answer` event, the status left as it is. */
export function recordAnswer(root: string, workspace: string, sessionId: string, answer: string, exitCode: number | null): void {
  appendEvent(sessionDir(root, workspace, sessionId), { at: isoWithOffset(), event: 'answer', session_id: sessionId, workspace, pid: null, message: answer, exit_code: exitCode } as LogEvent);
}
