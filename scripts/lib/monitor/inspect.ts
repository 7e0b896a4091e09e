// A session's status, classified (running, stale, crashed, timed out, ...): Node built-ins only, no zod, so
// list-sessions loads none; monitor.ts reads status.json with the zod schema, inspectSessionQuick without.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Status, TrackerState } from '../store/schemas.ts';
import type { ReadResult } from '../store/paths.ts';
import { readStatusQuick } from '../store/quick.ts';
import { HEARTBEAT_TIMEOUT_S, LOG_FILE, SESSION_TIMEOUT_S, STATUS_FILE } from '../store/constants.ts';
import { processAlive } from '../tracker/proc.ts';

export const MONITOR_STATES = ['created', 'running', 'waiting_input', 'idle', 'completed', 'failed', 'ended', 'timed_out', 'stale', 'crashed', 'corrupt', 'blocked'] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];
/**
 * States a session does not leave by itself: `wait=1` stops waiting for it. An agent waiting for the person
 * (waiting_input) or between turns (idle) is still open; `ended` (its session ended without an explicit
 * complete) is finished but not completed, so `wait=1` exits 1 for it.
 */
export const ENDED_STATES: readonly MonitorState[] = ['completed', 'failed', 'ended', 'timed_out', 'stale', 'crashed', 'corrupt', 'blocked'];

export interface ClassifyOptions {
  /** No heartbeat for this long: stale (default 300 s). */
  heartbeatTimeoutS?: number;
  /** Running for longer than this: timed_out (default 4 h). */
  sessionTimeoutS?: number;
  /** The clock, in ms (tests pass a fixed one). */
  now?: () => number;
}

export interface SessionView {
  workspace: string;
  session_id: string;
  state: MonitorState;
  /** Why the state is crashed, stale, timed_out or corrupt; null otherwise. */
  reason: string | null;
  tracker_state: TrackerState | null;
  task_description: string;
  progress_pct: number | null;
  message: string;
  errors: number;
  last_error: { at: string; message: string } | null;
  started_at: string | null;
  last_heartbeat: string | null;
  completed_at: string | null;
  heartbeat_age_s: number | null;
  pid: number | null;
  host: string | null;
  output_files: string[];
  metadata: Record<string, unknown>;
  /** The agent the session runs: make launch's, else new-session's agent=, else the one whose hook reported; null for none. */
  agent: string | null;
  /** When the session entered its state (a derived one, crashed or stale: its last report); null when not known. */
  state_since: string | null;
  state_for_s: number | null;
  /** Its tmux window when make launch started it (filled by the `windows` lookup of MonitorOptions); null otherwise. */
  window: WindowRef | null;
}

/** What the monitor shows of a launched session's window (scripts/lib/launch/windows.ts gives more). */
export interface WindowRef {
  target: string;
  dead: boolean;
  exit_status: number | null;
  focused: boolean;
}

/** Looks up the windows of many sessions at once: `<workspace>/<session>` -> window. */
export type WindowLookup = (sessions: readonly { workspace: string; session: string }[]) => Map<string, WindowRef>;

