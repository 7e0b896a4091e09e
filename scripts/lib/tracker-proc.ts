// Which process a tracker reports for, and whether a recorded process is still there. Node built-ins only.
import { readFileSync } from 'node:fs';
import { pidAlive } from './lock.ts';

interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
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
  return { comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]) };
}

const MAKES = new Set(['make', 'gmake']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh', 'busybox']);

/**
 * The worker that called the tracker command: our parent, skipping make (and a shell that make
 * spawned for the recipe), so that `make track` records the caller of make, not make itself.
 */
export function callerPid(): number {
  let pid = process.ppid;
  for (let hops = 0; hops < 8 && pid > 1; hops++) {
    const st = procStat(pid);
    if (!st) return pid;
    if (MAKES.has(st.comm)) {
      pid = st.ppid;
      continue;
    }
    const parent = SHELLS.has(st.comm) ? procStat(st.ppid) : null;
    if (parent && MAKES.has(parent.comm)) {
      pid = st.ppid;
      continue;
    }
    return pid;
  }
  return pid;
}

/** A process that exists and is not a zombie (a process killed but not yet reaped is gone for us). */
export function processAlive(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  const st = procStat(pid);
  return !st || (st.state !== 'Z' && st.state !== 'X');
}
