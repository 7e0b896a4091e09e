// Git-ignored files in a session's copy that ending it would delete: build output the config calls
// disposable goes with the copy; everything else (.env.local, notes, a local database) is kept in the
// session's archive, up to a size that is cheap to copy. Beyond it end-session refuses instead.
import { copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { SESSION_ENV_FILE } from '../store/paths.ts';

/** What end-session keeps of ignored files, in all: more would make ending slow and the archive heavy. */
export const KEEP_LIMIT = { bytes: 50 * 1024 * 1024, files: 5000 };

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * gitignore-style: `name/` is a folder of that name at any depth, `*.pyc` a name at any depth, and a
 * pattern with a `/` inside (or in front) is a path from the root of the copy. A path is disposable when
 * it or a folder above it matches.
 */
export function isDisposable(patterns: readonly string[], rel: string, isDir: boolean): boolean {
  const segs = rel.split('/');
  return patterns.some((p) => {
    const dirOnly = p.endsWith('/');
    const body = p.replace(/\/+$/, '').replace(/^\//, '');
    const re = globRegex(body);
    const anchored = p.startsWith('/') || body.includes('/');
    for (let i = 0; i < segs.length; i++) {
      const isFolder = i < segs.length - 1 || isDir;
      const subject = anchored ? segs.slice(0, i + 1).join('/') : (segs[i] as string);
      if ((!dirOnly || isFolder) && re.test(subject)) return true;
    }
    return false;
  });
}

export interface KeptEntry {
  /** As git status listed it (a folder ends with '/'). */
  entry: string;
  files: string[];
  bytes: number;
  /** Counting stopped at KEEP_LIMIT: it holds more than `bytes` and `files` say. */
  over: boolean;
}

export interface KeepPlan {
  keep: KeptEntry[];
  /** Entries that do not fit in KEEP_LIMIT, smallest kept first. */
  tooBig: KeptEntry[];
}

/** Sorts the ignored entries of a copy into kept and too big; disposable files, and copies new-session made, are left out. */
export function planKeep(copy: string, ignored: readonly string[], copied: readonly string[], disposable: readonly string[]): KeepPlan {
  const isCopied = (rel: string) => copied.some((c) => rel === c.replace(/\/+$/, '') || rel.startsWith(`${c.replace(/\/+$/, '')}/`));
  const measured: KeptEntry[] = [];
  for (const entry of ignored) {
    const e: KeptEntry = { entry, files: [], bytes: 0, over: false };
    const visit = (rel: string) => {
      if (e.over) return;
      let st: Stats;
      try {
        st = lstatSync(join(copy, rel));
      } catch {
        return; // gone since git listed it
      }
      if (rel === SESSION_ENV_FILE || isCopied(rel) || isDisposable(disposable, rel, st.isDirectory())) return;
      if (st.isDirectory()) {
        for (const child of readdirSync(join(copy, rel)).sort()) visit(`${rel}/${child}`);
      } else if (st.isFile() || st.isSymbolicLink()) {
        e.files.push(rel);
        e.bytes += st.size;
        e.over = e.bytes > KEEP_LIMIT.bytes || e.files.length > KEEP_LIMIT.files;
      }
    };
    visit(entry.replace(/\/+$/, ''));
    if (e.files.length) measured.push(e);
  }
  const plan: KeepPlan = { keep: [], tooBig: [] };
  let bytes = 0;
  let files = 0;
  for (const e of measured.sort((a, b) => a.bytes - b.bytes || a.entry.localeCompare(b.entry))) {
    const fits = !e.over && bytes + e.bytes <= KEEP_LIMIT.bytes && files + e.files.length <= KEEP_LIMIT.files;
    if (fits) {
      bytes += e.bytes;
      files += e.files.length;
      plan.keep.push(e);
    } else plan.tooBig.push(e);
  }
  plan.keep.sort((a, b) => a.entry.localeCompare(b.entry));
  return plan;
}

/** Copies the kept files under `dest` (same relative paths, modes and times; links as links). Run again, it refreshes them. */
export function keepFiles(copy: string, dest: string, plan: KeepPlan): void {
  for (const rel of plan.keep.flatMap((e) => e.files)) {
    const from = join(copy, rel);
    const to = join(dest, rel);
    mkdirSync(dirname(to), { recursive: true });
    const st = lstatSync(from);
    if (st.isSymbolicLink()) {
      rmSync(to, { force: true });
      symlinkSync(readlinkSync(from), to);
    } else {
      copyFileSync(from, to);
      utimesSync(to, st.atime, st.mtime);
    }
  }
}

/** "12 KB", "80 MB": for messages. */
export function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
