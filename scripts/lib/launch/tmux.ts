// Talking to tmux: which server (a socket), one command as an argument array, its answer. Never a shell:
// every word is an argument of tmux, and the window's command is given as words after `--`.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { OperationError } from '../core/errors.mjs';
import { run, type RunResult } from '../core/exec.ts';

/** The tmux server make launch uses: tmux's own arguments that pick it, and the environment tmux runs with. */
export interface TmuxServer {
  /** `-S <socket path>`, `-L <name>`, or nothing (tmux's default: $TMUX inside tmux, else $TMUX_TMPDIR/tmux-<uid>/default). */
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The variable that picks another tmux server: a socket name (tmux -L) or, with a `/`, a socket path (tmux -S). */
export const TMUX_SOCKET_VAR = 'PARALLEL_TMUX_SOCKET';

export const INSTALL_TMUX = 'tmux is not installed; install it (apt-get install tmux, dnf install tmux, brew install tmux) and try again';

/** The server for a new launch, from the caller's environment. */
export function tmuxServer(env: NodeJS.ProcessEnv): TmuxServer {
  const pick = env[TMUX_SOCKET_VAR];
  const args = pick ? (pick.includes('/') ? ['-S', pick] : ['-L', pick]) : [];
  return { args, env };
}

/** The server a launch record names by its socket path (the same server whatever the caller's environment). */
export function serverAt(socket: string, env: NodeJS.ProcessEnv): TmuxServer {
  return { args: ['-S', socket], env };
}

/** Runs one tmux command; resolves with its answer (a missing tmux: code 127). */
export async function tmux(server: TmuxServer, args: readonly string[]): Promise<RunResult> {
  try {
    return await run('tmux', [...server.args, ...args], { env: server.env });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { code: 127, stdout: '', stderr: INSTALL_TMUX };
    throw err;
  }
}

/** Runs one tmux command and returns its stdout; a failure is an OperationError naming what was done. */
export async function tmuxOk(server: TmuxServer, args: readonly string[], doing: string): Promise<string> {
  const r = await tmux(server, args);
  if (r.code === 127) throw new OperationError(INSTALL_TMUX);
  if (r.code !== 0) throw new OperationError(`tmux could not ${doing}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit code ${r.code}`}`);
  return r.stdout;
}

/** Whether tmux runs here (`tmux -V`), and its version. */
export async function tmuxVersion(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await tmux({ args: [], env }, ['-V']);
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * The tmux session of a repository's workspace: `<repo>-<workspace>`, in the characters tmux keeps in a
 * name (no `.` or `:`), with a short hash of the main checkout's path so two repositories of the same
 * name never share one.
 */
export function tmuxSessionName(main: string, workspace: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
  const hash = createHash('sha256').update(main).digest('hex').slice(0, 6);
  return `${clean(basename(main))}-${clean(workspace)}-${hash}`;
}

/** Fields of list-panes and display-message, in one format: tab-separated, in this order. */
export const PANE_FIELDS = [
  'socket_path',
  'session_name',
  'window_id',
  'window_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'window_active',
  'session_attached',
  '@parallel_launch',
] as const;

export const PANE_FORMAT = PANE_FIELDS.map((f) => `#{${f}}`).join('\t');

export interface Pane {
  socket: string;
  session: string;
  windowId: string;
  windowName: string;
  paneId: string;
  pid: number;
  dead: boolean;
  exitStatus: number | null;
  windowActive: boolean;
  attached: number;
  launchId: string;
}

export function parsePanes(text: string): Pane[] {
  const out: Pane[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length !== PANE_FIELDS.length) continue;
    const [socket, session, windowId, windowName, paneId, pid, dead, status, active, attached, launchId] = f as string[] as [string, string, string, string, string, string, string, string, string, string, string];
    out.push({ socket, session, windowId, windowName, paneId, pid: Number(pid), dead: dead === '1', exitStatus: dead === '1' && status !== '' ? Number(status) : null, windowActive: active === '1', attached: Number(attached) || 0, launchId });
  }
  return out;
}

/**
 * Every pane of a server (empty when no server runs there, or no tmux). Synchronous, so that the
 * monitor's snapshot stays one synchronous read: tmux answers in a few milliseconds.
 */
export function listPanes(server: TmuxServer): Pane[] {
  const r = spawnSync('tmux', [...server.args, 'list-panes', '-a', '-F', PANE_FORMAT], { env: server.env, encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? parsePanes(r.stdout) : [];
}
