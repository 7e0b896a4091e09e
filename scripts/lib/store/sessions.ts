// Session records (.parallel/<workspace>/<name>/session.json): create, find, update, archive, under the store lock.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OperationError, UsageError } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';
import { withLock } from '../core/lock.mjs';
import { isInterrupted } from './quick.ts';
import { describeName } from './names.ts';
import { sessionRecordSchema, type SessionRecord } from './schemas.ts';
import { archiveDir, listDirs, lockPath, readRecord, sessionDir, withStoreLock, workspaceDir } from './paths.ts';

export const SESSIONS_LOCK = 'sessions';

export function recordPath(root: string, workspace: string, name: string): string {
  return join(sessionDir(root, workspace, name), 'session.json');
}

export interface CorruptRecord {
  name: string;
  error: string;
}

/** Every session record of a workspace; corrupt ones are reported apart, folders without session.json skipped. */
export function readSessions(root: string, workspace: string): { records: SessionRecord[]; corrupt: CorruptRecord[] } {
  const records: SessionRecord[] = [];
  const corrupt: CorruptRecord[] = [];
  for (const name of listDirs(workspaceDir(root, workspace))) {
    const r = readRecord(recordPath(root, workspace, name), sessionRecordSchema);
    if (r.ok) records.push(r.value);
    else if (!r.missing) corrupt.push({ name, error: r.error });
  }
  return { records, corrupt };
}

export { isInterrupted } from './quick.ts';

/** Sessions that hold a port, a component and a name: active ones and creations still under way. */
export function liveSessions(records: SessionRecord[]): SessionRecord[] {
  return records.filter((r) => r.state !== 'ended' && !isInterrupted(r));
}

export function findSession(root: string, workspace: string, name: string): SessionRecord {
  const bad = describeName(name);
  if (bad) throw new UsageError(`name=${JSON.stringify(name)} ${bad}`);
  const r = readRecord(recordPath(root, workspace, name), sessionRecordSchema);
  if (r.ok) return r.value;
  if (r.missing) throw new UsageError(`no session named '${name}' in workspace '${workspace}'; make list-sessions shows them`);
  throw new OperationError(`the record of session '${name}' is corrupt: ${r.error}`);
}

/**
 * Not fsynced: an fsync waits for every write the disk still holds to land (150 ms after the pool's
 * 5,000-file checkout, measured here), and the copy this record describes, which git writes, is not
 * fsynced either. A power cut may lose the latest write; the rename still means no reader ever sees half
 * of one, and no work of the person's is in it: the copy and its branch stay where git put them.
 */
export function writeSession(root: string, record: SessionRecord): void {
  writeJsonAtomic(recordPath(root, record.workspace, record.name), record, false);
}

/**
 * Reserves a session under the store lock: `decide` sees every record of the workspace and returns
 * the new record (or throws to refuse). Name, port and component are thereby taken atomically.
 */
export async function reserveSession(root: string, workspace: string, decide: (existing: SessionRecord[]) => Promise<SessionRecord> | SessionRecord): Promise<SessionRecord> {
  return withStoreLock(root, SESSIONS_LOCK, async () => {
    const { records } = readSessions(root, workspace);
    const record = await decide(records);
    const dir = sessionDir(root, workspace, record.name);
    if (existsSync(join(dir, 'session.json'))) throw new OperationError(`a session named '${record.name}' already exists`);
    mkdirSync(dir, { recursive: true });
    writeSession(root, { ...record, creator: record.creator ?? { pid: process.pid, host: hostname() } });
    return record;
  });
}

/**
 * Holds one session's own lock while fn runs: end, finish and sync of a session take turns. It may be
 * held across slow work (a checkout, a rebase): it blocks nothing but other commands on this session.
 */
export function withSessionLock<T>(root: string, workspace: string, name: string, fn: () => Promise<T>): Promise<T> {
  return withLock(lockPath(root, `session-${workspace}-${name}`), fn, { timeoutMs: 15 * 60_000 });
}

/** withSessionLock without waiting: {ran: false} (fn not run) while another command holds the session. */
export async function trySessionLock<T>(root: string, workspace: string, name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  let entered = false;
  try {
    const value = await withLock(lockPath(root, `session-${workspace}-${name}`), () => ((entered = true), fn()), { timeoutMs: 0 });
    return { ran: true, value };
  } catch (err) {
    if (entered) throw err;
    return { ran: false };
  }
}

/** Read-modify-write of one record under the store lock. */
export async function updateSession(root: string, workspace: string, name: string, change: (r: SessionRecord) => SessionRecord): Promise<SessionRecord> {
  return withStoreLock(root, SESSIONS_LOCK, () => {
    const next = change(findSession(root, workspace, name));
    writeSession(root, next);
    return next;
  });
}

/** Removes a session's folder entirely (only for undoing a creation that failed). */
export async function dropSession(root: string, workspace: string, name: string): Promise<void> {
  await withStoreLock(root, SESSIONS_LOCK, () => rmSync(sessionDir(root, workspace, name), { recursive: true, force: true }));
}

/** The moment an end archives a session under: names its archive folder and its kept refs alike. */
export function archiveStamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, '');
}

/** Where end-session keeps a session's ignored files until the folder moves to the archive with them. */
export function keptDir(root: string, workspace: string, name: string): string {
  return join(sessionDir(root, workspace, name), 'kept');
}

/** Moves an ended session's folder (record, status, log, kept files) to .parallel/archive/<workspace>/<name>-<stamp> and returns where. */
export async function archiveSession(root: string, workspace: string, name: string, stamp = archiveStamp()): Promise<string> {
  return withStoreLock(root, SESSIONS_LOCK, () => {
    const dest = join(archiveDir(root, workspace), `${name}-${stamp}`);
    mkdirSync(archiveDir(root, workspace), { recursive: true });
    renameSync(sessionDir(root, workspace, name), dest);
    return dest;
  });
}
