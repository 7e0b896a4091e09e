// make stop: ends a launched agent and proves it by pid. First the agent's own way out (its quit keys in
// the window; SIGTERM for a custom command), then SIGTERM to whatever is left, then SIGKILL after the
// timeout; each pass looks again for every process of the launch (tree, process groups, the marker in
// the environment), so a daemon that left the window is found too. Recorded in launch.json and the log.
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { isoWithOffset } from '../core/time.ts';
import { sessionDir, withStoreLock } from '../store/paths.ts';
import type { LaunchRecord, TrackerState } from '../store/schemas.ts';
import { findSession } from '../store/sessions.ts';
import { recordStop } from '../tracker/launch.ts';
import { ancestry, launchProcesses, processTable, signalAll, type Proc } from './procs.ts';
import { serverAt, tmux } from './tmux.ts';
import { readLaunch, windowOf, writeLaunch, type WindowView } from './windows.ts';
import { requireTmux } from './launch.ts';

export const STOP_TIMEOUT_S = 10;

export interface StopOptions {
  /** Seconds from the start of the stop to SIGKILL (default 10): half for the agent's own exit, half for SIGTERM. */
  timeoutS?: number;
}

export interface StopResult {
  session: string;
  /** exited: nothing was running any more; graceful: the agent's own exit; terminated: SIGTERM; killed: SIGKILL. */
  stop: NonNullable<LaunchRecord['stop']>;
  /** Every process of the launch seen while stopping it (all gone now). */
  pids: number[];
  window: string | null;
  state: TrackerState | null;
}

/** The keys that make each agent's interactive interface quit by itself (sent to its window, literally as keys). */
export function quitKeys(kind: string): string[][] | null {
  switch (kind) {
    case 'claude':
    case 'codex':
    case 'gemini':
    case 'opencode':
      // The first Ctrl-C interrupts or clears the input and asks for a second one, which quits.
      return [['C-c'], ['C-c']];
    default:
      return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `find` finds nothing, or the deadline; returns what is left. */
async function waitGone(find: () => Promise<Proc[]>, until: number): Promise<Proc[]> {
  for (;;) {
    const left = await find();
    if (!left.length || Date.now() >= until) return left;
    await sleep(100);
  }
}

/** Ends the session's launched agent; an OperationError when it was not launched or something outlived SIGKILL. */
export async function stopSession(ctx: Context, name: string, opts: StopOptions = {}): Promise<StopResult> {
  const workspace = ctx.config.workspace;
  findSession(ctx.root, workspace, name);
  const timeoutMs = (opts.timeoutS ?? STOP_TIMEOUT_S) * 1000;
  return withStoreLock(ctx.root, `launch-${workspace}-${name}`, async () => {
    const rec = readLaunch(ctx.root, workspace, name);
    if (!rec) throw new OperationError(`session ${name} was never launched; make launch name=${name} starts its agent`);
    if (rec.stopped_at) throw new OperationError(`session ${name} is not running (stopped at ${rec.stopped_at}); make launch name=${name} starts it again`);
    // Its window (the agent's own way out, and closing it) is reached through tmux.
    await requireTmux(ctx.env);
    const server = serverAt(rec.tmux.socket, ctx.env);
    const window: WindowView | null = windowOf(ctx.root, workspace, name, ctx.env);
    const spare = ancestry(await processTable(), process.pid);
    const roots = window && !window.dead ? [window.pid] : [];
    const seen = new Set<number>();
    const find = async () => {
      const found = launchProcesses(await processTable(), roots, rec.launch_id, spare);
      for (const p of found) seen.add(p.pid);
      return found;
    };
    const started = Date.now();
    let how: StopResult['stop'] = 'exited';
    let left = await find();
    if (left.length) {
      how = 'graceful';
      const keys = window && !window.dead ? quitKeys(rec.kind) : null;
      if (keys) {
        for (const k of keys) {
          await tmux(server, ['send-keys', '-t', window!.pane_id, ...k]);
          await sleep(250);
        }
      } else {
        signalAll(left.map((p) => p.pid), 'SIGTERM');
      }
      left = await waitGone(find, started + timeoutMs / 2);
    }
    if (left.length) {
      how = 'terminated';
      signalAll(left.map((p) => p.pid), 'SIGTERM');
      left = await waitGone(find, started + timeoutMs);
    }
    if (left.length) {
      how = 'killed';
      signalAll(left.map((p) => p.pid), 'SIGKILL');
      left = await waitGone(find, Date.now() + 3000);
    }
    if (window) await tmux(server, ['kill-window', '-t', window.window_id]);
    const at = isoWithOffset();
    writeLaunch(ctx.root, { ...rec, stopped_at: at, stop: how });
    const pids = [...seen].sort((a, b) => a - b);
    const status = recordStop(sessionDir(ctx.root, workspace, name), workspace, name, {
      message: how === 'exited' ? 'its agent had exited; make stop closed its window' : `stopped by make stop (${how})`,
      log: { how, pids, ...(left.length ? { left: left.map((p) => p.pid) } : {}), ...(window ? { window: window.target } : {}) },
    });
    if (left.length) throw new OperationError(`session ${name}: ${left.map((p) => `${p.pid} (${p.comm})`).join(', ')} outlived SIGKILL (another user's, or stuck in the kernel); end them by hand`);
    return { session: name, stop: how, pids, window: window?.target ?? null, state: status?.state ?? null };
  });
}

