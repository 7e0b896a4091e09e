// One commit of given file contents on the current branch, made in a throwaway index: whatever else is
// staged or changed in the checkout stays as it was, and a file's other changes stay uncommitted (the
// commit holds exactly the content the caller gives). No hooks run (git commit-tree).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { lastLine, run } from '../core/exec.ts';
import { gitEnv, gitRaw } from './repo.ts';

export interface FileContent {
  path: string;
  /** null: the commit deletes the file. */
  content: string | null;
}

/** The file as HEAD has it, or null when HEAD lacks it (or there is no HEAD yet). */
export async function headFile(main: string, path: string): Promise<string | null> {
  const r = await gitRaw(main, ['cat-file', 'blob', `HEAD:${path}`]);
  return r.code === 0 ? r.stdout : null;
}

/** Commits the files with these contents on the checked-out branch; returns the new commit's id. */
export async function commitFiles(main: string, files: readonly FileContent[], message: string): Promise<string> {
  const branch = (await gitRaw(main, ['symbolic-ref', '-q', 'HEAD'])).stdout.trim();
  if (!branch) throw new OperationError('HEAD is detached in the main checkout; check out a branch to commit on');
  const head = await gitRaw(main, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  const parent = head.code === 0 ? head.stdout.trim() : '';
  const scratch = mkdtempSync(join(tmpdir(), 'parallel-index-'));
  try {
    const env = { ...gitEnv(), GIT_INDEX_FILE: join(scratch, 'index') };
    const g = async (args: string[], input?: string) => {
      const r = await run('git', args, { cwd: main, env, input, ownGroup: true });
      if (r.code !== 0) throw new OperationError(`could not commit ${files.map((f) => f.path).join(', ')}: ${lastLine(r)}`);
      return r.stdout.trim();
    };
    await g(parent ? ['read-tree', parent] : ['read-tree', '--empty']);
    for (const f of files) {
      if (f.content === null) {
        await g(['update-index', '--force-remove', '--', f.path]);
        continue;
      }
      const blob = await g(['hash-object', '-w', '--stdin'], f.content);
      await g(['update-index', '--add', '--cacheinfo', `100644,${blob},${f.path}`]);
    }
    const tree = await g(['write-tree']);
    const commit = await g(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message]);
    // Only if the branch is still where it was read: a commit made meanwhile is never lost.
    await g(['update-ref', '-m', `commit: ${message}`, branch, commit, parent || '0'.repeat(40)]);
    // The checkout's own index: each file now matches the commit, unless something of it was staged.
    for (const f of files) {
      const staged = await gitRaw(main, ['diff', '--cached', '--quiet', parent || '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '--', f.path]);
      if (staged.code !== 0) continue;
      if (f.content === null) await gitRaw(main, ['update-index', '--force-remove', '--', f.path]);
      else await gitRaw(main, ['update-index', '--add', '--cacheinfo', `100644,${await g(['rev-parse', `${commit}:${f.path}`])},${f.path}`]);
    }
    return commit;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
