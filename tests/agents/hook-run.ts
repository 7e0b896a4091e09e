// Running the real dist/hook.cjs as the agents do: a process, the JSON on stdin, a clean environment.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KIT_DIR } from '../helpers/make.ts';

export const HOOK = join(KIT_DIR, 'dist', 'hook.cjs');

/** The test's environment without any PARALLEL_* of a session the tests themselves may run in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARALLEL_')));
  return { ...env, ...extra };
}

export interface HookRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** node dist/hook.cjs ...args, with `stdin` (an object is sent as JSON). */
export function hook(args: string[], stdin: string | object, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): HookRun {
  const input = typeof stdin === 'string' ? stdin : JSON.stringify(stdin);
  const r = spawnSync(process.execPath, [HOOK, ...args], { input, cwd: opts.cwd, env: cleanEnv(opts.env), encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
