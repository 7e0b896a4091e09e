// Runs the kit's real make targets, as a user would, in a target repository.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KIT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAKEFILE = join(KIT_DIR, 'Makefile');

export interface MakeResult {
  /** make's own exit code: 0, or 2 whenever the command failed (make's rule). */
  code: number;
  /** The command's exit code, from make's "*** [...] Error N" line (1 failed operation, 2 bad usage, 124 timeout). */
  exit: number;
  stdout: string;
  /** The command's stderr, without make's own "make: ***" line. */
  stderr: string;
}

function result(code: number, stdout: string, stderr: string): MakeResult {
  const m = /^make(?:\[\d+\])?: \*\*\* \[.*\] Error (\d+)$/m.exec(stderr);
  const exit = code === 0 ? 0 : m ? Number(m[1]) : code;
  return { code, exit, stdout, stderr: stderr.replace(/^make(\[\d+\])?: \*\*\* .*\n?/gm, '') };
}

export const KIT_BIN = join(KIT_DIR, 'bin', 'kit');

/** bin/kit command k=v ...: the command run directly, with its own exit code. */
export function kit(cwd: string, command: string, vars: Record<string, string | number> = {}, env: NodeJS.ProcessEnv = {}): MakeResult {
  const r = spawnSync(KIT_BIN, [command, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return result(r.status ?? 1, r.stdout, r.stderr);
}

function argv(target: string, vars: Record<string, string | number>): string[] {
  return ['-s', '--no-print-directory', '-f', MAKEFILE, ...(target ? [target] : []), ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
}

/** `make -f <kit>/Makefile target k=v ...` run in `cwd` (the target repository by default). */
export function make(cwd: string, target: string, vars: Record<string, string | number> = {}, env: NodeJS.ProcessEnv = {}): MakeResult {
  const r = spawnSync('make', argv(target, vars), { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return result(r.status ?? 1, r.stdout, r.stderr);
}

/** The same, without blocking: for running several at once. */
export function makeAsync(cwd: string, target: string, vars: Record<string, string | number> = {}, env: NodeJS.ProcessEnv = {}): Promise<MakeResult> {
  return new Promise((resolve) => {
    const child = spawn('make', argv(target, vars), { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve(result(code ?? 1, stdout, stderr)));
  });
}

/** make ... json=1, parsed; fails the test with make's stderr when the output is not JSON. */
export function makeJson<T = unknown>(cwd: string, target: string, vars: Record<string, string | number> = {}, env: NodeJS.ProcessEnv = {}): { code: number; exit: number; data: T; stderr: string } {
  const r = make(cwd, target, { ...vars, json: 1 }, env);
  try {
    return { code: r.code, exit: r.exit, data: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`make ${target} json=1 printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * A text with the kit's canonical `make <command>` hints as the kit prints them to a reader whose folder
 * has no kit block in its Makefile and whose environment has no PARALLEL_KIT: bin/kit by its path.
 */
export function asPrinted(canonical: string): string {
  return canonical.replace(/\bmake (?=(?:init|new-session|adopt|list-sessions|ports|end-session|track|monitor|demo|sync|sync-all|conflicts|finish-session|bench)(?![\w-]))/g, `${KIT_BIN} `);
}

/** bin/kit command args... without blocking (a model server in this process keeps answering), in exactly `env`. */
export function kitIn(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(KIT_BIN, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
