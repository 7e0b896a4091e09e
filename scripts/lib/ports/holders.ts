// Who listens on a TCP port: /proc on Linux (socket inodes -> pids), lsof elsewhere. Never throws.
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { run } from '../core/exec.ts';

export interface PortHolder {
  /** null when a listening socket exists but its process cannot be seen (e.g. another user's). */
  pid: number | null;
  command: string | null;
  cwd: string | null;
  /** PARALLEL_SESSION in the process's environment, when readable. */
  env_session: string | null;
}

const LISTEN = '0A';

/** Socket inodes of LISTEN sockets in /proc/net/tcp and tcp6, by local port. */
export function listeningInodes(ports: ReadonlySet<number>): Map<number, Set<string>> {
  const found = new Map<number, Set<string>>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== LISTEN) continue;
      const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      const inode = cols[9];
      if (!ports.has(port) || !inode) continue;
      const set = found.get(port) ?? new Set<string>();
      set.add(inode);
      found.set(port, set);
    }
  }
  return found;
}

function readOr<T>(fn: () => T, dflt: T): T {
  try {
    return fn();
  } catch {
    return dflt;
  }
}

function procCommand(pid: number): string | null {
  const comm = readOr(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), '');
  if (comm) return comm;
  const argv0 = readOr(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '', '');
  return argv0 ? basename(argv0) : null;
}

function procEnvSession(pid: number): string | null {
  const env = readOr(() => readFileSync(`/proc/${pid}/environ`, 'utf8'), '');
  const entry = env.split('\0').find((e) => e.startsWith('PARALLEL_SESSION='));
  return entry ? entry.slice('PARALLEL_SESSION='.length) : null;
}

function procHolder(pid: number): PortHolder {
  return {
    pid,
    command: procCommand(pid),
    cwd: readOr<string | null>(() => readlinkSync(`/proc/${pid}/cwd`), null),
    env_session: procEnvSession(pid),
  };
}

/** Linux: the processes whose open files include a listening socket on each port. */
function holdersFromProc(ports: readonly number[]): Map<number, PortHolder[]> {
  const inodes = listeningInodes(new Set(ports));
  const out = new Map<number, PortHolder[]>(ports.map((p) => [p, []]));
  if (!inodes.size) return out;
  const portOf = new Map<string, number>();
  for (const [port, set] of inodes) for (const inode of set) portOf.set(`socket:[${inode}]`, port);
  const pidsByPort = new Map<number, Set<number>>();
  for (const dir of readOr(() => readdirSync('/proc'), [] as string[])) {
    if (!/^\d+$/.test(dir)) continue;
    for (const fd of readOr(() => readdirSync(`/proc/${dir}/fd`), [] as string[])) {
      const port = portOf.get(readOr(() => readlinkSync(`/proc/${dir}/fd/${fd}`), ''));
      if (port === undefined) continue;
      const pids = pidsByPort.get(port) ?? new Set<number>();
      pids.add(Number(dir));
      pidsByPort.set(port, pids);
    }
  }
  for (const port of inodes.keys()) {
    const pids = [...(pidsByPort.get(port) ?? [])].sort((a, b) => a - b);
    out.set(port, pids.length ? pids.map(procHolder) : [{ pid: null, command: null, cwd: null, env_session: null }]);
  }
  return out;
}

/** Parses `lsof -Fpcn` output: a `p<pid>` line starts a process, `c<command>` names it. */
export function parseLsof(stdout: string): { pid: number; command: string | null }[] {
  const procs: { pid: number; command: string | null }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('p')) procs.push({ pid: Number(line.slice(1)), command: null });
    else if (line.startsWith('c') && procs.length) (procs[procs.length - 1] as { command: string | null }).command = line.slice(1);
  }
  return procs.filter((p) => Number.isInteger(p.pid) && p.pid > 0);
}

async function lsof(args: string[]): Promise<string | null> {
  try {
    const r = await run('lsof', args);
    return r.stdout; // lsof exits 1 when it finds nothing
  } catch {
    return null; // no lsof
  }
}

async function holdersFromLsof(port: number): Promise<PortHolder[]> {
  const out = await lsof(['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpcn']);
  if (!out) return [];
  const procs = parseLsof(out);
  const unique = [...new Map(procs.map((p) => [p.pid, p])).values()];
  return Promise.all(
    unique.map(async (p) => {
      const cwdOut = await lsof(['-a', '-p', String(p.pid), '-d', 'cwd', '-Fn']);
      const cwd = cwdOut?.split('\n').find((l) => l.startsWith('n'))?.slice(1) ?? null;
      return { pid: p.pid, command: p.command, cwd, env_session: null };
    }),
  );
}

const HAS_PROC = process.platform === 'linux' && existsSync('/proc/net/tcp');

/** The listeners of several ports at once (one pass over /proc on Linux). */
export async function portHoldersMany(ports: readonly number[]): Promise<Map<number, PortHolder[]>> {
  if (HAS_PROC) return holdersFromProc(ports);
  const out = new Map<number, PortHolder[]>();
  for (const port of ports) out.set(port, await holdersFromLsof(port));
  return out;
}

/** Who is listening on the port; [] when nothing can be found (which does not prove the port is free). */
export async function portHolders(port: number): Promise<PortHolder[]> {
  return (await portHoldersMany([port])).get(port) ?? [];
}
