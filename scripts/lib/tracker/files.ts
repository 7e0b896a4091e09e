// One session's files: status.json (whole, atomic), log.jsonl (one write per line), markers. Built-ins only.
import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLine, removeFile, writeFileAtomic, writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { randomToken } from '../core/token.mjs';
import type { LogEvent, Status } from '../store/schemas.ts';
import { LOG_FILE, MARKERS, STATE_WORD_FILE, STATE_WORD_FRESH_S, STATUS_FILE, TRACKER_STATES } from '../store/constants.ts';

export type StatusRead = { kind: 'ok'; status: Status } | { kind: 'missing' } | { kind: 'corrupt'; error: string };

/**
 * Reads status.json with a shape check light enough for the tracker's hot path (the monitor validates
 * with the zod schema). Enough to refuse to build on a file that is not ours.
 */
export function readStatusFile(dir: string): StatusRead {
  let text: string;
  try {
    text = readFileSync(join(dir, STATUS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', error: (err as Error).message };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', error: 'not valid JSON' };
  }
  const s = data as Partial<Status> | null;
  if (!s || typeof s !== 'object' || !(TRACKER_STATES as readonly unknown[]).includes(s.state) || !Array.isArray(s.errors) || typeof s.progress_pct !== 'number') {
    return { kind: 'corrupt', error: 'not a status record' };
  }
  return { kind: 'ok', status: s as Status };
}

/**
 * Writes status.json whole and returns what it wrote; `state_since` is when the state last changed: kept while the state stays,
 * `at` when it changes (the caller holds the session's lock, so the file read here is the one replaced).
 * The state word beside it goes first, then comes back: whatever fails midway, there is no word that says
 * other than status.json (a missing one sends every hook to node, which is only slower). `prev`: what
 * the caller read of status.json under the same lock (read here otherwise).
 */
export function writeStatusFile(dir: string, status: Status, at: string = isoWithOffset(), prev: StatusRead = readStatusFile(dir)): Status {
  const same = prev.kind === 'ok' && prev.status.state === status.state;
  const since = same ? prev.status.state_since : at;
  const written = since === undefined ? status : { ...status, state_since: since };
  const word = join(dir, STATE_WORD_FILE);
  // The same state, and a word still fresh for half its time: the word stays (every write takes it away
  // first, so one that is there says the state of the status.json read under this lock).
  const keep = same && wordFreshFor(word) > STATE_WORD_FRESH_S / 2;
  if (!keep) removeFile(word);
  // Not fsynced: status.json is rewritten on every event of every agent, and an fsync costs the hook
  // more than its own work (10 ms and more on a busy disk). A crash may lose the latest update; the
  // rename still means no reader ever sees half of one.
  writeJsonAtomic(join(dir, STATUS_FILE), written, false);
  if (keep) return written;
  try {
    const tmp = `${word}.${process.pid}.${randomToken(8)}.tmp`;
    writeFileSync(tmp, `${written.state}\n`);
    const until = Date.now() / 1000 + STATE_WORD_FRESH_S;
    utimesSync(tmp, until, until);
    renameSync(tmp, word);
  } catch {
    /* no word: the hooks start node, as without it */
  }
  return written;
}

/** How many seconds the state word at `path` stays fresh (its mtime is set ahead), or 0 when there is none. */
function wordFreshFor(path: string): number {
  try {
    return statSync(path).mtimeMs / 1000 - Date.now() / 1000;
  } catch {
    return 0;
  }
}

export function appendEvent(dir: string, event: LogEvent): void {
  appendLine(join(dir, LOG_FILE), JSON.stringify(event));
}

export function writeMarker(dir: string, which: keyof typeof MARKERS, at: string): void {
  const other = which === 'completed' ? MARKERS.failed : MARKERS.completed;
  removeFile(join(dir, other));
  writeFileAtomic(join(dir, MARKERS[which]), `${at}\n`);
}

export function clearMarkers(dir: string): void {
  for (const m of Object.values(MARKERS)) removeFile(join(dir, m));
}

export function lockFile(dir: string): string {
  return join(dir, '.lock');
}
