// The pool's records: <state folder>/pool/<id>.json, one per copy, read and changed under the 'pool' lock.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/files.ts';
import { pidAlive } from '../core/lock.mjs';
import { isoWithOffset } from '../core/time.ts';
import { withStoreLock } from '../store/paths.ts';

export const POOL_LOCK = 'pool';
/** Held by the one process that fills and refreshes the pool (others find it busy and leave). */
export const POOL_FILL_LOCK = 'pool-fill';
export const POOL_FOLDER = '.pool';

/**
 * filling: being checked out; ready: clean, detached at `sha`, may be handed out; busy: claimed by `pid`
 * (being handed out, refreshed or removed); stray: someone wrote into it, left alone until force=1.
 */
export const POOL_STATES = ['filling', 'ready', 'busy', 'stray'] as const;
export type PoolState = (typeof POOL_STATES)[number];

export interface PoolRecord {
  version: 1;
  id: string;
  path: string;
  base: string;
  sha: string | null;
  state: PoolState;
  pid: number | null;
  host: string | null;
  at: string;
  reason: string | null;
}

// Checked by hand, not with zod: new-session reads the pool, and zod costs every start that loads it.
const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || str(v);
const FIELDS: Record<keyof PoolRecord, (v: unknown) => boolean> = {
  version: (v) => v === 1,
  id: (v) => str(v) && /^[a-z0-9-]+$/.test(v),
  path: (v) => str(v) && v.length > 0,
  base: (v) => str(v) && v.length > 0,
  sha: strOrNull,
  state: (v) => (POOL_STATES as readonly unknown[]).includes(v),
  pid: (v) => v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0),
  host: strOrNull,
  at: str,
  reason: strOrNull,
};

/** The record in `data` when it is a pool record (unknown keys are dropped, as zod's object did); else null. */
export function asPoolRecord(data: unknown): PoolRecord | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Record<string, unknown>;
  const keys = Object.keys(FIELDS) as (keyof PoolRecord)[];
  if (!keys.every((k) => Object.hasOwn(d, k) && FIELDS[k](d[k]))) return null;
  return Object.fromEntries(keys.map((k) => [k, d[k]])) as unknown as PoolRecord;
}

/** A JSON file's value, or undefined when it cannot be read or parsed. */
function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function poolDir(root: string): string {
  return join(root, 'pool');
}

const sizeFile = (root: string) => join(poolDir(root), 'size.json');

/**
 * The number of ready copies wanted: what `make pool size=N` last set (kept in the state folder, 0
 * included), else the config's `pool:`. A size file that is not one counts as none.
 */
export function wantedSize(root: string, configured: number): number {
  if (!existsSync(sizeFile(root))) return configured;
  const r = readJson(sizeFile(root)) as { version?: unknown; size?: unknown } | undefined;
  const ok = typeof r === 'object' && r !== null && r.version === 1 && Number.isSafeInteger(r.size) && (r.size as number) >= 0 && (r.size as number) <= 20;
  return ok ? (r.size as number) : configured;
}

/** Remembers `make pool size=N`; null forgets it (the config's `pool:` applies again). */
export function rememberSize(root: string, size: number | null): void {
  if (size === null) rmSync(sizeFile(root), { force: true });
  else writeJsonAtomic(sizeFile(root), { version: 1, size });
}

/** Where the copies live: beside the sessions' copies, so that handing one out is a rename. */
export function copiesDir(worktreeRoot: string): string {
  return join(worktreeRoot, POOL_FOLDER);
}

const recordFile = (root: string, id: string) => join(poolDir(root), `${id}.json`);

export function readPool(root: string): PoolRecord[] {
  const dir = poolDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'size.json')
    .sort()
    .flatMap((f) => {
      const r = asPoolRecord(readJson(join(dir, f)));
      return r ? [r] : [];
    });
}

/**
 * Atomic, not flushed to disk: after a crash a record may be one step behind its copy, which every
 * reader makes good (a busy record whose process is gone is looked at again, a ready one is checked for
 * stray work before use, one whose folder is gone is dropped).
 */
export function writePoolRecord(root: string, r: PoolRecord): void {
  writeFileAtomic(recordFile(root, r.id), `${JSON.stringify(r, null, 2)}\n`, false);
}

export function dropPoolRecord(root: string, id: string): void {
  rmSync(recordFile(root, id), { force: true });
}

export function withPoolLock<T>(root: string, fn: () => Promise<T> | T): Promise<T> {
  return withStoreLock(root, POOL_LOCK, fn);
}

/** A record in a state of its own, stamped with this process as the one that holds it. */
export function stamped(r: PoolRecord, state: PoolState, more: Partial<PoolRecord> = {}): PoolRecord {
  const mine = state === 'busy' || state === 'filling';
  return { ...r, ...more, state, pid: mine ? process.pid : null, host: mine ? hostname() : null, at: isoWithOffset() };
}

/** A busy or filling record whose process is gone (killed half-way): its copy is to be looked at again. */
export function abandoned(r: PoolRecord): boolean {
  return (r.state === 'busy' || r.state === 'filling') && r.host === hostname() && r.pid !== null && !pidAlive(r.pid);
}
