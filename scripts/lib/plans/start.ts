// How the orchestrator starts a session (headless: a detached runner; interactive: its tmux window) and
// how `make up` without wait=1 puts the orchestrator itself in the background.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_DIR } from '../core/kit-dir.ts';
import type { Context } from '../config/context.ts';
import type { PlanEntry } from './state.ts';
import { spawnRunner, type Starter } from './orchestrate.ts';
import { headlessCommand, inWorkspace } from './up.ts';

export function planStarter(base: Context, workspace: string, interactive: (ctx: Context, entry: PlanEntry) => Promise<void> | void): Starter {
  const ctx = inWorkspace(base, workspace);
  return {
    headless: async (entry) => {
      const { argv } = await headlessCommand(ctx, workspace, entry);
      spawnRunner(KIT_DIR, ctx.env, ctx.root, workspace, entry, argv);
    },
    interactive: (entry) => interactive(ctx, entry),
  };
}

export const orchestratorLog = (root: string, workspace: string) => join(root, 'plans', `${workspace}.log`);

/** The orchestrator's command: make up's own bundle, on the workspace's plan state, in the foreground. */
export function orchestratorArgv(main: string, workspace: string): string[] {
  return [process.execPath, join(KIT_DIR, 'dist', 'cmd', 'up.mjs'), `workspace=${workspace}`, 'wait=1', `repo=${main}`];
}

/** Starts the orchestrator as a process of its own (its own session), its output in plans/<workspace>.log. */
export function startInBackground(ctx: Context, workspace: string): { pid: number; log: string } {
  const log = orchestratorLog(ctx.root, workspace);
  mkdirSync(join(ctx.root, 'plans'), { recursive: true });
  const fd = openSync(log, 'a');
  const [cmd, ...args] = orchestratorArgv(ctx.main, workspace);
  const child = spawn(cmd as string, args, { cwd: ctx.main, env: ctx.env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.on('error', () => undefined);
  child.unref();
  return { pid: child.pid ?? 0, log };
}
