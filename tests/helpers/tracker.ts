// Helpers for tracker and monitor tests: the prebuilt tracker command, live and dead worker processes, raw files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { KIT_DIR, MAKEFILE } from './make.ts';

export const TRACK = join(KIT_DIR, 'dist', 'track.mjs');
export const INDEX = join(KIT_DIR, 'dist', 'index.mjs');

/** Builds dist/ when its sources changed (what make does before `make track`). */
export function ensureBuilt(): void {
  const r = spawnSync('make', ['-s', '-f', MAKEFILE, 'build'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make build failed: ${r.stderr}`);
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** node dist/track.mjs k=v ..., run directly in `cwd`. */
export function track(cwd: string, vars: Record<string, string | number>, env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(process.execPath, [TRACK, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A worker that is a shell script (a file run by sh): it reports, then prints its own pid. */
export function shellWorker(cwd: string, script: string, env: NodeJS.ProcessEnv = {}): { code: number; pid: number; stderr: string } {
  const file = join(cwd, `worker-${process.pid}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, `${script}\necho "pid=$$"\n`);
  const r = spawnSync('sh', [file], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  const m = /pid=(\d+)/.exec(r.stdout);
  return { code: r.status ?? 1, pid: m ? Number(m[1]) : -1, stderr: r.stderr };
}

const living: ChildProcess[] = [];
afterAll(async () => {
  for (const c of living.splice(0)) await killAndReap(c);
});

/** `child`, killed after the test file if it still runs. */
export function reapAfterAll<T extends ChildProcess>(child: T): T {
  living.push(child);
  return child;
}

/** A process that lives until killed (at the latest after the test file): a stand-in for a worker. */
export function sleeper(): ChildProcess & { pid: number } {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  if (!child.pid) throw new Error('could not start sleep');
  return reapAfterAll(child as ChildProcess & { pid: number });
}

export function killAndReap(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export const statusPath = (root: string, ws: string, id: string) => join(root, ws, id, 'status.json');

export function readStatus(root: string, ws: string, id: string): Record<string, unknown> & { state: string; pid: number | null; errors: { at: string; message: string }[] } {
  return JSON.parse(readFileSync(statusPath(root, ws, id), 'utf8'));
}

export function readLog(root: string, ws: string, id: string): Record<string, unknown>[] {
  const file = join(root, ws, id, 'log.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** A status.json written by hand (timestamps in the past, another host, ...). */
export function writeStatus(root: string, ws: string, id: string, fields: Record<string, unknown>): void {
  const now = new Date().toISOString();
  const status = {
    session_id: id,
    workspace: ws,
    state: 'running',
    task_description: 'hand-made',
    progress_pct: 10,
    message: 'working',
    errors: [],
    started_at: now,
    last_heartbeat: now,
    completed_at: null,
    output_files: [],
    metadata: {},
    pid: null,
    host: null,
    ...fields,
  };
  mkdirSync(join(root, ws, id), { recursive: true });
  writeFileSync(statusPath(root, ws, id), `${JSON.stringify(status, null, 2)}\n`);
}

export const agoIso = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
