// The .parallel/ folder: where things live, and reading records that may be missing or corrupt.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { withLock } from '../core/lock.mjs';

export const STATE_DIR_NAME = '.parallel';
export const SESSION_ENV_FILE = '.parallel-session.env';

/** The state folder of a main checkout; PARALLEL_DIR overrides it. */
export function stateRoot(mainCheckout: string, env: NodeJS.ProcessEnv): string {
  return env.PARALLEL_DIR ? env.PARALLEL_DIR : join(mainCheckout, STATE_DIR_NAME);
}

export function workspaceDir(root: string, workspace: string): string {
  return join(root, workspace);
}

export function sessionDir(root: string, workspace: string, sessionId: string): string {
  return join(root, workspace, sessionId);
}

export function archiveDir(root: string, workspace: string): string {
  return join(root, 'archive', workspace);
}

/** Where a throwaway worktree for `what` of a session goes: under the state folder, unique per process. */
export function scratchPath(root: string, what: string, name: string): string {
  return join(root, 'tmp', `${what}-${name}-${process.pid}`);
}

export function lockPath(root: string, name: string): string {
  return join(root, 'locks', `${name}.lock`);
}

/** Holds the named cross-process lock of this state folder while fn runs. Keep fn short. */
export function withStoreLock<T>(root: string, name: string, fn: () => Promise<T> | T): Promise<T> {
  return withLock(lockPath(root, name), fn);
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; missing: boolean; error: string };

/** Reads and validates one JSON record; a missing or corrupt file is reported, never thrown. */
export function readRecord<S extends z.ZodType>(path: string, schema: S): ReadResult<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, error: missing ? `${path} is missing` : `${path}: ${(err as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, missing: false, error: `${path} is not valid JSON` };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, missing: false, error: `${path} does not match its schema${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

/** Folder names directly under `dir` (no dot-folders), sorted; an absent folder gives []. */
export function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** The commit cache: answers that depend only on commit ids (merges, changed files), in a dot folder listings skip. */
export function commitCacheDir(root: string): string {
  return join(root, '.cache');
}
