// A file the kit adds its part to, reversibly: before writing, the file's bytes as they were (or that it
// did not exist) are kept in a record of the kit's beside the agent's settings, with the sha256 of what
// the kit wrote. Taking the part out while the file is still as the kit left it puts those bytes back
// exactly (or deletes the file); a file changed since keeps its changes, and the kit's part comes out
// only where that can be done exactly (marker blocks), never when someone edited the kit's part.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';

export type PartState = 'absent' | 'intact' | 'edited';

export interface ManagedFile {
  file: string;
  /** The kit's record of this file (JSON). */
  record: string;
  /** The text with the kit's part in, from the file's current text (null: no file). */
  add(current: string | null): string;
  /** Whether the text holds the kit's part, exactly as the kit writes it. */
  inspect(current: string): PartState;
  /** The text without the kit's intact part, for a file changed since; null when that cannot be exact. */
  cut?(current: string): string | null;
  /** How to take the kit's part out by hand, for refusals. */
  byHand: string;
}

export interface FileChange {
  file: string;
  action: 'create' | 'change' | 'delete' | 'unchanged';
  before: string | null;
  after: string | null;
  note?: string;
  /** What to do with the record: write it, delete it, or leave it. */
  record: { path: string; value: FileRecord | null } | null;
  /** The folder the file is in did not exist. */
  makesDir?: boolean;
  /** The exact bytes to write, when they are the file's bytes from before. */
  bytes?: Buffer;
}

export interface FileRecord {
  version: 1;
  file: string;
  /** The file's bytes before the kit wrote it, base64; null when it did not exist. */
  before: string | null;
  made_dir: boolean;
  written_sha256: string;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const readOrNull = (p: string): Buffer | null => (existsSync(p) ? readFileSync(p) : null);

function readRecord(path: string): FileRecord | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as FileRecord;
}

/** What adding the kit's part would change (nothing when it is in already). */
export function planAdd(m: ManagedFile): FileChange {
  const raw = readOrNull(m.file);
  const current = raw?.toString('utf8') ?? null;
  const rec = readRecord(m.record);
  if (current !== null) {
    const state = m.inspect(current);
    // Byte for byte what the kit wrote, yet not the part it would write now: another version of the kit
    // (or the kit from another folder) wrote it, or what it depends on moved (Codex's trust entries name
    // hooks by position in hooks.json). Nothing of anyone else's changed in this file since: the part is
    // rewritten on the file as it was before, and the record keeps that first `before`.
    if (state === 'edited' && rec && raw && sha(raw) === rec.written_sha256) {
      const before = rec.before === null ? null : Buffer.from(rec.before, 'base64').toString('utf8');
      const after = m.add(before);
      return { file: m.file, action: 'change', before: current, after, note: "the kit's part rewritten (it was the kit's own, for another kit version, kit folder or hook order)", record: { path: m.record, value: { ...rec, written_sha256: sha(after) } } };
    }
    if (state === 'edited') throw new OperationError(`the kit's part of ${m.file} was edited since the kit wrote it; ${m.byHand}, then run this again`);
    if (state === 'intact') return { file: m.file, action: 'unchanged', before: current, after: current, note: 'already set up', record: null };
    if (rec) throw new OperationError(`${m.file} lost the kit's part, but the kit's record of it (${m.record}) is still there; delete the record, then run this again`);
  }
  const after = m.add(current);
  const madeDir = !existsSync(dirname(m.file));
  const value: FileRecord = { version: 1, file: m.file, before: raw ? raw.toString('base64') : null, made_dir: madeDir, written_sha256: sha(after) };
  return { file: m.file, action: current === null ? 'create' : 'change', before: current, after, record: { path: m.record, value }, makesDir: madeDir };
}

