// make attach: which tmux command shows a session's window (or the workspace's tmux session) to the
// person: switch-client inside tmux on the same server, attach-session otherwise. The command script
// runs it with the terminal; here the window is chosen and selected.
import { findSession } from '../store/sessions.ts';
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { listDirs, workspaceDir } from '../store/paths.ts';
import { serverAt, tmux, tmuxOk, tmuxServer, tmuxSessionName } from './tmux.ts';
import { readLaunch, windowOf } from './windows.ts';
import { requireTmux } from './launch.ts';

export interface AttachCommand {
  /** tmux's words (the server's -S first). */
  args: string[];
  /** The environment to run tmux with (TMUX unset for a nested attach from another server's window). */
  env: NodeJS.ProcessEnv;
  /** switch: the tmux client the caller sits in moves there; attach: this terminal becomes a client. */
  how: 'switch' | 'attach';
  target: string;
}

/** The socket of the tmux client the caller runs in ($TMUX is "<socket>,<pid>,<session>"), or null outside tmux. */
function clientSocket(env: NodeJS.ProcessEnv): string | null {
  const t = env.TMUX;
  return t ? (t.split(',')[0] ?? null) : null;
}

function command(env: NodeJS.ProcessEnv, socket: string, target: string): AttachCommand {
  const inside = clientSocket(env);
  if (inside === socket) return { args: ['-S', socket, 'switch-client', '-t', target], env, how: 'switch', target };
  const { TMUX: _t, TMUX_PANE: _p, ...outside } = env;
  return { args: ['-S', socket, 'attach-session', '-t', target], env: outside, how: 'attach', target };
}

/** The command that shows session `name`'s window, or (no name) the workspace's tmux session. */
export async function attachCommand(ctx: Context, name?: string): Promise<AttachCommand> {
  const workspace = ctx.config.workspace;
  if (name) findSession(ctx.root, workspace, name); // an unknown name says so, as make launch and make stop do
  // Without tmux every window looks gone: say what is missing instead.
  await requireTmux(ctx.env);
  if (name) {
    const w = windowOf(ctx.root, workspace, name, ctx.env);
    if (!w) throw new OperationError(`session ${name} has no tmux window (not launched, stopped, or its window was closed); make launch name=${name} starts it`);
    await tmuxOk(serverAt(w.socket, ctx.env), ['select-window', '-t', w.window_id], `select window ${w.target}`);
    return command(ctx.env, w.socket, w.window_id);
  }
  const tmuxSession = tmuxSessionName(ctx.main, workspace);
  // The server of the workspace's latest launch, else the one make launch would use now.
  const launches = listDirs(workspaceDir(ctx.root, workspace))
    .map((s) => readLaunch(ctx.root, workspace, s))
    .filter((r) => r !== null)
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
  const sockets = [...new Set(launches.map((r) => r.tmux.socket))];
  for (const socket of sockets) {
    if ((await tmux(serverAt(socket, ctx.env), ['has-session', '-t', `=${tmuxSession}`])).code === 0) return command(ctx.env, socket, `=${tmuxSession}`);
  }
  const server = tmuxServer(ctx.env);
  const here = await tmux(server, ['display-message', '-p', '-t', `=${tmuxSession}`, '#{socket_path}']);
  if (here.code === 0 && here.stdout.trim()) return command(ctx.env, here.stdout.trim(), `=${tmuxSession}`);
  throw new OperationError(`no agent runs in tmux for workspace ${workspace} (no tmux session ${tmuxSession}); make launch name=NAME starts one`);
}
