// Which process a tracker reports for, and whether a recorded process is still there. Node built-ins only.
import { readFileSync } from 'node:fs';
import { pidAlive } from '../core/lock.mjs';

interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  /** When it started, in clock ticks since boot: with the pid, names one process (a pid is reused, this pair is not). */
  start: number;
}

/** /proc/<pid>/stat, or null where there is no /proc (or the process is gone). */
export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  return { comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]), start: Number(rest[19]) };
}

const MAKES = new Set(['make', 'gmake']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh', 'busybox', 'fish']);
const WRAPPERS = new Set(['env', 'timeout', 'nice', 'nohup', 'xargs', 'npx', 'npm']);

/** argv of a process, or null without /proc. */
function procArgs(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/**
 * A process that only passes a command on and ends with it: make, a shell running a `-c` string (what
 * make recipes, agents' command tools and subprocess(shell=True) spawn for every command), env and
 * friends. A shell running a script file, or an interactive one, is a worker in its own right.
 */
function isTransient(comm: string, args: string[] | null): boolean {
  if (MAKES.has(comm) || WRAPPERS.has(comm)) return true;
  if (!SHELLS.has(comm) || !args) return false;
  return args.slice(1).some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
}

/**
 * The worker that called the tracker command: the nearest ancestor that is not transient. An agent
 * that runs `make track` through a fresh `bash -c` for each command records the agent, not that shell,
 * so the session shows crashed when the agent is gone and not after every command.
 */
export function callerPid(): number {
  let pid = process.ppid;
  for (let hops = 0; hops < 12 && pid > 1; hops++) {
    const st = procStat(pid);
    if (!st || st.ppid <= 1 || !isTransient(st.comm, procArgs(pid))) return pid;
    pid = st.ppid;
  }
  return pid;
}

const AGENT_NAMES = ['claude', 'codex', 'gemini', 'opencode', 'aider'];
const RUNTIMES = new Set(['node', 'bun', 'deno', 'python', 'python3']);

/** The agent a process is: its name (a native binary), or a runtime whose script is the agent's (node .../gemini). */
export function agentOf(comm: string, args: readonly string[] | null): string | null {
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1).replace(/\.(m?js|cjs|py)$/, '');
  if (AGENT_NAMES.includes(comm)) return comm;
  const first = args?.[0] ? base(args[0]) : '';
  if (AGENT_NAMES.includes(first)) return first;
  if (!RUNTIMES.has(comm) && !RUNTIMES.has(first)) return null;
  for (const a of (args ?? []).slice(1, 4)) {
    if (a.startsWith('-')) continue;
    const hit = AGENT_NAMES.find((n) => base(a) === n || a.includes(`/${n}-cli/`) || a.includes(`/${n}-code/`) || a.includes(`/@openai/${n}/`) || a.includes(`/${n}-ai/`));
    return hit ?? null;
  }
  return null;
}

/**
 * The agent process above `from` (a hook's parent chain: the agent, maybe a shell, the hook): the nearest
 * ancestor that is an agent (claude, codex, gemini, opencode, aider, or node running one). When none is
 * found, the nearest ancestor that is not transient, as callerPid, with `byName: false`.
 */
export function agentPid(from: number = process.ppid): { pid: number; byName: boolean } {
  let pid = from;
  let fallback: number | null = null;
  for (let hops = 0; hops < 16 && pid > 1; hops++) {
    const st = procStat(pid);
    if (!st) break;
    const args = procArgs(pid);
    if (agentOf(st.comm, args)) return { pid, byName: true };
    if (fallback === null && !isTransient(st.comm, args)) fallback = pid;
    pid = st.ppid;
  }
  return { pid: fallback ?? from, byName: false };
}

/** A process that exists and is not a zombie (a process killed but not yet reaped is gone for us). */
export function processAlive(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  const st = procStat(pid);
  return !st || (st.state !== 'Z' && st.state !== 'X');
}

/** Whether any process of the process group `pgid` is left (a zombie leader counts: the group is not reaped yet). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether this process runs in an agent's sandbox with a PID namespace of its own: its pid 1 is the agent
 * (Codex's workspace-write sandbox on Linux runs each shell command so, under a `codex` pid 1). The pids
 * seen from there mean nothing outside, and the agent's own process, recorded by its hooks from outside,
 * is invisible here, not gone.
 */
export function inAgentPidNamespace(): boolean {
  const st = procStat(1);
  return st !== null && agentOf(st.comm, procArgs(1)) !== null;
}
