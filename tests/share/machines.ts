// Two laptops and a shared remote, all real git on one host: a bare repository on disk as the remote,
// two clones with different machine names (git config parallel.machine; each makes its own id).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { DEFAULT_CONFIG, gitIn, makeRepo, originOf, tempDir } from '../helpers/repo.ts';
import { kit, type MakeResult } from '../helpers/make.ts';

export const RACE_COMPONENTS = Array.from({ length: 20 }, (_, i) => `c${i}`);

/** The committed config: sharing on origin, a short share_interval, and a component per race round. */
export const SHARE_CONFIG = `${DEFAULT_CONFIG.replace(/^copy:/m, `${RACE_COMPONENTS.map((c) => `  ${c}: { paths: [${c}/] }\n`).join('')}copy:`)}share: origin\nshare_interval: 3\n`;

const checkouts: string[] = [];

/**
 * The background publishers new-session started in these checkouts (each names itself in its lock): asked
 * to stop, and waited for, before the temporary folders go (registered after repo.ts's cleanup, so run before it).
 */
afterAll(async () => {
  const locks = checkouts.map((c) => join(c, '.parallel', 'locks', 'share-publisher.lock'));
  for (const lock of locks) {
    try {
      process.kill((JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid, 'SIGTERM');
    } catch {
      /* none running */
    }
  }
  for (let i = 0; i < 300 && locks.some((l) => existsSync(l)); i++) await new Promise((r) => setTimeout(r, 100));
});

export interface Laptops {
  a: string;
  b: string;
  bare: string;
}

export function laptops(config: string | null = SHARE_CONFIG): Laptops {
  const a = makeRepo({ origin: true, config });
  const bare = originOf(a);
  const b = join(tempDir('kit-laptop-b-'), 'repo');
  gitIn(tempDir('kit-x-'), 'clone', '-q', bare, b);
  gitIn(a, 'config', 'parallel.machine', 'laptop-a');
  gitIn(b, 'config', 'parallel.machine', 'laptop-b');
  checkouts.push(a, b);
  return { a, b, bare };
}

/** bin/kit COMMAND ... json=1 in `cwd`, parsed. */
export function kitJson<T = unknown>(cwd: string, command: string, vars: Record<string, string | number> = {}): { r: MakeResult; data: T } {
  const r = kit(cwd, command, { ...vars, json: 1 });
  let data: T;
  try {
    data = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`${command} json=1 printed no JSON (exit ${r.exit}):\n${r.stdout}\n${r.stderr}`);
  }
  return { r, data };
}

/** Starts a session, failing the test when it fails. */
export function start(cwd: string, name: string, component: string, vars: Record<string, string | number> = {}): MakeResult {
  const r = kit(cwd, 'new-session', { name, component, ...vars });
  expect(r.exit, r.stderr).toBe(0);
  return r;
}

/** The remote's refs under refs/parallel/: ref -> commit. */
export function remoteRefs(bare: string): Record<string, string> {
  const out = gitIn(bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/parallel/');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

/** The JSON blob of a ref on the remote. */
export function remoteBlob(bare: string, ref: string, file: string): Record<string, unknown> {
  return JSON.parse(gitIn(bare, 'show', `${ref}:${file}`)) as Record<string, unknown>;
}
