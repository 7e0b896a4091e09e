// Port leases (the port of each live session) and whether a port is really free (tried by binding).
import { createServer } from 'node:net';
import { realpathSync } from 'node:fs';
import { isInside } from '../core/paths.ts';
import type { Context } from '../config/context.ts';
import { OperationError } from '../core/errors.mjs';
import { portHoldersMany, type PortHolder } from './holders.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { liveSessions, readSessions } from '../store/sessions.ts';

export { portHolders, portHoldersMany, type PortHolder } from './holders.ts';

type Bind = 'free' | 'in use' | 'denied';

function tryListen(port: number, host?: string): Promise<Bind> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve('in use');
      else if (err.code === 'EACCES') resolve('denied');
      else if (host && (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT')) resolve('free'); // no such interface here
      else reject(new OperationError(`cannot test port ${port}: ${err.message}`));
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Binds the port the way a dev server would (see isPortFree): free, in use, or denied (a privileged port). */
async function bindTest(port: number): Promise<Bind> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OperationError(`invalid port ${port}`);
  const any = await tryListen(port);
  return any === 'free' ? tryListen(port, '127.0.0.1') : any;
}

/**
 * True when a dev server could listen on the port now: binds it the way one would (host omitted:
 * '::' dual-stack where IPv6 exists, else 0.0.0.0) and closes at once. Also tries 127.0.0.1, because
 * some systems let a wildcard bind succeed beside a loopback-only listener.
 */
export async function isPortFree(port: number): Promise<boolean> {
  return (await bindTest(port)) === 'free';
}

/** Why no port of low..high could be leased, counted exactly (leased, in use, not allowed), and what to do. */
export function fullRangeMessage(low: number, high: number, counts: { leased: number; inUse: number; denied: number }): string {
  const total = high - low + 1;
  const parts: [number, string, string][] = [
    [counts.leased, 'leased to sessions', 'leased to a session'],
    [counts.inUse, 'in use by other processes', 'in use by another process'],
    [counts.denied, 'not allowed to bind here', 'not allowed to bind here'],
  ];
  const present = parts.filter(([n]) => n > 0);
  const only = present.length === 1 ? present[0] : undefined;
  const why = only
    ? total === 1
      ? only[2]
      : `all ${total} ${only[1]}`
    : present.map(([n, many, one]) => `${n} ${n === 1 ? one : many}`).join(', ');
  const todo = [counts.leased ? 'end a session' : '', counts.inUse ? `stop ${counts.inUse === 1 ? 'that process' : 'those processes'}` : '', 'widen ports.range'].filter(Boolean);
  const range = low === high ? `${low}` : `${low}-${high}`;
  return `no free port in ${range} (${why}); ${todo.length > 1 ? `${todo.slice(0, -1).join(', ')} or ${todo.at(-1)}` : todo[0]}`;
}

/**
 * The lowest port in low..high that is not leased and is free now. When there is none, throws an
 * OperationError that says exactly why: how many ports of the range are leased to sessions, in use by
 * other processes, or not allowed to bind.
 */
export async function pickPort(low: number, high: number, leased: ReadonlySet<number>): Promise<number> {
  const counts = { leased: 0, inUse: 0, denied: 0 };
  for (let port = low; port <= high; port++) {
    if (leased.has(port)) {
      counts.leased++;
      continue;
    }
    const bind = await bindTest(port);
    if (bind === 'free') return port;
    if (bind === 'in use') counts.inUse++;
    else counts.denied++;
  }
  throw new OperationError(fullRangeMessage(low, high, counts));
}

export type PortFlag = 'ok' | 'free' | 'foreign' | 'unknown' | 'duplicate';

/** One lease in `make ports json=1` (stable keys). */
export interface PortRow {
  port: number;
  session: string;
  branch: string;
  path: string | null;
  in_use: boolean;
  holders: PortHolder[];
  /** ok: held by the session's own process; free: leased, nothing listening; foreign: held by something
   * else; unknown: in use, holder not identifiable; duplicate: the port is leased to two sessions. */
  flag: PortFlag;
  note: string;
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** A holder belongs to the session when its cwd is inside the session's copy or it carries PARALLEL_SESSION=<name>. */
export function holderIsOwn(h: PortHolder, r: Pick<SessionRecord, 'name' | 'path'>): boolean {
  if (h.env_session !== null && h.env_session === r.name) return true;
  if (!h.cwd || !r.path) return false;
  return isInside(r.path, h.cwd) || isInside(realOr(r.path), h.cwd);
}

const describe = (h: PortHolder) => `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`;

/** The flag and note of one lease, from what is listening on its port (a pure decision). */
export function classifyLease(r: Pick<SessionRecord, 'name' | 'path'>, inUse: boolean, holders: PortHolder[]): { flag: PortFlag; note: string } {
  if (!inUse) return { flag: 'free', note: 'leased, nothing listening' };
  const known = holders.filter((h) => h.pid !== null);
  if (!known.length) return { flag: 'unknown', note: 'in use, but the holder cannot be seen (another user?)' };
  const foreign = known.filter((h) => !holderIsOwn(h, r));
  if (!foreign.length) return { flag: 'ok', note: `held by the session: ${known.map(describe).join(', ')}` };
  return { flag: 'foreign', note: `held by ${foreign.map(describe).join(', ')} outside the session` };
}

/** One row per lease (the port of each live session), with who really holds the port. */
export async function portReport(ctx: Context): Promise<PortRow[]> {
  const { records } = readSessions(ctx.root, ctx.config.workspace);
  const live = liveSessions(records).sort((a, b) => a.port - b.port || a.name.localeCompare(b.name));
  const holdersByPort = await portHoldersMany([...new Set(live.map((r) => r.port))]);
  const inUseByPort = new Map<number, boolean>();
  for (const [port, holders] of holdersByPort) {
    // binding would race the session's own server starting up; only try it when no listener is visible
    inUseByPort.set(port, holders.length > 0 || !(await isPortFree(port)));
  }
  return live.map((r) => {
    const holders = holdersByPort.get(r.port) ?? [];
    const inUse = inUseByPort.get(r.port) ?? false;
    const row: PortRow = { port: r.port, session: r.name, branch: r.branch, path: r.path, in_use: inUse, holders, ...classifyLease(r, inUse, holders) };
    const others = live.filter((o) => o.port === r.port && o.name !== r.name).map((o) => o.name);
    if (others.length) {
      row.flag = 'duplicate';
      row.note = `also leased to ${others.map((o) => `'${o}'`).join(', ')}; ${row.note}`;
    }
    return row;
  });
}
