// Whether a process the plan's files name (its orchestrator, a session's runner) is still that process:
// alive, and started when it was recorded. A pid alone is not enough: once the process is gone its number
// is reused (at once after a reboot), and a plan would wait forever for a stranger.
import { hostname } from 'node:os';
import { procStat, processAlive } from '../tracker/proc.ts';

export const HOST = hostname();

export interface ProcessMark {
  pid: number;
  host: string;
  /** Its start time (clock ticks since boot, /proc/<pid>/stat); absent in files written before it was kept, or without /proc. */
  start?: number | null;
}

/** This process's mark, or another's on this machine. */
export function markOf(pid: number): ProcessMark {
  return { pid, host: HOST, start: procStat(pid)?.start ?? null };
}

/** Whether the marked process still runs (one on another machine is taken to). */
export function stillRuns(m: ProcessMark): boolean {
  if (m.host !== HOST) return true;
  if (!processAlive(m.pid)) return false;
  if (m.start === undefined || m.start === null) return true;
  const now = procStat(m.pid)?.start;
  return now === undefined || now === m.start;
}