/** What taking the kit's part out would change; throws when it cannot be done without losing someone's edit. */
export function planRemove(m: ManagedFile): FileChange {
  const raw = readOrNull(m.file);
  const current = raw?.toString('utf8') ?? null;
  const rec = readRecord(m.record);
  const state = current === null ? 'absent' : m.inspect(current);
  if (!rec) {
    if (state === 'absent') return { file: m.file, action: 'unchanged', before: current, after: current, note: 'nothing of the kit here', record: null };
    throw new OperationError(`${m.file} holds the kit's part but the kit has no record of the file as it was (${m.record}); ${m.byHand}`);
  }
  const drop = { path: m.record, value: null };
  if (raw && sha(raw) === rec.written_sha256) {
    const bytes = rec.before === null ? undefined : Buffer.from(rec.before, 'base64');
    const before = bytes?.toString('utf8') ?? null;
    return { file: m.file, action: before === null ? 'delete' : 'change', before: current, after: before, bytes, record: drop, note: before === null ? 'the kit created it' : 'back as it was' };
  }
  if (state === 'absent') return { file: m.file, action: 'unchanged', before: current, after: current, note: "the kit's part is gone already", record: drop };
  if (state === 'edited') throw new OperationError(`the kit's part of ${m.file} was edited since the kit wrote it; ${m.byHand}`);
  const cut = m.cut?.(current as string) ?? null;
  if (cut === null) throw new OperationError(`${m.file} changed since the kit wrote it, and the kit does not rewrite a file it cannot restore exactly; ${m.byHand}`);
  return { file: m.file, action: 'change', before: current, after: cut, record: drop, note: 'changed since: only the kit\'s part taken out' };
}

function removeEmptyDirs(dir: string, upTo: number): void {
  for (let d = dir, n = 0; n < upTo && existsSync(d) && readdirSync(d).length === 0; d = dirname(d), n++) rmdirSync(d);
}

/** Writes the file whole (temp file + rename), with the mode the file had. */
function writeKeepingMode(file: string, data: Buffer): void {
  const mode = existsSync(file) ? statSync(file).mode & 0o7777 : null;
  const tmp = `${file}.parallel-kit-${process.pid}.tmp`;
  writeFileSync(tmp, data);
  if (mode !== null) chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** Writes the planned changes, the files first, then the records. */
export function writeChanges(changes: readonly FileChange[]): void {
  for (const c of changes) {
    const rec = c.record?.value === null ? readRecord(c.record.path) : null;
    if (c.action === 'create' || c.action === 'change') {
      mkdirSync(dirname(c.file), { recursive: true });
      writeKeepingMode(c.file, c.bytes ?? Buffer.from(c.after as string, 'utf8'));
    } else if (c.action === 'delete') {
      rmSync(c.file, { force: true });
      if (rec?.made_dir) removeEmptyDirs(dirname(c.file), 1);
    }
    if (c.record) {
      if (c.record.value) {
        mkdirSync(dirname(c.record.path), { recursive: true });
        writeJsonAtomic(c.record.path, c.record.value);
      } else {
        rmSync(c.record.path, { force: true });
        removeEmptyDirs(dirname(c.record.path), 1);
      }
    }
  }
}

/** A unified-diff-like preview of one change: the lines that go and come, with three lines around. */
export function previewChange(c: FileChange): string {
  const head = `--- ${c.before === null ? '/dev/null' : c.file}\n+++ ${c.after === null ? '/dev/null' : c.file}${c.note ? `   (${c.note})` : ''}`;
  if (c.action === 'unchanged') return `${c.file}: unchanged${c.note ? ` (${c.note})` : ''}`;
  const a = c.before === null ? [] : c.before.split('\n');
  const b = c.after === null ? [] : c.after.split('\n');
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const from = Math.max(0, p - 3);
  const toA = Math.min(a.length, a.length - s + 3);
  const toB = Math.min(b.length, b.length - s + 3);
  const lines = [
    `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@`,
    ...a.slice(from, p).map((l) => ` ${l}`),
    ...a.slice(p, a.length - s).map((l) => `-${l}`),
    ...b.slice(p, b.length - s).map((l) => `+${l}`),
    ...a.slice(a.length - s, toA).map((l) => ` ${l}`),
  ];
  return `${head}\n${lines.join('\n')}`;
}
