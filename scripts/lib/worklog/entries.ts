// WORK_LOG.md entries: append, remove, and rewrite the kit's own lines (Status, Last sync) inside an
// entry's markers, under the 'worklog' store lock; every other byte of the file is left as it was.
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { appendLine, stampOf, writeFileIfUnchanged } from '../core/files.ts';
import { withStoreLock } from '../store/paths.ts';

export { beginMarker, branchFor, endMarker, loadTemplate, renderEntry, STATUS_IN_PROGRESS, type EntryData, type Template, type TemplateMeta } from './template.ts';
export type { Kind } from '../store/schemas.ts';

/** What a new WORK_LOG.md starts with (make init, or the first entry). */
export const WORKLOG_HEADER = `# Work log

One entry per parallel session, added by \`make new-session\`. Edit freely: the kit only rewrites the
Status and Last sync lines inside its own entry markers.
`;

export const WORKLOG_FILE = 'WORK_LOG.md';
export const WORKLOG_LOCK = 'worklog';

export function worklogPath(main: string): string {
  return join(main, WORKLOG_FILE);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OperationError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * A read-modify-write of WORK_LOG.md that never drops what someone else wrote meanwhile (a person, an
 * agent appending a note): the kit's lock keeps its own commands in turn, and the file is replaced only
 * if it held still since it was read; otherwise it is read again. `change` returns the new text, or null
 * to leave the file as it is.
 */
function rewrite(path: string, change: (text: string | null) => string | null): void {
  for (const until = Date.now() + 5000; Date.now() < until; ) {
    const seen = stampOf(path);
    const text = readText(path);
    const next = change(text);
    if (next === null || next === text) return;
    if (writeFileIfUnchanged(path, next, seen)) return;
  }
  throw new OperationError(`${path} kept changing while the kit tried to update it; nothing was written, try again`);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Region {
  /** Start of the begin marker line. */
  start: number;
  /** Just after the begin marker line's newline. */
  inner: number;
  /** Start of the end marker line (or where the entry is taken to end when that marker is missing). */
  innerEnd: number;
  /** Just after the end marker line's newline; null when the end marker is missing. */
  end: number | null;
}

/** The file's own line ending (from its first line), so that a CRLF WORK_LOG.md gets CRLF entries. */
function eolOf(text: string | null): string {
  const nl = text?.indexOf('\n') ?? -1;
  return text && nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

/** Where the entry of `uid` is; without its end marker it runs to the next entry's begin marker or the end of the file. */
function locate(text: string, uid: string): Region | null {
  const begin = new RegExp(`^<!-- parallel-session:begin uid=${escapeRe(uid)}(?: [^\\n]*)? -->[ \\t]*\\r?$`, 'm').exec(text);
  if (!begin) return null;
  const inner = lineEnd(text, begin.index);
  const rest = text.slice(inner);
  const end = new RegExp(`^<!-- parallel-session:end uid=${escapeRe(uid)} -->[ \\t]*\\r?$`, 'm').exec(rest);
  const next = /^<!-- parallel-session:begin /m.exec(rest);
  if (end && (!next || end.index < next.index)) {
    const innerEnd = inner + end.index;
    return { start: begin.index, inner, innerEnd, end: lineEnd(text, innerEnd) };
  }
  return { start: begin.index, inner, innerEnd: next ? inner + next.index : text.length, end: null };
}

function fieldRe(field: string): RegExp {
  return new RegExp(`^- \\*\\*${escapeRe(field)}:\\*\\*[^\\r\\n]*`, 'm');
}

function checkValue(what: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new OperationError(`${what} must be a single line`);
}

/** What appendEntry did, so that removeEntry in the same process can undo it to the byte. */
const appended = new Map<string, { addedEol: boolean }>();
/** WORK_LOG.md files this process created, with the text they were created with. */
const created = new Map<string, string>();

function uidOf(entry: string): string {
  const m = /^<!-- parallel-session:begin uid=([A-Za-z0-9._-]+)[ >]/.exec(entry);
  if (!m?.[1]) throw new OperationError('not a WORK_LOG entry: it does not start with a parallel-session begin marker');
  return m[1];
}

/** Appends an entry (from renderEntry) to WORK_LOG.md in `main`, after a blank line; creates the file when missing. */
export async function appendEntry(main: string, root: string, entry: string): Promise<void> {
  const uid = uidOf(entry);
  const path = worklogPath(main);
  await withStoreLock(root, WORKLOG_LOCK, () => {
    const current = readText(path);
    if (current !== null && locate(current, uid)) throw new OperationError(`${path} already has an entry with uid ${uid}`);
    const before = current ?? WORKLOG_HEADER;
    const eol = eolOf(current);
    const text = `${entry.replace(/\r?\n/g, eol).replace(/\r?\n$/, '')}${eol}`;
    const addedEol = before.length > 0 && !before.endsWith('\n');
    const tail = `${addedEol ? eol : ''}${before.length ? eol : ''}${text}`;
    // An entry goes at the end: one O_APPEND write, so that lines others append meanwhile all stay.
    if (current !== null) appendLine(path, tail);
    else if (!writeFileIfUnchanged(path, `${before}${tail}`, null)) appendLine(path, tail);
    else created.set(path, before);
    appended.set(uid, { addedEol });
  });
}

/** Removes the entry (markers included) and the blank line before it: the undo of appendEntry. */
export async function removeEntry(main: string, root: string, uid: string): Promise<boolean> {
  const path = worklogPath(main);
  return withStoreLock(root, WORKLOG_LOCK, () => {
    let removed = false;
    rewrite(path, (text) => {
      const at = text === null ? null : locate(text, uid);
      if (text === null || !at || at.end === null) return null;
      const memo = appended.get(uid);
      const eol = eolOf(text);
      let start = at.start;
      if (text.slice(Math.max(0, start - 2 * eol.length), start) === eol + eol) start -= eol.length;
      if (memo?.addedEol && text.slice(start - eol.length, start) === eol) start -= eol.length;
      removed = true;
      return text.slice(0, start) + text.slice(at.end);
    });
    if (!removed) return false;
    appended.delete(uid);
    // The kit made the file for this entry alone and nobody wrote in it since: it goes, as it came.
    if (created.has(path) && created.get(path) === readText(path)) {
      unlinkSync(path);
      created.delete(path);
    }
    return true;
  });
}

/** Rewrites one line of the entry; `change` gets the entry's inner text and returns it changed, or null. */
async function editEntry(main: string, root: string, uid: string, change: (inner: string) => string | null): Promise<boolean> {
  const path = worklogPath(main);
  return withStoreLock(root, WORKLOG_LOCK, () => {
    let found = false;
    rewrite(path, (text) => {
      const at = text === null ? null : locate(text, uid);
      const inner = text === null || !at ? null : change(text.slice(at.inner, at.innerEnd));
      found = inner !== null;
      return text === null || !at || inner === null ? null : text.slice(0, at.inner) + inner + text.slice(at.innerEnd);
    });
    return found;
  });
}

/** Sets the `- **Status:** ...` line of the entry; false when the entry or its status line is missing. */
export async function setEntryStatus(main: string, root: string, uid: string, status: string): Promise<boolean> {
  checkValue('the status', status);
  return editEntry(main, root, uid, (inner) => {
    const m = fieldRe('Status').exec(inner);
    if (!m) return null;
    return inner.slice(0, m.index) + `- **Status:** ${status}` + inner.slice(m.index + m[0].length);
  });
}

/** The change of setEntryField: the field's line replaced when present, else inserted after the status line. */
function fieldChange(field: string, value: string): (inner: string) => string | null {
  checkValue('a field value', value);
  if (!field || /[\r\n*:]/.test(field)) throw new OperationError(`invalid WORK_LOG field name ${JSON.stringify(field)}`);
  const line = `- **${field}:** ${value}`;
  return (inner) => {
    const own = fieldRe(field).exec(inner);
    if (own) return inner.slice(0, own.index) + line + inner.slice(own.index + own[0].length);
    const status = fieldRe('Status').exec(inner);
    if (!status) return null;
    const at = status.index + status[0].length;
    const eol = inner.slice(at, at + 2) === '\r\n' ? '\r\n' : '\n';
    return inner.slice(0, at) + eol + line + inner.slice(at);
  };
}

/** Sets a `- **<field>:** value` line of the entry: replaced when present, else inserted after the status line. */
export async function setEntryField(main: string, root: string, uid: string, field: string, value: string): Promise<boolean> {
  return editEntry(main, root, uid, fieldChange(field, value));
}

/** setEntryField for many entries in one rewrite of WORK_LOG.md (sync-all); returns the uids whose entry was not found. */
export async function setEntryFields(main: string, root: string, edits: readonly { uid: string; field: string; value: string }[]): Promise<string[]> {
  const changes = edits.map((e) => ({ uid: e.uid, change: fieldChange(e.field, e.value) }));
  if (!changes.length) return [];
  const path = worklogPath(main);
  return withStoreLock(root, WORKLOG_LOCK, () => {
    let missing = new Set(changes.map((c) => c.uid));
    rewrite(path, (text) => {
      missing = new Set(changes.map((c) => c.uid)); // a retry reads the file again
      if (text === null) return null;
      let out = text;
      for (const { uid, change } of changes) {
        const at = locate(out, uid);
        const inner = at ? change(out.slice(at.inner, at.innerEnd)) : null;
        if (!at || inner === null) continue;
        out = out.slice(0, at.inner) + inner + out.slice(at.innerEnd);
        missing.delete(uid);
      }
      return out === text ? null : out;
    });
    return [...missing];
  });
}

/** The entry as it reads now (people's edits included): its heading as title, its text as body, its status. */
export function readEntry(main: string, uid: string): { title: string; body: string; status: string | null } | null {
  const text = readText(worklogPath(main));
  const at = text === null ? null : locate(text, uid);
  if (text === null || !at) return null;
  const inner = text.slice(at.inner, at.innerEnd).replace(/\r\n/g, '\n');
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(inner);
  const name = /^<!-- parallel-session:begin uid=\S+ name=(\S+) -->/.exec(text.slice(at.start))?.[1];
  const status = fieldRe('Status').exec(inner)?.[0].replace(/^- \*\*Status:\*\*\s*/, '').trim() ?? null;
  return { title: heading?.[1]?.trim() || name || uid, body: `${inner.trim()}\n`, status: status || null };
}
