// What the real-agent tests share: a kit command through make in the agent's clean environment, an
// agent's command line run in its own process group, and the one-line skip when the agent is missing.
import { groupAlive } from '../../../scripts/lib/tracker/proc.ts';
import { spawn, spawnSync } from 'node:child_process';
import { expect, type TestContext } from 'vitest';
import { MAKEFILE } from '../make.ts';
import { hasTmux, whyMissing, type Agent } from './run.ts';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A kit command through make, in the agent's clean environment only (none of the caller's PARALLEL_*). */
export function kitMake(cwd: string, env: Record<string, string>, target: string, vars: Record<string, string | number>): Ran {
  const args = ['-s', '--no-print-directory', '-f', MAKEFILE, target, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('make', args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** kitMake with json=1: it must succeed and print JSON. */
export function kitJson<T>(cwd: string, env: Record<string, string>, target: string, vars: Record<string, string | number>): T {
  const r = kitMake(cwd, env, target, { ...vars, json: 1 });
  expect(r.code, r.stderr).toBe(0);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`make ${target} json=1 printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}


/**
 * Runs argv (stdin /dev/null) in its own process group, killed with whatever it left when it ends. `graceMs`:
 * the hooks an agent started and did not wait for (OpenCode's plugin forwards events without waiting) get
 * that long to finish, as they would on a person's machine, before the group is killed.
 */
export function runArgv(argv: string[], cwd: string, env: Record<string, string>, timeoutMs = 90_000, graceMs = 0): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    child.on('error', (e) => resolve({ code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', async (code) => {
      clearTimeout(timer);
      for (const end = Date.now() + graceMs; Date.now() < end && groupAlive(child.pid!); ) await new Promise((r) => setTimeout(r, 50));
      kill();
      resolve({ code, stdout, stderr });
    });
  });
}

/** Skips the test with one line when the agent (or, for an interactive test, tmux) is missing. */
export function skipWithout(ctx: TestContext, agent: Agent, tmux = false): void {
  const why = whyMissing(agent) ?? (tmux && !hasTmux() ? 'tmux is not installed (apt-get install tmux)' : null);
  if (why) ctx.skip(why);
}
