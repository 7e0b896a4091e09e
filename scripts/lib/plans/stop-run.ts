// make stop on a plan's headless session: its detached runner's process group (plan-run.json names the pid;
// the runner leads the group, the agent in it) gets SIGTERM; the runner records failed "stopped (SIGTERM)",
// so what waits for the session is blocked; after the timeout, SIGKILL to the whole group. The pid counts only while it is still this session's runner (its command line says so).
import { groupAlive } from '../tracker/proc.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { sessionDir } from '../store/paths.ts';
import { inspectSession } from '../monitor/monitor.ts';
import type { StopResult } from '../launch/stop.ts';
import { RUN_CLAIM, RUN_EXIT } from './runner.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The runner's pid while it runs this session's folder, else null. */
function runnerPid(dir: string): number | null {
  if (!existsSync(join(dir, RUN_CLAIM)) || existsSync(join(dir, RUN_EXIT))) return null;
  try {
    const pid = (JSON.parse(readFileSync(join(dir, RUN_CLAIM), 'utf8')) as { pid?: unknown }).pid;
    if (typeof pid !== 'number' || pid <= 1) return null;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('plan-runner.mjs')) && argv.includes(dir) ? pid : null;
  } catch {
    return null;
  }
}


/** Stops the session's headless run, or returns null when it has none running. */
export async function stopHeadlessRun(ctx: Context, name: string, timeoutS: number): Promise<StopResult | null> {
  const dir = sessionDir(ctx.root, ctx.config.workspace, name);
  const pid = runnerPid(dir);
  if (pid === null) return null;
  let stop: StopResult['stop'] = 'terminated';
  // The whole group, as a terminal's Ctrl-C would: the runner records the stop, and what the agent started ends too.
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return { session: name, stop: 'exited', pids: [pid], window: null, state: inspectSession(ctx.root, ctx.config.workspace, name).tracker_state };
    }
  }
  const end = Date.now() + timeoutS * 1000;
  while (Date.now() < end && groupAlive(pid)) await sleep(100);
  if (groupAlive(pid)) {
    stop = 'killed';
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100);
  }
  const view = inspectSession(ctx.root, ctx.config.workspace, name);
  return { session: name, stop, pids: [pid], window: null, state: view.tracker_state };
}
