// Answers that depend only on commit ids, kept between runs in <state folder>/.cache/commits.json:
// what a session changed since its base (keyed by base and tip), and whether two commits merge (keyed
// by the pair). list-sessions, conflicts, the hooks' radar and the monitor share it, so a radar only
// computes what moved. Bounded (least recently used entries go first), written whole (temp file + rename)
// under a short lock, merged with what other writers saved meanwhile; a corrupt file is ignored and
// rebuilt. Deleting it is always safe: it only costs the next radar its speed.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { withLock } from '../core/lock.mjs';
import { commitCacheDir, lockPath } from '../store/paths.ts';

export const COMMIT_CACHE_VERSION = 1;
/** The bound: at most this many entries, and a file of at most about this many bytes. */
export const MAX_ENTRIES = 20_000;
export const MAX_BYTES = 8 * 1024 * 1024;
/** A session that changed more files than this is not cached (recomputed each time, the cache stays small). */
export const MAX_FILES = 5000;
/** An entry used again is marked used (and so written back) only when its mark is older than this. */
const TOUCH_MS = 10 * 60_000;

/** What a session changed: the merge base its diff starts from and the files (sorted). */
export interface ChangedEntry {
  mb: string;
  files: string[];
}
/** A merge computed by git merge-tree (or proven clean): conflicted files, sorted. */
export interface MergeEntry {
  clean: boolean;
  files: string[];
}
/** How far a tip is ahead of and behind a base (git rev-list --left-right --count). */
export interface CountsEntry {
  ahead: number;
  behind: number;
}
type Entry = { t: number; d?: ChangedEntry; m?: MergeEntry; c?: CountsEntry };

export function commitCacheFile(root: string): string {
  return join(commitCacheDir(root), 'commits.json');
}

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
const validChanged = (d: unknown): d is ChangedEntry => typeof d === 'object' && d !== null && typeof (d as ChangedEntry).mb === 'string' && isStrings((d as ChangedEntry).files);
const validCounts = (c: unknown): c is CountsEntry => typeof c === 'object' && c !== null && Number.isInteger((c as CountsEntry).ahead) && Number.isInteger((c as CountsEntry).behind);
const validMerge = (m: unknown): m is MergeEntry => typeof m === 'object' && m !== null && typeof (m as MergeEntry).clean === 'boolean' && isStrings((m as MergeEntry).files);

/** The entries on disk; anything unreadable (absent, half a file, another version, not JSON) reads as none. */
function load(file: string): Map<string, Entry> {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; entries?: unknown };
    if (raw?.version !== COMMIT_CACHE_VERSION || typeof raw.entries !== 'object' || raw.entries === null || Array.isArray(raw.entries)) return new Map();
    return new Map(Object.entries(raw.entries as Record<string, Entry>).filter(([, e]) => typeof e === 'object' && e !== null && typeof e.t === 'number'));
  } catch {
    return new Map();
  }
}

/** The newest entries within the bound, oldest dropped first. */
export function bounded(entries: Map<string, Entry>, maxEntries = MAX_ENTRIES, maxBytes = MAX_BYTES): Map<string, Entry> {
  let kept = [...entries].sort((a, b) => b[1].t - a[1].t).slice(0, maxEntries);
  let size = kept.reduce((n, [k, e]) => n + k.length + JSON.stringify(e).length + 4, 64);
  while (size > maxBytes && kept.length) {
    const [k, e] = kept.pop() as [string, Entry];
    size -= k.length + JSON.stringify(e).length + 4;
  }
  kept = kept.reverse();
  return new Map(kept);
}

const pairKey = (a: string, b: string) => (a < b ? `m ${a} ${b}` : `m ${b} ${a}`);

export class CommitCache {
  private readonly entries: Map<string, Entry>;
  private readonly dirty = new Map<string, Entry>();

  /** `root` null: a cache that remembers nothing (the radar without a cache computes everything). */
  constructor(
    private readonly root: string | null,
    private readonly opts: { maxEntries?: number; maxBytes?: number; now?: () => number } = {},
  ) {
    this.entries = root ? load(commitCacheFile(root)) : new Map();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private use(key: string, e: Entry): void {
    if (this.now() - e.t > TOUCH_MS) this.dirty.set(key, { ...e, t: this.now() });
  }

  /** The entry at `key` when `valid` says it holds what it should; marks it used. */
  private get<T>(key: string, pick: (e: Entry) => unknown, valid: (x: unknown) => x is T): T | null {
    const e = this.entries.get(key);
    const v = e && pick(e);
    if (!e || !valid(v)) return null;
    this.use(key, e);
    return v;
  }

  private put(key: string, files: readonly string[], e: Omit<Entry, 't'>): void {
    if (!this.root || files.length > MAX_FILES) return;
    const entry = { t: this.now(), ...e };
    this.entries.set(key, entry);
    this.dirty.set(key, entry);
  }

  changed(base: string, tip: string): ChangedEntry | null {
    return this.get(`d ${base} ${tip}`, (e) => e.d, validChanged);
  }

  setChanged(base: string, tip: string, d: ChangedEntry): void {
    this.put(`d ${base} ${tip}`, d.files, { d });
  }

  /** The merge of two commits, in either order. */
  merge(a: string, b: string): MergeEntry | null {
    return this.get(pairKey(a, b), (e) => e.m, validMerge);
  }

  setMerge(a: string, b: string, m: MergeEntry): void {
    this.put(pairKey(a, b), m.files, { m });
  }

  /** Ahead/behind of `tip` against `base` (the remote's branches in list-sessions remote=1). */
  counts(base: string, tip: string): CountsEntry | null {
    return this.get(`c ${base} ${tip}`, (e) => e.c, validCounts);
  }

  setCounts(base: string, tip: string, c: CountsEntry): void {
    this.put(`c ${base} ${tip}`, [], { c });
  }

  /**
   * Writes what this run added or used to the file, merged with what is there now (another writer's
   * entries survive), within the bound. Never throws: a cache that cannot be written is only slower.
   */
  async save(): Promise<boolean> {
    if (!this.root || !this.dirty.size) return true;
    const root = this.root;
    try {
      return await withLock(
        lockPath(root, 'commit-cache'),
        () => {
          const file = commitCacheFile(root);
          const all = load(file);
          for (const [k, e] of this.dirty) {
            const old = all.get(k);
            all.set(k, old && old.t > e.t ? old : e);
          }
          const kept = bounded(all, this.opts.maxEntries, this.opts.maxBytes);
          mkdirSync(commitCacheDir(root), { recursive: true });
          // No fsync: a file lost to a crash is a cache to rebuild, and the rename keeps readers from half a file.
          const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
          try {
            writeFileSync(tmp, JSON.stringify({ version: COMMIT_CACHE_VERSION, entries: Object.fromEntries(kept) }));
            renameSync(tmp, file);
          } catch (err) {
            rmSync(tmp, { force: true });
            throw err;
          }
          this.dirty.clear();
          return true;
        },
        { timeoutMs: 3000 },
      );
    } catch {
      return false;
    }
  }
}
