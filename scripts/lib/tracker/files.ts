// One session's files: status.json (whole, atomic), log.jsonl (one write per line), markers. Built-ins only.
import { readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLine, writeFileAtomic, writeJsonAtomic } from '../core/files.ts';
import { randomToken } from '../core/token.mjs';
import type { LogEvent, Status } from '../store/schemas.ts';
import { LOG_FILE, MARKERS, STATUS_FILE, TRACKER_STATES } from '../store/constants.ts';

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
 * The state of status.json as one word, for the agents' hooks to read without starting node (a shell's
 * `read` and `test -nt`, docs/agents.md "What a hook costs"). Its mtime is set FRESH_S ahead: while it
 * is newer than the reader's own process, the word is recent enough to stand for a heartbeat.
 */
export const STATE_WORD_FILE = 'state';
export const STATE_WORD_FRESH_S = 60;

/**
 * status.json, whole and atomically, and its state word beside it. The word goes first, then comes back:
 * whatever fails midway, there is no word that says other than status.json (a missing one sends every
 * hook to node, which is only slower).
 */
export function writeStatusFile(dir: string, status: Status): void {
  const word = join(dir, STATE_WORD_FILE);
  rmSync(word, { force: true });
  writeJsonAtomic(join(dir, STATUS_FILE), status);
  try {
    const tmp = `${word}.${process.pid}.${randomToken(8)}.tmp`;
    writeFileSync(tmp, `${status.state}\n`);
    const until = Date.now() / 1000 + STATE_WORD_FRESH_S;
    utimesSync(tmp, until, until);
    renameSync(tmp, word);
  } catch {
    /* no word: the hooks start node, as without it */
  }
}

export function appendEvent(dir: string, event: LogEvent): void {
  appendLine(join(dir, LOG_FILE), JSON.stringify(event));
}

export function writeMarker(dir: string, which: keyof typeof MARKERS, at: string): void {
  const other = which === 'completed' ? MARKERS.failed : MARKERS.completed;
  rmSync(join(dir, other), { force: true });
  writeFileAtomic(join(dir, MARKERS[which]), `${at}\n`);
}

export function clearMarkers(dir: string): void {
  for (const m of Object.values(MARKERS)) rmSync(join(dir, m), { force: true });
}

export function lockFile(dir: string): string {
  return join(dir, '.lock');
}
