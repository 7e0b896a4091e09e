// Ports leased by the other repositories' sessions on this machine: each state folder that leases a port
// is remembered in one machine-wide list, and their live sessions' ports count as taken.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import { withLockSync } from '../core/lock.mjs';
import { liveSessions, readSessions } from '../store/sessions.ts';
import { listDirs } from '../store/paths.ts';

const NOT_WORKSPACES = new Set(['locks', 'archive', 'tmp']);

/** PARALLEL_PORT_REGISTRY, else $XDG_STATE_HOME (or ~/.local/state)/parallel-kit/roots. */
export function registryFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARALLEL_PORT_REGISTRY) return resolve(env.PARALLEL_PORT_REGISTRY);
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'parallel-kit', 'roots');
}

function readRoots(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Ports of the live sessions of every other remembered state folder (folders that are gone are skipped). */
export function portsLeasedElsewhere(root: string, env: NodeJS.ProcessEnv = process.env): Set<number> {
  const ports = new Set<number>();
  for (const other of readRoots(registryFile(env))) {
    if (other === resolve(root) || !existsSync(other)) continue;
    for (const ws of listDirs(other).filter((w) => !NOT_WORKSPACES.has(w))) {
      for (const r of liveSessions(readSessions(other, ws).records)) ports.add(r.port);
    }
  }
  return ports;
}

/** Adds this state folder to the machine-wide list (and drops folders that no longer exist). */
export function rememberRoot(root: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = registryFile(env);
  try {
    mkdirSync(dirname(file), { recursive: true });
    withLockSync(`${file}.lock`, () => {
      const roots = readRoots(file);
      const me = resolve(root);
      const kept = roots.filter((r) => r === me || existsSync(r));
      if (!kept.includes(me)) kept.push(me);
      if (kept.join('\n') !== roots.join('\n')) writeFileAtomic(file, `${kept.join('\n')}\n`);
    }, { timeoutMs: 5000 });
  } catch {
    /* a read-only home: leases stay per repository, the bind test still guards running servers */
  }
}
