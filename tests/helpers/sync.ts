// Helpers for the sync, conflicts and finish tests: sessions through make, and exact snapshots of a copy.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { makeJson } from './make.ts';
import { commitFiles, gitIn, tempDir } from './repo.ts';

export interface Created {
  name: string;
  uid: string;
  branch: string;
  path: string | null;
  mode: string;
}

export function newSession(repo: string, name: string, vars: Record<string, string> = {}): Created {
  const r = makeJson<Created>(repo, 'new-session', { name, component: 'server', shared: '1', ...vars });
  expect(r.code, r.stderr).toBe(0);
  return r.data;
}

function walk(dir: string, root: string, out: Record<string, string>): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.name === '.git' && dir === root) continue;
    if (e.isDirectory()) walk(p, root, out);
    else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
}

/** HEAD, the checked-out branch, status, git's in-progress markers, and a hash of every file outside .git. */
export function snapshot(copy: string) {
  const files: Record<string, string> = {};
  walk(copy, copy, files);
  const gitDir = gitIn(copy, 'rev-parse', '--path-format=absolute', '--git-dir');
  const markers = ['rebase-merge', 'rebase-apply', 'MERGE_HEAD', 'AUTO_MERGE'].filter((m) => existsSync(join(gitDir, m)));
  return {
    head: gitIn(copy, 'rev-parse', 'HEAD'),
    branch: gitIn(copy, 'symbolic-ref', '--quiet', 'HEAD'),
    status: gitIn(copy, 'status', '--porcelain=v1', '--untracked-files=all'),
    index: gitIn(copy, 'ls-files', '--stage'),
    markers,
    files,
  };
}

export function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** The `- **Field:** value` line of a session's WORK_LOG entry. */
export function worklogField(repo: string, uid: string, field: string): string | undefined {
  const text = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
  const start = text.indexOf(`parallel-session:begin uid=${uid}`);
  const end = text.indexOf(`parallel-session:end uid=${uid}`);
  const entry = text.slice(start, end);
  return new RegExp(`^- \\*\\*${field}:\\*\\* (.*)$`, 'm').exec(entry)?.[1];
}

/** Commits on a branch that no worktree has checked out (branch-mode sessions), through a throwaway worktree. */
export function commitOnBranch(repo: string, branch: string, files: Record<string, string>, message = 'change'): string {
  const tmp = join(tempDir('kit-branch-'), 'wt');
  gitIn(repo, 'worktree', 'add', '-q', tmp, branch);
  const sha = commitFiles(tmp, files, message);
  gitIn(repo, 'worktree', 'remove', tmp);
  return sha;
}

/** Pushes a commit to `bare` from a clone of its own, as a teammate would; returns the new commit. */
export function pushFromElsewhere(bare: string, files: Record<string, string>, message = 'teammate'): string {
  const other = join(tempDir('kit-other-'), 'other');
  gitIn(tempDir('kit-x-'), 'clone', '-q', bare, other);
  const sha = commitFiles(other, files, message);
  gitIn(other, 'push', '-q', 'origin', 'HEAD:main');
  return sha;
}
