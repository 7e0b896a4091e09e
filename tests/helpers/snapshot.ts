// Exact pictures of a repository, to prove that a command changed nothing (or only what it should).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gitIn } from './repo.ts';

function walk(dir: string, root: string, out: Record<string, string>, skipGit: boolean): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skipGit && e.name === '.git' && dir === root) continue;
    if (e.isDirectory()) walk(p, root, out, skipGit);
    else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
}

/** HEAD, the checked-out branch, status, git's in-progress markers, and a hash of every file outside .git. */
export function snapshot(copy: string) {
  const files: Record<string, string> = {};
  walk(copy, copy, files, true);
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

/** Every file of a repository's object store (loose objects, packs, their indexes), with a hash of each. */
export function objectFiles(repo: string): Record<string, string> {
  const dir = gitIn(repo, 'rev-parse', '--path-format=absolute', '--git-path', 'objects');
  const files: Record<string, string> = {};
  walk(dir, dir, files, false);
  return files;
}
