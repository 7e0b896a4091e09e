// Where a launched session's agent is: launch.json, the tmux window it names (checked by the marker the
// window carries, so a reused window id on a restarted server is never taken for it), and its processes.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/files.ts';
import { launchRecordSchema, type LaunchRecord } from '../store/schemas.ts';
import { readRecord, sessionDir } from '../store/paths.ts';
import { launchProcesses, processTable } from './procs.ts';
import { listPanes, serverAt, type Pane } from './tmux.ts';

export const LAUNCH_FILE = 'launch.json';

export function launchFile(root: string, workspace: string, session: string): string {
  return join(sessionDir(root, workspace, session), LAUNCH_FILE);
}

/** The session's launch record, or null when it was never launched (or the file is unreadable). */
export function readLaunch(root: string, workspace: string, session: string): LaunchRecord | null {
  const r = readRecord(launchFile(root, workspace, session), launchRecordSchema);
  return r.ok ? r.value : null;
}

export function writeLaunch(root: string, record: LaunchRecord): void {
  writeJsonAtomic(launchFile(root, record.workspace, record.session), record);
}

/** Whether the record is of a launch that began at or after `iso` and started its agent (not one cut short before that). */
export function launchedSince(rec: LaunchRecord | null, iso: string): boolean {
  return rec !== null && !rec.pending && Date.parse(rec.started_at) >= Date.parse(iso);
}

/** A launched session's window, as the dashboard and the notifications see it. */
export interface WindowView {
  /** `<tmux session>:<window name>`, what tmux attach -t and select-window -t take. */
  target: string;
  tmux_session: string;
  window_id: string;
  pane_id: string;
  /** The tmux server's socket: `tmux -S <socket> attach -t <target>`. */
  socket: string;
  /** The window's first process. */
  pid: number;
  /** The agent has exited and the window shows its exit status (remain-on-exit). */
  dead: boolean;
  exit_status: number | null;
  /** The window is the one shown in its tmux session, and a client (a person's terminal) is attached to it. */
  focused: boolean;
}

function viewOf(rec: LaunchRecord, pane: Pane): WindowView {
  return {
    target: `${pane.session}:${pane.windowName}`,
    tmux_session: pane.session,
    window_id: pane.windowId,
    pane_id: pane.paneId,
    socket: rec.tmux.socket,
    pid: pane.pid,
    dead: pane.dead,
    exit_status: pane.exitStatus,
    focused: pane.windowActive && pane.attached > 0,
  };
}

/** The record's pane among `panes`: its id and the launch's marker must both match. */
function paneOf(rec: LaunchRecord, panes: readonly Pane[]): Pane | null {
  return panes.find((p) => p.paneId === rec.tmux.pane_id && p.launchId === rec.launch_id) ?? null;
}

/** The window of a launched session, or null (never launched, stopped, or its window closed). */
export function windowOf(root: string, workspace: string, session: string, env: NodeJS.ProcessEnv): WindowView | null {
  const rec = readLaunch(root, workspace, session);
  if (!rec || rec.stopped_at) return null;
  const pane = paneOf(rec, listPanes(serverAt(rec.tmux.socket, env)));
  return pane ? viewOf(rec, pane) : null;
}

/**
 * Whether a person is looking at the session's window: it is the active window of its tmux session and
 * a client is attached to that session (tmux's #{window_active} and #{session_attached}). False when the
 * session has no window.
 */
export function isFocused(root: string, workspace: string, session: string, env: NodeJS.ProcessEnv): boolean {
  return windowOf(root, workspace, session, env)?.focused ?? false;
}

/** The windows of many sessions at once (one tmux call per server): `<workspace>/<session>` -> window. */
export function windowsOf(root: string, sessions: readonly { workspace: string; session: string }[], env: NodeJS.ProcessEnv): Map<string, WindowView> {
  const records = sessions.map((s) => readLaunch(root, s.workspace, s.session)).filter((r): r is LaunchRecord => r !== null && !r.stopped_at);
  const panesBy = new Map<string, Pane[]>();
  for (const r of records) if (!panesBy.has(r.tmux.socket)) panesBy.set(r.tmux.socket, listPanes(serverAt(r.tmux.socket, env)));
  const out = new Map<string, WindowView>();
  for (const r of records) {
    const pane = paneOf(r, panesBy.get(r.tmux.socket) as Pane[]);
    if (pane) out.set(`${r.workspace}/${r.session}`, viewOf(r, pane));
  }
  return out;
}

/** What runs of a launch: its window (alive or dead), and the pids still alive (the window's and any that left it). */
export interface LaunchState {
  record: LaunchRecord;
  window: WindowView | null;
  pids: number[];
}

/** A launch that is not stopped: its window and its live processes. */
export async function launchState(root: string, workspace: string, session: string, env: NodeJS.ProcessEnv): Promise<LaunchState | null> {
  const record = readLaunch(root, workspace, session);
  if (!record || record.stopped_at) return null;
  const window = windowOf(root, workspace, session, env);
  // Not the recorded pid on its own: once the agent is gone that number may be anyone's. The window's pane
  // (checked by its marker) and the marker in the environment are what make a process this launch's.
  const roots = window && !window.dead ? [window.pid] : [];
  const pids = record.host === hostname() ? launchProcesses(await processTable(), roots, record.launch_id).map((p) => p.pid) : [];
  return { record, window, pids };
}
