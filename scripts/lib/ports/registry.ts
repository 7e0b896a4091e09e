// Ports leased on this machine: each state folder that leases a port is remembered in one machine-wide
// list, whose lock is held from reading every live session's port to writing the new lease.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import { withLock } from '../core/lock.mjs';
import { liveSessions, readSessions } from '../store/sessions.ts';
import { RESERVED_WORKSPACES } from '../store/constants.ts';
import { listDirs } from '../store/paths.ts';


/** PARALLEL_PORT_REGISTRY, else $XDG_STATE_HOME (or ~/.local/state)/parallel-kit/roots. */
export function registryFile(env: NodeJS.ProcessEnv): string {
  if (env.PARALLEL_PORT_REGISTRY) return resolve(env.PARALLEL_PORT_REGISTRY);
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'parallel-kit', 'roots');
}

/** The remembered state folders; `null` when the list exists but cannot be read (it must then not be rewritten). */
function readRoots(file: string): string[] | null {
  try {
    return [...new Set(readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean))];
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? [] : null;
  }
}

/**
 * Whether a remembered state folder is gone for good: only "no such file or folder" says so. A folder
 * that cannot be looked at right now (no permission, a mount away, a symbolic link loop) is kept.
 */
export function stateFolderGone(path: string): boolean {
  try {
    statSync(path);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

/** Ports of the live sessions of every remembered state folder, this one included, in every workspace. */
function portsLeasedOnMachine(roots: readonly string[]): Set<number> {
  const ports = new Set<number>();
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const ws of listDirs(root).filter((w) => !(RESERVED_WORKSPACES as readonly string[]).includes(w))) {
      for (const r of liveSessions(readSessions(root, ws).records)) ports.add(r.port);
    }
  }
  return ports;
}

export interface MachineLease<T> {
  value: T;
  /** Set when the machine-wide registry could not be used: ports are then unique within this state folder only. */
  warning: string | null;
}

/**
 * Runs fn while holding the machine-wide lease lock, with the ports that live sessions hold on this
 * machine (every remembered state folder, every workspace, this one included); this state folder is
 * remembered first. fn must write its lease before it returns: the next leaser, in any repository,
 * waits for the lock and then sees it. Keep fn short (bind tests, a record write).
 */
export async function withMachineLease<T>(root: string, env: NodeJS.ProcessEnv, fn: (leased: Set<number>) => Promise<T>): Promise<MachineLease<T>> {
  const file = registryFile(env);
  const me = resolve(root);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    const warning = `could not use the machine-wide port registry ${file} (${(err as Error).message}); ports are unique within this repository only`;
    return { value: await fn(portsLeasedOnMachine([me])), warning };
  }
  return withLock(`${file}.lock`, async () => {
    const roots = readRoots(file);
    if (roots === null) {
      const warning = `could not read the machine-wide port registry ${file}; ports are unique within this repository only`;
      return { value: await fn(portsLeasedOnMachine([me])), warning };
    }
    // Read under the lock, pruned of the folders that are gone, written whole: the list never grows stale.
    const kept = roots.filter((r) => r === me || !stateFolderGone(r));
    if (!kept.includes(me)) kept.push(me);
    let warning: string | null = null;
    try {
      if (kept.join('\n') !== roots.join('\n')) writeFileAtomic(file, `${kept.join('\n')}\n`);
    } catch (err) {
      warning = `could not write the machine-wide port registry ${file} (${(err as Error).message}); other repositories will not see this session's port`;
    }
    return { value: await fn(portsLeasedOnMachine(kept)), warning };
  });
}
