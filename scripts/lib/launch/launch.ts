// make launch: the session's agent in its copy, in a tmux window of its own (one tmux session per
// repository and workspace, one window per kit session, named after it, remain-on-exit), with the
// session's environment and the kit's hooks; recorded in launch.json, status.json and log.jsonl. The
// record is written (pending) before the agent is started, so a launch killed at any point is settled by
// the next one (interrupted.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { rmSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import { errorMessage, OperationError, UsageError } from '../core/errors.mjs';
import { readEnvFile } from '../core/env-file.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { isoWithOffset } from '../core/time.ts';
import { customHook } from '../agents/custom.ts';
import { sessionDir, withStoreLock } from '../store/paths.ts';
import { statusSchema, type LaunchRecord } from '../store/schemas.ts';
import { readRecord } from '../store/paths.ts';
import { findSession } from '../store/sessions.ts';
import { recordLaunch, recordLaunchPid, recordStop } from '../tracker/launch.ts';
import { processAlive } from '../tracker/proc.ts';
import { agentFor } from './agent.ts';
import { firstRunQuestion } from './first-run.ts';
import { envArgv, launchEnv, setNames, windowArgv, withEnvFile } from './command.ts';
import { INSTALL_TMUX, parsePanes, PANE_FORMAT, tmux, tmuxOk, tmuxServer, tmuxSessionName, tmuxVersion, type Pane, type TmuxServer } from './tmux.ts';
import { launchedSince, launchState, readLaunch, writeLaunch, type WindowView } from './windows.ts';
import { PLACEHOLDER, settleInterrupted } from './interrupted.ts';

export interface LaunchInput {
  name: string;
  /** An agent other than the session's own (new-session's agent=): set up now. */
  agent?: string;
  /** The first prompt, given to the agent as an argument (a custom command: PARALLEL_PROMPT). */
  prompt?: string;
  /**
   * Words to run instead of the agent's interactive command, in the same window, copy and environment
   * (the kit's hooks are in the agent's recorded words: start from LaunchPlan.argv to keep them).
   */
  argv?: string[];
  /** Launch only if no launch that started the agent began at or after this time (ISO); AlreadyRunning if one did. */
  unlessLaunchedSince?: string;
}

/** The session's agent already runs in its window (or, with unlessLaunchedSince, was launched since). */
export class AlreadyRunning extends OperationError {}

export interface LaunchResult {
  session: string;
  workspace: string;
  agent: string;
  kind: string;
  window: WindowView;
  pid: number;
  launch_id: string;
  cwd: string;
  argv: string[];
  warnings: string[];
}

/** Whether tmux is there; an OperationError saying how to install it when not. */
export async function requireTmux(env: NodeJS.ProcessEnv): Promise<void> {
  if (!(await tmuxVersion(env))) throw new OperationError(INSTALL_TMUX);
}

/** A one-line refusal when the session's agent already runs: in its window, left behind by it, or started by hand. */
async function refuseRunning(ctx: Context, workspace: string, name: string, server: TmuxServer): Promise<void> {
  const st = await launchState(ctx.root, workspace, name, ctx.env);
  if (st?.window && !st.window.dead) throw new AlreadyRunning(`session ${name} already runs in tmux window ${st.window.target} (pid ${st.window.pid}); make attach name=${name} shows it, make stop name=${name} ends it`);
  if (st?.pids.length) throw new OperationError(`session ${name}'s last launch left processes running (pids ${st.pids.join(', ')}); make stop name=${name} ends them`);
  if (st?.window?.dead) await tmux(serverOf(st.record, server), ['kill-window', '-t', st.window.window_id]);
  const status = readRecord(`${sessionDir(ctx.root, workspace, name)}/status.json`, statusSchema);
  if (status.ok) {
    const s = status.value;
    const open = s.state === 'running' || s.state === 'waiting_input' || s.state === 'idle';
    if (open && s.pid !== null && s.host === hostname() && processAlive(s.pid) && !st) {
      throw new OperationError(`session ${name}'s agent already runs (pid ${s.pid}, started outside make launch); end it there first`);
    }
  }
}

function serverOf(rec: LaunchRecord, fallback: TmuxServer): TmuxServer {
  return { args: ['-S', rec.tmux.socket], env: fallback.env };
}

/** A window in the workspace's tmux session running a placeholder (so remain-on-exit is set before the agent starts). */
async function openWindow(server: TmuxServer, tmuxSession: string, windowName: string, cwd: string): Promise<Pane> {
  const placeholder = PLACEHOLDER;
  const has = await tmux(server, ['has-session', '-t', `=${tmuxSession}`]);
  let out: string | null = null;
  if (has.code !== 0) {
    const made = await tmux(server, ['new-session', '-d', '-s', tmuxSession, '-n', windowName, '-x', '200', '-y', '50', '-c', cwd, '-P', '-F', PANE_FORMAT, '--', ...placeholder]);
    // Another launch made the tmux session a moment ago: add a window to it instead.
    if (made.code === 0) out = made.stdout;
    else if (!/duplicate session/.test(made.stderr)) throw new OperationError(`tmux could not create session ${tmuxSession}: ${made.stderr.trim().split('\n')[0]}`);
  }
  out ??= await tmuxOk(server, ['new-window', '-d', '-t', `=${tmuxSession}:`, '-n', windowName, '-c', cwd, '-P', '-F', PANE_FORMAT, '--', ...placeholder], `open a window in ${tmuxSession}`);
  const pane = parsePanes(out)[0];
  if (!pane) throw new OperationError(`tmux opened a window in ${tmuxSession} but did not say which`);
  return pane;
}

