// How the orchestrator starts a session (headless: a detached runner; interactive: its tmux window) and
// how `make up` without wait=1 puts the orchestrator itself in the background.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stillRuns } from './owner.ts';
import { readPlanState } from './state.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import type { Context } from '../config/context.ts';
import { launchSession } from '../launch/launch.ts';
import { passedEnv, withEnvFile } from '../launch/command.ts';
import { tmux, tmuxOk, tmuxServer, tmuxSessionName, tmuxVersion } from '../launch/tmux.ts';
import { spawnRunner, type Starter } from './orchestrate.ts';
import { headlessCommand, inWorkspace } from './up.ts';

/** Headless: the detached runner; interactive: make launch's window, with the prompt as its first. */
export function planStarter(base: Context, workspace: string): Starter {
  const ctx = inWorkspace(base, workspace);
  return {
    headless: async (entry) => {
      const { argv } = await headlessCommand(ctx, workspace, entry);
      return spawnRunner(KIT_DIR, ctx.env, ctx.root, workspace, entry, argv);
    },
    interactive: async (entry, since) => {
      await launchSession(ctx, { name: entry.name, prompt: entry.prompt.trim() ? entry.prompt : undefined, unlessLaunchedSince: since });
    },
  };
}

export const orchestratorLog = (root: string, workspace: string) => join(root, 'plans', `${workspace}.log`);

/** The orchestrator's command: make up's own bundle, on the workspace's plan state, in the foreground. */
export function orchestratorArgv(main: string, workspace: string): string[] {
  return [process.execPath, join(KIT_DIR, 'dist', 'cmd', 'up.mjs'), `workspace=${workspace}`, 'wait=1', `repo=${main}`];
}

/**
 * The orchestrator's window in the workspace's tmux session (beside its sessions' windows): no session
 * name holds a '~', and unlike a leading '+' (tmux's "next window") it means nothing in a tmux target.
 */
export const PLAN_WINDOW = 'plan~';

/** Starts the orchestrator in its own tmux window; null when tmux is not installed. */
export async function startInTmux(ctx: Context, workspace: string): Promise<{ target: string } | null> {
  if (!(await tmuxVersion(ctx.env))) return null;
  const server = tmuxServer(ctx.env);
  const session = tmuxSessionName(ctx.main, workspace);
  const handed = withEnvFile(join(ctx.root, 'plans'), `${workspace}-${process.pid}-${Date.now()}`, passedEnv(ctx.env));
  const words = ['-n', PLAN_WINDOW, '-c', ctx.main, '--', ...handed.words, ...orchestratorArgv(ctx.main, workspace)];
  try {
    const made = (await tmux(server, ['has-session', '-t', `=${session}`])).code === 0 ? null : await tmux(server, ['new-session', '-d', '-s', session, '-x', '200', '-y', '50', ...words]);
    if (!made || made.code !== 0) await tmuxOk(server, ['new-window', '-d', '-t', `=${session}:`, ...words], `open the plan's window in ${session}`);
  } catch (err) {
    rmSync(handed.file, { force: true });
    throw err;
  }
  return { target: `${session}:${PLAN_WINDOW}` };
}

/** Starts the orchestrator as a process of its own (its own session), its output in plans/<workspace>.log. */
export function startInBackground(ctx: Context, workspace: string): { pid: number; log: string } {
  const log = orchestratorLog(ctx.root, workspace);
  mkdirSync(join(ctx.root, 'plans'), { recursive: true });
  const fd = openSync(log, 'a');
  const [cmd, ...args] = orchestratorArgv(ctx.main, workspace);
  const child = spawn(cmd as string, args, { cwd: ctx.main, env: passedEnv(ctx.env), stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.on('error', () => undefined);
  child.unref();
  return { pid: child.pid ?? 0, log };
}

/** Makes sure an orchestrator watches the workspace's plan: the live one, else a new one in tmux (or the background). */
export async function ensureOrchestrator(ctx: Context, workspace: string): Promise<string> {
  const o = readPlanState(ctx.root, workspace).orchestrator;
  if (o && stillRuns(o)) return `the plan's orchestrator already runs (pid ${o.pid}); it picks up the sessions`;
  const win = await startInTmux(ctx, workspace);
  if (win) return `the orchestrator runs in tmux window ${win.target} (make attach${workspace === ctx.config.workspace ? '' : ` workspace=${workspace}`} shows the workspace's windows)`;
  const bg = startInBackground(ctx, workspace);
  return `the orchestrator runs in the background (pid ${bg.pid}; tmux is not installed); its log: ${bg.log}`;
}
