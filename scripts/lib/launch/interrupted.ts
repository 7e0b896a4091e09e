// A launch cut short (its process killed between opening the window and recording the agent: kill -9 of
// make launch or of the plan's orchestrator) leaves a window that still runs the placeholder, or a
// launch.json still pending. The next launch of the session settles it first, under the session's launch
// lock: a window running the placeholder goes (no agent ever ran in it); a pending record whose window
// runs something else is completed (its agent started: it is kept, and its pid recorded); a pending
// record whose window is gone is closed.
import { isoWithOffset } from '../core/time.ts';
import { sessionDir } from '../store/paths.ts';
import { recordLaunchPid, recordStop } from '../tracker/launch.ts';
import { tmux, type TmuxServer } from './tmux.ts';
import { readLaunch, windowOf, writeLaunch } from './windows.ts';

/** What a new window runs until the agent is started in it (respawn-pane), so remain-on-exit is set first. */
export const PLACEHOLDER = ['sleep', '2147483'];

/** Kills the windows named `name` in the tmux session that run the placeholder. */
async function clearPlaceholders(server: TmuxServer, tmuxSession: string, name: string): Promise<void> {
  const format = `#{window_id}\t#{window_name}\t#{==:#{pane_start_command},${PLACEHOLDER.join(' ')}}`;
  const r = await tmux(server, ['list-panes', '-s', '-t', `=${tmuxSession}`, '-F', format]);
  if (r.code !== 0) return;
  for (const line of r.stdout.split('\n')) {
    const [id, window, placeholder] = line.split('\t');
    if (id && window === name && placeholder === '1') await tmux(server, ['kill-window', '-t', id]);
  }
}

/** Settles what an interrupted launch of the session left (see above); call under its launch lock. */
export async function settleInterrupted(root: string, workspace: string, name: string, server: TmuxServer, tmuxSession: string, env: NodeJS.ProcessEnv): Promise<void> {
  await clearPlaceholders(server, tmuxSession, name);
  const rec = readLaunch(root, workspace, name);
  if (!rec?.pending || rec.stopped_at) return;
  const dir = sessionDir(root, workspace, name);
  const window = windowOf(root, workspace, name, env);
  if (window) {
    const { pending: _done, ...complete } = rec;
    writeLaunch(root, { ...complete, pid: window.pid });
    recordLaunchPid(dir, rec.pid, window.pid);
    return;
  }
  writeLaunch(root, { ...rec, stopped_at: isoWithOffset(), stop: 'exited' });
  recordStop(dir, workspace, name, { message: 'its launch was cut short before its agent started' });
}