/** Starts the session's agent in its window; refuses (one line) when it already runs or cannot start. */
export async function launchSession(ctx: Context, input: LaunchInput): Promise<LaunchResult> {
  const workspace = ctx.config.workspace;
  const record = findSession(ctx.root, workspace, input.name);
  if (record.state !== 'active') throw new OperationError(`session ${input.name} is ${record.state === 'creating' ? 'still being created' : 'ended'}; make list-sessions shows it`);
  if (input.argv && !input.argv.length) throw new UsageError('argv: expected at least one word');
  await requireTmux(ctx.env);
  const server = tmuxServer(ctx.env);
  const tmuxSession = tmuxSessionName(ctx.main, workspace);
  return withStoreLock(ctx.root, `launch-${workspace}-${input.name}`, async () => {
    await settleInterrupted(ctx.root, workspace, input.name, server, tmuxSession, ctx.env);
    const last = readLaunch(ctx.root, workspace, input.name);
    if (input.unlessLaunchedSince && launchedSince(last, input.unlessLaunchedSince)) throw new AlreadyRunning(`session ${input.name} was launched at ${last?.started_at}; make monitor shows how it stands`);
    await refuseRunning(ctx, workspace, input.name, server);
    const { agent, warnings } = await agentFor(ctx, findSession(ctx.root, workspace, input.name), input.agent);
    const words = input.argv ?? windowArgv(agent.kind, agent.argv, input.prompt);
    const cwd = record.path ?? ctx.main;
    const launchId = randomBytes(8).toString('hex');
    const env = launchEnv({ caller: ctx.env, session: readEnvFile(record.env_file), launchId, prompt: input.prompt, hook: customHook(KIT_DIR) });
    const pane = await openWindow(server, tmuxSession, input.name, cwd);
    const at = server.args.length ? server : { args: ['-S', pane.socket], env: server.env };
    const target = pane.paneId;
    let recorded = false;
    let pending: LaunchRecord | null = null;
    let envFile: string | null = null;
    try {
      for (const [opt, value] of [['remain-on-exit', 'on'], ['automatic-rename', 'off'], ['allow-rename', 'off'], ['@parallel_launch', launchId]] as const) {
        await tmuxOk(at, ['set-option', '-w', '-t', target, opt, value], `set ${opt} on window ${input.name}`);
      }
      // What the server would add to the window's environment beyond ours goes (env -u), so the agent gets exactly ours.
      const extra = [...setNames(await tmuxOk(at, ['show-environment', '-g'], 'read its environment')), ...setNames((await tmux(at, ['show-environment', '-t', `=${tmuxSession}`])).stdout)];
      const stateDir = sessionDir(ctx.root, workspace, input.name);
      const record = (p: Pane, more: Partial<LaunchRecord>): LaunchRecord => ({
        version: 1,
        session: input.name,
        workspace,
        launch_id: launchId,
        agent: agent.name,
        kind: agent.kind,
        argv: words,
        cwd,
        prompt: Boolean(input.prompt),
        tmux: { socket: p.socket, session: tmuxSession, window_id: p.windowId, pane_id: p.paneId },
        pid: p.pid,
        host: hostname(),
        started_at: isoWithOffset(),
        stopped_at: null,
        stop: null,
        ...more,
      });
      // The record first (pending: a launch killed from here on is settled by the next), then the state,
      // then the agent: a hook that reports at once is never overwritten by the launch.
      pending = record(pane, { pending: true });
      writeLaunch(ctx.root, pending);
      const question = firstRunQuestion(agent.kind, cwd, env);
      recordLaunch(stateDir, workspace, input.name, {
        state: question ? 'waiting_input' : input.prompt || agent.kind === 'custom' || input.argv ? 'running' : 'idle',
        pid: pane.pid,
        host: hostname(),
        message: question ?? (input.prompt ? `launched with a prompt in tmux window ${tmuxSession}:${input.name}` : `launched in tmux window ${tmuxSession}:${input.name}; waiting for its first prompt`),
        log: { agent: agent.name, window: `${tmuxSession}:${input.name}`, launch_id: launchId },
      });
      recorded = true;
      const handed = withEnvFile(stateDir, launchId, env);
      envFile = handed.file;
      await tmuxOk(at, ['respawn-pane', '-k', '-t', target, '-c', cwd, '--', ...handed.words, ...envArgv([...new Set(extra)], env, words)], `start ${agent.name} in window ${input.name}`);
      const started = parsePanes(await tmuxOk(at, ['display-message', '-p', '-t', target, PANE_FORMAT], `read window ${input.name}`))[0] ?? pane;
      recordLaunchPid(stateDir, pane.pid, started.pid);
      const rec = record(started, { started_at: pending.started_at });
      writeLaunch(ctx.root, rec);
      const window: WindowView = { target: `${tmuxSession}:${input.name}`, tmux_session: tmuxSession, window_id: started.windowId, pane_id: started.paneId, socket: started.socket, pid: started.pid, dead: started.dead, exit_status: started.exitStatus, focused: started.windowActive && started.attached > 0 };
      return { session: input.name, workspace, agent: agent.name, kind: agent.kind, window, pid: started.pid, launch_id: launchId, cwd, argv: words, warnings };
    } catch (err) {
      // Nothing half-made: a window that did not get its agent goes, and the log says why.
      await tmux(at, ['kill-window', '-t', target]);
      if (envFile) rmSync(envFile, { force: true });
      if (pending) writeLaunch(ctx.root, { ...pending, stopped_at: isoWithOffset(), stop: 'exited' });
      if (recorded) recordStop(sessionDir(ctx.root, workspace, input.name), workspace, input.name, { message: `launch failed: ${errorMessage(err)}` });
      throw err;
    }
  });
}
