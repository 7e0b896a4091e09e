// What a session's copy holds, read only once git is known to read that copy and no other repository:
// a worktree that lost its .git link shows the enclosing repository's status, clean, to a plain git status.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { lastLine } from '../core/exec.ts';
import { realOr } from '../core/files.ts';
import { gitRaw } from './repo.ts';
import { isAdminDirOf } from './worktrees.ts';

export interface CopyContents {
  head: string | null;
  branch: string | null;
  /** Staged, unstaged, unmerged and untracked paths. */
  changed: string[];
  /** Git-ignored paths as git lists them: a folder an ignore pattern names ends with '/' and stands for all of it. */
  ignored: string[];
}

/** `status` is git's own output, for copyFingerprint to build on without asking git again. */
export type CopyRead = { ok: true; contents: CopyContents; status: string } | { ok: false; why: string };

/** One git process: branch, changed, untracked and ignored paths of a copy. */
const STATUS = ['status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored=matching', '-z'];

/** A worktree registered at `registered` of the repository whose common git folder is `commonDir`, or a clone. */
export type CopyIdentity = { kind: 'worktree'; commonDir: string; registered: string } | { kind: 'clone' };

const real = realOr;

/** Parsed `git status --porcelain=v2 --branch --untracked-files=all --ignored=matching -z`. */
export function parseStatusZ(out: string): CopyContents {
  const st: CopyContents = { head: null, branch: null, changed: [], ignored: [] };
  const items = out.split('\0');
  const after = (line: string, fields: number) => line.split(' ').slice(fields).join(' ');
  for (let i = 0; i < items.length; i++) {
    const line = items[i] as string;
    if (line.startsWith('# branch.oid ')) st.head = line.slice(13) === '(initial)' ? null : line.slice(13);
    else if (line.startsWith('# branch.head ')) st.branch = line.slice(14) === '(detached)' ? null : line.slice(14);
    else if (line.startsWith('1 ')) st.changed.push(after(line, 8));
    else if (line.startsWith('2 ')) {
      st.changed.push(after(line, 9));
      i++; // the path it was renamed from
    } else if (line.startsWith('u ')) st.changed.push(after(line, 10));
    else if (line.startsWith('? ')) st.changed.push(line.slice(2));
    else if (line.startsWith('! ')) st.ignored.push(line.slice(2));
  }
  return st;
}

/** Reads the copy at `at` in two git processes: who git thinks it is, then its status with ignored files. */
export async function readCopy(at: string, identity: CopyIdentity): Promise<CopyRead> {
  const id = await gitRaw(at, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir']);
  if (id.code !== 0) return { ok: false, why: `git cannot read it (${lastLine(id)})` };
  const [toplevel = '', gitDir = '', commonDir = ''] = id.stdout.trim().split('\n');
  if (toplevel !== real(at)) return { ok: false, why: `git sees ${toplevel} there, not the copy: its .git link is missing or broken` };
  if (identity.kind === 'clone' && gitDir !== real(join(at, '.git'))) return { ok: false, why: `its git folder is ${gitDir}, not its own .git` };
  if (identity.kind === 'worktree' && (commonDir !== real(identity.commonDir) || !isAdminDirOf(gitDir, identity.registered))) {
    return { ok: false, why: `its .git link points to ${gitDir}, which is not the worktree git has registered at ${identity.registered}` };
  }
  const st = await gitRaw(at, STATUS);
  if (st.code !== 0) return { ok: false, why: `git status failed there (${lastLine(st)})` };
  return { ok: true, contents: parseStatusZ(st.stdout), status: st.stdout };
}

/**
 * What a copy holds, as one string: git's status of it (ignored files included) and the size and times
 * of every path it lists, plus `files` (the ignored files the kit keeps, listed one by one). Two equal
 * fingerprints taken around a step mean nobody wrote into the copy meanwhile. Null when git cannot read it.
 */
export async function copyFingerprint(at: string, files: readonly string[], status?: string): Promise<string | null> {
  if (status === undefined) {
    const st = await gitRaw(at, STATUS);
    if (st.code !== 0) return null;
    status = st.stdout;
  }
  const c = parseStatusZ(status);
  const stamp = (rel: string) => {
    try {
      const s = lstatSync(join(at, rel));
      return `${rel}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch {
      return `${rel}:gone`;
    }
  };
  return [status, ...[...new Set([...c.changed, ...c.ignored, ...files])].sort().map(stamp)].join('\n');
}
