// Git questions and actions: one small function each, argument arrays only, no shell.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { readEnvFile } from '../core/env-file.ts';
import { OperationError, UsageError } from '../core/errors.mjs';
import { lastLine, run, type RunResult } from '../core/exec.ts';
import { SESSION_ENV_FILE } from '../store/paths.ts';

const GIT_ENV_DROP = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', ...extra };
  for (const k of GIT_ENV_DROP) delete env[k];
  return env;
}

/** Runs git in `cwd`; resolves with the result whatever the exit code. */
export function gitRaw(cwd: string, args: readonly string[], input?: string): Promise<RunResult> {
  return run('git', args, { cwd, env: gitEnv(), input, ownGroup: true });
}

/** Runs git in `cwd` and returns stdout; a non-zero exit throws an OperationError with git's own words. */
export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await gitRaw(cwd, args, input);
  if (r.code !== 0) throw new OperationError(gitFailure(args, r));
  return r.stdout;
}

export function gitFailure(args: readonly string[], r: RunResult): string {
  return `git ${args.filter((a) => !a.startsWith('-c') && !a.includes('=')).slice(0, 2).join(' ')} failed: ${lastLine(r)}`;
}

export interface RepoLocation {
  /** The main checkout: the folder that holds WORK_LOG.md, the config and .parallel/. */
  main: string;
  /** The top of the checkout the command was called from (main, a worktree or a clone). */
  toplevel: string;
  commonDir: string;
}

/** Finds the main checkout from anywhere inside it, inside one of its worktrees, or inside a session clone. */
export async function locateRepo(start: string): Promise<RepoLocation> {
  const dir = resolve(start);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`repo=${start}: no such folder`);
  const r = await gitRaw(dir, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir']);
  if (r.code !== 0) throw new UsageError(`${dir} is not inside a git repository; pass repo=PATH of one`);
  const [toplevel = '', commonDir = ''] = r.stdout.trim().split('\n');
  if (!toplevel) throw new UsageError(`${dir} is a bare repository; run the kit in a checkout`);
  const fromClone = readEnvFile(join(toplevel, SESSION_ENV_FILE)).PARALLEL_MAIN;
  if (fromClone && isAbsolute(fromClone) && existsSync(fromClone)) return { main: fromClone, toplevel, commonDir };
  const main = basename(commonDir) === '.git' ? dirname(commonDir) : toplevel;
  return { main, toplevel, commonDir };
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  return (await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0;
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await gitRaw(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

export async function revParse(cwd: string, ref: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--verify', `${ref}^{commit}`])).trim();
}

/** The repository's default branch: origin's HEAD, else main, else master, else what the checkout has. */
export async function defaultBranch(cwd: string): Promise<string> {
  // One process for the three refs that decide it (this runs in every command that loads the config).
  const refs = await gitRaw(cwd, ['for-each-ref', '--format=%(refname)%00%(symref)', 'refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master']);
  const found = new Map(refs.stdout.split('\n').filter(Boolean).map((l) => l.split('\0') as [string, string]));
  const origin = found.get('refs/remotes/origin/HEAD');
  if (origin?.startsWith('refs/remotes/origin/')) return origin.slice('refs/remotes/origin/'.length);
  for (const name of ['main', 'master']) if (found.has(`refs/heads/${name}`)) return name;
  const head = await gitRaw(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (head.code === 0 && head.stdout.trim()) return head.stdout.trim();
  return 'main';
}

export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const r = await gitRaw(cwd, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new OperationError(gitFailure(['merge-base', '--is-ancestor'], r));
}

export async function hasRemote(cwd: string, remote = 'origin'): Promise<boolean> {
  return (await gitRaw(cwd, ['remote', 'get-url', remote])).code === 0;
}

/** Validates a branch name with git's own rules. */
export async function isValidBranchName(cwd: string, branch: string): Promise<boolean> {
  return (await gitRaw(cwd, ['check-ref-format', '--branch', branch])).code === 0;
}

/** Parsed `git status --porcelain=v2 --branch`. */
export interface WorktreeStatus {
  branch: string | null;
  head: string | null;
  upstream: string | null;
  ahead: number | null;
  behind: number | null;
  /** Paths with staged, unstaged, unmerged or untracked changes (ignored files excluded). */
  changed: string[];
  untracked: string[];
}

export function parseStatusV2(out: string): WorktreeStatus {
  const st: WorktreeStatus = { branch: null, head: null, upstream: null, ahead: null, behind: null, changed: [], untracked: [] };
  for (const line of out.split('\n')) {
    if (!line) continue;
    if (line.startsWith('# branch.oid ')) st.head = line.slice(13) === '(initial)' ? null : line.slice(13);
    else if (line.startsWith('# branch.head ')) st.branch = line.slice(14) === '(detached)' ? null : line.slice(14);
    else if (line.startsWith('# branch.upstream ')) st.upstream = line.slice(18);
    else if (line.startsWith('# branch.ab ')) {
      const m = /^\+(\d+) -(\d+)$/.exec(line.slice(12));
      if (m) {
        st.ahead = Number(m[1]);
        st.behind = Number(m[2]);
      }
    } else if (line.startsWith('1 ')) st.changed.push(line.split(' ').slice(8).join(' '));
    else if (line.startsWith('2 ')) st.changed.push(line.split(' ').slice(9).join(' ').split('\t')[0] as string);
    else if (line.startsWith('u ')) st.changed.push(line.split(' ').slice(10).join(' '));
    else if (line.startsWith('? ')) {
      st.changed.push(line.slice(2));
      st.untracked.push(line.slice(2));
    }
  }
  return st;
}

/** One git process per worktree: branch, upstream ahead/behind and uncommitted files. */
export async function worktreeStatus(cwd: string): Promise<WorktreeStatus> {
  const out = await git(cwd, ['status', '--porcelain=v2', '--branch', '--untracked-files=all']);
  return parseStatusV2(out);
}

export async function aheadBehind(cwd: string, base: string, branch: string): Promise<{ ahead: number; behind: number }> {
  const out = await git(cwd, ['rev-list', '--left-right', '--count', `${base}...${branch}`]);
  const [behind = '0', ahead = '0'] = out.trim().split(/\s+/);
  return { ahead: Number(ahead), behind: Number(behind) };
}