const HOST = hostname();
const ageS = (iso: string | null, nowMs: number) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? Math.max(0, (nowMs - t) / 1000) : null;
};
const span = (s: number) => (s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`);

/**
 * crashed (its process is gone here) > timed_out > stale > running. An agent waiting for the person is
 * never stale (a person may take their time) but crashed when its process is gone; an agent between turns
 * whose process is gone has ended (OpenCode, for one, sends no event when it exits), not crashed. Other
 * tracker states as they are.
 */
export function classify(s: Status, opts: ClassifyOptions = {}, alive: (pid: number) => boolean = processAlive): { state: MonitorState; reason: string | null } {
  const gone = s.pid !== null && s.host === HOST && (s.state === 'running' || s.state === 'waiting_input' || s.state === 'idle') && !alive(s.pid);
  if (gone && s.state === 'idle') return { state: 'ended', reason: `its process ${s.pid} exited after its turn` };
  if (gone) return { state: 'crashed', reason: `its process ${s.pid} is gone` };
  if (s.state !== 'running') return { state: s.state, reason: null };
  const nowMs = (opts.now ?? Date.now)();
  const limit = opts.sessionTimeoutS ?? SESSION_TIMEOUT_S;
  const running = ageS(s.started_at, nowMs);
  if (running !== null && running > limit) return { state: 'timed_out', reason: `running for ${span(running)}; limit ${span(limit)}` };
  const hbLimit = opts.heartbeatTimeoutS ?? HEARTBEAT_TIMEOUT_S;
  const quiet = ageS(s.last_heartbeat ?? s.started_at, nowMs);
  if (quiet === null || quiet > hbLimit) return { state: 'stale', reason: quiet === null ? 'no heartbeat recorded' : `no heartbeat for ${span(quiet)}; limit ${span(hbLimit)}` };
  return { state: 'running', reason: null };
}

function blank(workspace: string, sessionId: string, state: MonitorState, reason: string | null): SessionView {
  return { workspace, session_id: sessionId, state, reason, tracker_state: null, task_description: '', progress_pct: null, message: '', errors: 0, last_error: null, started_at: null, last_heartbeat: null, completed_at: null, heartbeat_age_s: null, pid: null, host: null, output_files: [], metadata: {}, agent: null, state_since: null, state_for_s: null, window: null };
}

const named = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** launch.json's agent, else session.json's, else the hook's (an agent started by hand that reports). */
function agentOf(dir: string, s: Status | null): string | null {
  for (const file of ['launch.json', 'session.json']) {
    try {
      const a = named((JSON.parse(readFileSync(join(dir, file), 'utf8')) as { agent?: unknown }).agent);
      if (a) return a;
    } catch {
      /* absent or unreadable: the next one */
    }
  }
  return named((s?.metadata.agent_hook as { agent?: unknown } | undefined)?.agent);
}

/** When the session entered `state`: status.json's state_since, or for older files the nearest time it has. */
function sinceOf(s: Status, state: MonitorState): string | null {
  if (state !== s.state) return s.last_heartbeat ?? s.started_at;
  if (s.state_since) return s.state_since;
  if (s.state === 'running') return s.started_at;
  if (s.state === 'completed' || s.state === 'failed' || s.state === 'ended') return s.completed_at;
  return s.state === 'created' ? null : s.last_heartbeat;
}

/** One session, classified from its status.json as read (`r`); `null` for a folder that holds no session (neither status, record nor log). */
export function viewOfFolder(root: string, workspace: string, sessionId: string, r: ReadResult<Status>, opts: ClassifyOptions): SessionView | null {
  const dir = join(root, workspace, sessionId);
  if (!r.ok) {
    if (!r.missing) return blank(workspace, sessionId, 'corrupt', r.error);
    if (existsSync(join(dir, 'session.json'))) return { ...blank(workspace, sessionId, 'created', null), message: 'not reporting yet', agent: agentOf(dir, null) };
    if (existsSync(join(dir, LOG_FILE))) return blank(workspace, sessionId, 'corrupt', `${join(dir, STATUS_FILE)} is missing`);
    return null;
  }
  const s = r.value;
  if (s.session_id !== sessionId || s.workspace !== workspace) {
    return blank(workspace, sessionId, 'corrupt', `${join(dir, STATUS_FILE)} names session ${s.workspace}/${s.session_id}, not its folder's`);
  }
  const { state, reason } = classify(s, opts);
  const nowMs = (opts.now ?? Date.now)();
  const since = sinceOf(s, state);
  return {
    workspace,
    session_id: sessionId,
    state,
    reason,
    tracker_state: s.state,
    task_description: s.task_description,
    progress_pct: s.progress_pct,
    message: s.message,
    errors: s.errors.length,
    last_error: s.errors[s.errors.length - 1] ?? null,
    started_at: s.started_at,
    last_heartbeat: s.last_heartbeat,
    completed_at: s.completed_at,
    heartbeat_age_s: ageS(s.last_heartbeat, nowMs),
    pid: s.pid,
    host: s.host,
    output_files: s.output_files,
    metadata: s.metadata,
    agent: agentOf(dir, s),
    state_since: since,
    state_for_s: ageS(since, nowMs),
    window: null,
  };
}

/** A missing session: no files at all. */
export function missingView(root: string, workspace: string, sessionId: string): SessionView {
  return blank(workspace, sessionId, 'corrupt', `${join(root, workspace, sessionId, STATUS_FILE)} is missing`);
}

/** inspectSession (monitor.ts) with status.json read by the quick check, zod only for a file it does not pass. */
export async function inspectSessionQuick(root: string, workspace: string, sessionId: string, opts: ClassifyOptions = {}): Promise<SessionView> {
  const r = await readStatusQuick(join(root, workspace, sessionId, STATUS_FILE));
  return viewOfFolder(root, workspace, sessionId, r, opts) ?? missingView(root, workspace, sessionId);
}
