// Where a tracker (or the monitor) finds the state folder, workspace and session, without spawning git.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import { readEnvFile } from '../core/env-file.ts';
import { SESSION_ENV_FILE, STATE_DIR_NAME } from '../store/paths.ts';
import { NAME_RE, RESERVED_WORKSPACES } from '../store/constants.ts';

/** The nearest .parallel-session.env at or above `cwd`, up to the top of the checkout (the folder with .git). */
export function findSessionEnv(cwd: string): Record<string, string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, SESSION_ENV_FILE);
    if (existsSync(file)) return readEnvFile(file);
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return {};
  }
}

/**
 * The main checkout of the git repository around `cwd`, read from the files git keeps: a `.git` folder
 * is the main one; a worktree's `.git` file names its gitdir, whose `commondir` leads to the main .git.
 */
export function findMainCheckout(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotgit = join(dir, '.git');
    let isDir: boolean | null = null;
    try {
      isDir = statSync(dotgit).isDirectory();
    } catch {
      /* not here */
    }
    if (isDir === true) return dir;
    if (isDir === false) return mainFromGitFile(dir, dotgit);
    if (dirname(dir) === dir) return null;
  }
}

function mainFromGitFile(top: string, dotgit: string): string {
  try {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, 'utf8'));
    if (!m) return top;
    const gitdir = resolve(top, (m[1] as string).trim());
    const common = readFileSync(join(gitdir, 'commondir'), 'utf8').trim();
    const commonDir = resolve(gitdir, common);
    return dirname(commonDir);
  } catch {
    return top; // a submodule or an unusual layout: the checkout itself
  }
}

export interface Located {
  root: string;
  workspace: string | null;
  sessionId: string | null;
}

export interface LocateInput {
  dir?: string;
  workspace?: string;
  session?: string;
}

/**
 * Resolves each of state folder, workspace and session: explicit value, then PARALLEL_DIR /
 * PARALLEL_WORKSPACE / PARALLEL_SESSION, then the session environment file above `cwd`; the state
 * folder falls back to <main checkout>/.parallel, or ./.parallel outside a repository.
 */
export function locate(input: LocateInput, cwd: string, env: NodeJS.ProcessEnv): Located {
  let file: Record<string, string> | undefined;
  const fromFile = (key: string) => (file ??= findSessionEnv(cwd))[key] || undefined;
  const pick = (explicit: string | undefined, key: string) => explicit || env[key] || fromFile(key);
  const dir = pick(input.dir, 'PARALLEL_DIR');
  let root: string;
  if (dir) {
    root = resolve(cwd, dir);
    // A state folder may be new, but not in a place that does not exist (a mistyped path).
    if (!existsSync(dirname(root))) throw new UsageError(`dir=${dir}: ${dirname(root)} does not exist; give an existing folder (or one inside an existing folder)`);
  }
  else {
    const main = findMainCheckout(cwd);
    root = join(main ?? resolve(cwd), STATE_DIR_NAME);
  }
  return { root, workspace: pick(input.workspace, 'PARALLEL_WORKSPACE') ?? null, sessionId: pick(input.session, 'PARALLEL_SESSION') ?? null };
}

export function checkId(kind: 'workspace' | 'session', value: string): void {
  if (!NAME_RE.test(value)) throw new UsageError(`${kind}=${JSON.stringify(value)} is not a valid name: use 1-64 letters, digits, '-', '_' or '.', not starting with '-' or '.'`);
  if (kind === 'workspace' && (RESERVED_WORKSPACES as readonly string[]).includes(value)) throw new UsageError(`workspace=${value} is reserved; pick another name`);
}
