// The processes of a launched agent, by pid: the window's process, everything below it, everyone in their
// process groups, and anything that kept the launch's marker in its environment (a daemon that left the
// tree, as Codex's app-server can). Linux reads /proc; elsewhere `ps` gives the tree and the groups.
import { readdirSync, readFileSync } from 'node:fs';
import { run } from '../core/exec.ts';
import { LAUNCH_ID_VAR } from './command.ts';

export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  /** One letter: R, S, D, Z, T, ... (Z and X are gone for us). */
  state: string;
  comm: string;
}

/** "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): Proc | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  const pid = Number(text.slice(0, open).trim());
  return { pid, comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]), pgid: Number(rest[2]) };
}

function readProc(): Proc[] | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const out: Proc[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const p = parseStat(readFileSync(`/proc/${n}/stat`, 'utf8'));
      if (p) out.push(p);
    } catch {
      /* gone meanwhile */
    }
  }
  return out.length ? out : null;
}

async function readPs(): Promise<Proc[]> {
  const r = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,comm=']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5)
    .map(([pid, ppid, pgid, stat, ...comm]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), state: (stat ?? '?')[0] ?? '?', comm: comm.join(' ') }));
}

/** Every process of the machine (that this user may see). */
export async function processTable(): Promise<Proc[]> {
  return readProc() ?? (await readPs());
}

const gone = (p: Proc) => p.state === 'Z' || p.state === 'X';

/** Whether /proc/<pid>/environ holds the marker (false where it cannot be read). */
function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(marker);
  } catch {
    return false;
  }
}

/**
 * The live processes of a launch: `roots` (the window's process) and their descendants, the members of
 * their process groups, every process whose environment holds PARALLEL_LAUNCH_ID=<launchId>, and theirs.
 * `spare` (the caller and its ancestors) is never in it, so that make stop typed in the window ends the rest.
 */
export function launchProcesses(table: readonly Proc[], roots: readonly number[], launchId: string, spare: ReadonlySet<number> = new Set()): Proc[] {
  const live = table.filter((p) => !gone(p));
  const byPid = new Map(live.map((p) => [p.pid, p]));
  const children = new Map<number, Proc[]>();
  for (const p of live) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const marker = Buffer.from(`${LAUNCH_ID_VAR}=${launchId}\0`);
  const found = new Set<number>();
  const add = (pid: number) => {
    const stack = [pid];
    while (stack.length) {
      const at = stack.pop() as number;
      if (found.has(at) || !byPid.has(at)) continue;
      found.add(at);
      for (const c of children.get(at) ?? []) stack.push(c.pid);
    }
  };
  for (const r of roots) add(r);
  for (const p of live) if (!found.has(p.pid) && p.pid > 1 && hasMarker(p.pid, marker.toString())) add(p.pid);
  const groups = new Set([...found].map((pid) => byPid.get(pid)?.pgid).filter((g): g is number => g !== undefined && g > 1));
  for (const p of live) if (groups.has(p.pgid)) add(p.pid);
  return [...found].filter((pid) => !spare.has(pid)).map((pid) => byPid.get(pid) as Proc);
}

/** A process and its ancestors (the caller of make stop, which must not end itself). */
export function ancestry(table: readonly Proc[], pid: number): Set<number> {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const out = new Set<number>();
  for (let at: number | undefined = pid; at !== undefined && at > 1 && !out.has(at); at = byPid.get(at)?.ppid) out.add(at);
  return out;
}

/** Sends a signal to each pid; the ones already gone are skipped. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone, or not ours */
    }
  }
}
