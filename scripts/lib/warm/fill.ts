// Keeping N ready copies of the base: recover what a killed run left, bring stale copies to the base,
// remove the extra ones, make the missing ones. One filler at a time (its own lock, held across the
// checkouts: it blocks no one else); each copy is claimed under the pool lock before it is touched, so a
// copy being handed out is never refreshed or removed, and a copy being refreshed is never handed out.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { errorMessage } from '../core/errors.mjs';
import { withLock } from '../core/lock.mjs';
import { isoWithOffset } from '../core/time.ts';
import { revParse } from '../git/repo.ts';
import { lockPath } from '../store/paths.ts';
import { bringTo, dropCopy, makeCopy, strayWork } from './copies.ts';
import { abandoned, copiesDir, dropPoolRecord, POOL_FILL_LOCK, readPool, rememberSize, stamped, wantedSize, withPoolLock, writePoolRecord, type PoolRecord } from './records.ts';

export interface PoolCopy {
  id: string;
  path: string;
  /** ready, stale (ready but behind the base), busy, filling or stray. */
  state: string;
  sha: string | null;
  reason: string | null;
}

/** The stable keys of `make pool json=1`. */
export interface PoolReport {
  /** The number of ready copies kept (the config's pool:, or size=). */
  size: number;
  base: string;
  sha: string | null;
  copies: PoolCopy[];
  made: string[];
  refreshed: string[];
  removed: string[];
  /** True when another process was filling the pool: this one changed nothing. */
  busy: boolean;
  warnings: string[];
}

export interface FillOptions {
  size: number;
  /** Also remove copies someone wrote into (their work is lost). */
  force?: boolean;
}

/** Claims a record for this process if it is still in `from` (under the pool lock); null when someone else has it. */
async function claim(root: string, id: string, from: PoolRecord['state'][]): Promise<PoolRecord | null> {
  return withPoolLock(root, () => {
    const r = readPool(root).find((x) => x.id === id);
    if (!r || !(from.includes(r.state) || abandoned(r))) return null;
    const mine = stamped(r, 'busy');
    writePoolRecord(root, mine);
    return mine;
  });
}

const put = (root: string, r: PoolRecord) => withPoolLock(root, () => writePoolRecord(root, r));
const drop = (root: string, id: string) => withPoolLock(root, () => dropPoolRecord(root, id));

export function describeCopies(records: PoolRecord[], sha: string | null): PoolCopy[] {
  return records.map((r) => ({ id: r.id, path: r.path, state: r.state === 'ready' && sha && r.sha !== sha ? 'stale' : abandoned(r) ? 'abandoned' : r.state, sha: r.sha, reason: r.reason }));
}

export async function poolReport(ctx: Context, size = wantedSize(ctx.root, ctx.config.pool), done: Partial<PoolReport> = {}): Promise<PoolReport> {
  const base = ctx.config.base;
  const sha = await revParse(ctx.main, `refs/heads/${base}`).catch(() => null);
  return { size, base, sha, copies: describeCopies(readPool(ctx.root), sha), made: [], refreshed: [], removed: [], busy: false, warnings: [], ...done };
}

/** Looks at one copy it could claim: kept (brought to `sha`), removed, or marked stray; true when kept ready. */
async function tidy(ctx: Context, r: PoolRecord, sha: string, want: boolean, force: boolean, out: PoolReport): Promise<boolean> {
  const { main, root } = ctx;
  const mine = await claim(root, r.id, ['ready', 'stray']);
  if (!mine) return false;
  const stray = await strayWork(mine.path, mine.sha);
  if (stray === 'its folder is gone') {
    await drop(root, r.id);
    return false;
  }
  if (stray && !force) {
    await put(root, stamped(mine, 'stray', { reason: stray }));
    if (r.state !== 'stray') out.warnings.push(`pool copy ${mine.path}: ${stray}; left alone (make pool size=0 force=1 removes it, and that work)`);
    return false;
  }
  if (stray || !want) {
    await dropCopy(main, mine.path, Boolean(stray));
    await drop(root, r.id);
    out.removed.push(mine.path);
    return false;
  }
  if (mine.sha !== sha) {
    await bringTo(mine.path, sha);
    out.refreshed.push(mine.path);
  }
  await put(root, stamped(mine, 'ready', { sha, reason: null }));
  return true;
}

async function fillLocked(ctx: Context, opts: FillOptions): Promise<PoolReport> {
  const { main, root, config } = ctx;
  const out = await poolReport(ctx, opts.size);
  const sha = out.sha;
  if (!sha) return { ...out, warnings: [`the base ${config.base} has no commit; no pool copies made`] };
  let ready = 0;
  for (const r of readPool(root)) {
    if (ctx.interrupted()) break;
    const keep = r.base === config.base && ready < opts.size && (r.state === 'ready' || abandoned(r));
    const look = r.state === 'ready' || r.state === 'stray' || abandoned(r);
    if (!look) continue;
    try {
      if (await tidy(ctx, r, sha, keep, Boolean(opts.force), out)) ready++;
    } catch (err) {
      out.warnings.push(`pool copy ${r.path}: ${errorMessage(err)}`);
      await put(root, stamped(r, 'stray', { reason: errorMessage(err) })).catch(() => undefined);
    }
  }
  while (ready < opts.size && !ctx.interrupted()) {
    const id = `p${randomBytes(5).toString('hex')}`;
    const path = join(copiesDir(config.worktreeRoot), id);
    const record: PoolRecord = stamped({ version: 1, id, path, base: config.base, sha, state: 'filling', pid: null, host: null, at: isoWithOffset(), reason: null }, 'filling');
    await put(root, record);
    try {
      await makeCopy(main, path, sha);
    } catch (err) {
      await dropCopy(main, path, true).catch(() => undefined);
      await drop(root, id);
      out.warnings.push(`could not make a pool copy: ${errorMessage(err)}`);
      break;
    }
    await put(root, stamped(record, 'ready'));
    out.made.push(path);
    ready++;
  }
  return { ...out, copies: describeCopies(readPool(root), sha) };
}

/** Brings the pool to `size` ready copies at the base; another filler at work makes this one a no-op (busy). */
export async function fillPool(ctx: Context, opts: FillOptions): Promise<PoolReport> {
  let held = false;
  try {
    return await withLock(lockPath(ctx.root, POOL_FILL_LOCK), () => {
      held = true;
      return fillLocked(ctx, opts);
    }, { timeoutMs: 0 });
  } catch (err) {
    if (held) throw err;
    return poolReport(ctx, opts.size, { busy: true });
  }
}

/**
 * `make pool size=N`: N is remembered (0 included) and kept from then on, over the config's `pool:`;
 * then the pool is brought to it.
 */
export async function resizePool(ctx: Context, opts: FillOptions): Promise<PoolReport> {
  rememberSize(ctx.root, opts.size);
  return fillPool(ctx, opts);
}

/** Removes every clean pool copy and forgets `make pool size=` (the kit's uninstall path); `left` are the copies someone wrote into. */
export async function drainPool(ctx: Context): Promise<{ removed: string[]; left: string[] }> {
  rememberSize(ctx.root, null);
  if (!readPool(ctx.root).length) return { removed: [], left: [] };
  const r = await fillPool(ctx, { size: 0 });
  return { removed: r.removed, left: r.copies.map((c) => c.path) };
}
