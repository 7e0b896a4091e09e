// Reading session.json and status.json without loading zod (list-sessions and conflicts start faster
// by the time zod takes to load). A record the quick check accepts is one the zod schema (schemas.ts)
// accepts unchanged; anything else, however slightly off, goes to the zod schema, which has the last word
// and the error message (tests/store/quick.test.ts holds the two to that).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../core/lock.mjs';
import { KINDS, MODES, SESSION_STATES, TRACKER_STATES } from './constants.ts';
import { listDirs, readRecord, sessionDir, workspaceDir, type ReadResult } from './paths.ts';
import type { SessionRecord, Status } from './schemas.ts';

/** zod's `z.iso.datetime({ offset: true })`, the same pattern. */
export const ISO_RE =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const name: Check = (v) => typeof v === 'string' && v.length > 0;
const iso: Check = (v) => typeof v === 'string' && ISO_RE.test(v);
const bool: Check = (v) => typeof v === 'boolean';
const oneOf = (xs: readonly string[]): Check => (v) => typeof v === 'string' && xs.includes(v);
const int = (lo: number, hi: number): Check => (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi;
const num = (lo: number, hi: number): Check => (v) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
const nullable = (c: Check): Check => (v) => v === null || c(v);
const strings: Check = (v) => Array.isArray(v) && v.every(str);
const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
/** An object with exactly these keys at most (`required` ones present), each passing its check. */
const shape =
  (fields: Record<string, Check>, optional: readonly string[] = []): Check =>
  (v) =>
    plain(v) && Object.keys(v).every((k) => Object.hasOwn(fields, k)) && Object.entries(fields).every(([k, c]) => (Object.hasOwn(v, k) ? c(v[k]) : optional.includes(k)));

const pid = int(1, Number.MAX_SAFE_INTEGER);

/** The fields of sessionRecordSchema, and which of them may be absent. */
export const SESSION_FIELDS: Record<string, Check> = {
  version: (v) => v === 1,
  name,
  uid: name,
  workspace: name,
  kind: oneOf(KINDS),
  component: name,
  shared: bool,
  branch: name,
  base: name,
  mode: oneOf(MODES),
  path: nullable(str),
  port: int(1, 65535),
  profile: nullable(str),
  created: iso,
  state: oneOf(SESSION_STATES),
  copied: strings,
  env_file: str,
  agent: nullable(str),
  agent_command: nullable(str),
  adopted_from: nullable(str),
  agent_argv: nullable(strings),
  ended_at: nullable(iso),
  outcome: nullable(oneOf(['COMPLETED', 'ABANDONED'])),
  creator: nullable(shape({ pid, host: str })),
  last_sync: nullable(shape({ at: iso, result: str, onto: str }, ['onto'])),
};
export const SESSION_OPTIONAL = ['agent', 'agent_command', 'adopted_from', 'agent_argv', 'ended_at', 'outcome', 'creator', 'last_sync'];

/** The fields of statusSchema, and which of them may be absent. */
export const STATUS_FIELDS: Record<string, Check> = {
  session_id: name,
  workspace: name,
  state: oneOf(TRACKER_STATES),
  task_description: str,
  progress_pct: num(0, 100),
  message: str,
  errors: (v) => Array.isArray(v) && v.every(shape({ at: iso, message: str })),
  started_at: nullable(iso),
  last_heartbeat: nullable(iso),
  completed_at: nullable(iso),
  output_files: strings,
  // A `__proto__` key would not survive zod's copy of the record as it is: zod decides that one.
  metadata: (v) => plain(v) && !Object.hasOwn(v, '__proto__'),
  pid: nullable(pid),
  host: nullable(str),
  agent_event_at: num(0, Infinity),
  state_since: iso,
};
export const STATUS_OPTIONAL = ['agent_event_at', 'state_since'];

const isSession = shape(SESSION_FIELDS, SESSION_OPTIONAL);
const isStatus = shape(STATUS_FIELDS, STATUS_OPTIONAL);

export function quickSession(data: unknown): SessionRecord | null {
  return isSession(data) ? (data as SessionRecord) : null;
}

export function quickStatus(data: unknown): Status | null {
  return isStatus(data) ? (data as Status) : null;
}

/** readRecord (paths.ts) with the quick check first: zod is loaded only for a record it does not pass. */
async function readQuick<T>(path: string, quick: (d: unknown) => T | null, slow: () => Promise<ReadResult<T>>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true, error: `${path} is missing` };
    return slow();
  }
  try {
    const v = quick(JSON.parse(text));
    if (v) return { ok: true, value: v };
  } catch {
    /* not JSON: readRecord says so */
  }
  return slow();
}

export async function readStatusQuick(path: string): Promise<ReadResult<Status>> {
  return readQuick(path, quickStatus, async () => {
    return readRecord(path, (await import('./schemas.ts')).statusSchema);
  });
}

/** One session.json as readRecord reads it, zod loaded only when the quick check does not pass it. */
export async function readSessionQuick(path: string): Promise<ReadResult<SessionRecord>> {
  return readQuick(path, quickSession, async () => {
    return readRecord(path, (await import('./schemas.ts')).sessionRecordSchema);
  });
}

/** readSessions (sessions.ts) without zod for the records that pass the quick check. */
export async function readSessionsQuick(root: string, workspace: string): Promise<{ records: SessionRecord[]; corrupt: { name: string; error: string }[] }> {
  const records: SessionRecord[] = [];
  const corrupt: { name: string; error: string }[] = [];
  for (const n of listDirs(workspaceDir(root, workspace))) {
    const r = await readSessionQuick(join(sessionDir(root, workspace, n), 'session.json'));
    if (r.ok) records.push(r.value);
    else if (!r.missing) corrupt.push({ name: n, error: r.error });
  }
  return { records, corrupt };
}

/** A record still in 'creating' whose creator process is gone: the creation was interrupted. */
export function isInterrupted(r: SessionRecord): boolean {
  return r.state === 'creating' && !!r.creator && r.creator.host === hostname() && !pidAlive(r.creator.pid);
}
