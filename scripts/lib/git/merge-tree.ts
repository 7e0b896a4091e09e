// Merges computed in memory (git merge-tree --write-tree): which files two commits would conflict in.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationError, UsageError } from '../core/errors.mjs';
import { run, type RunResult } from '../core/exec.ts';
import { gitBatch } from './batch.ts';
import { git, gitEnv, gitFailure } from './repo.ts';

export interface MergeOutcome {
  clean: boolean;
  /** Paths git could not merge (content, add/add, modify/delete, file/directory...). */
  files: string[];
  /** Set when git could not compute the merge at all (clean is then false and files empty). */
  error?: string;
}

let versionCache: Promise<[number, number]> | null = null;

/** The installed git's major and minor version. */
export function gitVersion(): Promise<[number, number]> {
  versionCache ??= run('git', ['version']).then((r) => parseGitVersion(r.stdout));
  return versionCache;
}

export function parseGitVersion(text: string): [number, number] {
  const m = /git version (\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** `git merge-tree --stdin` (many merges in one process) came with git 2.40. */
export function hasMergeTreeStdin([major, minor]: [number, number]): boolean {
  return major > 2 || (major === 2 && minor >= 40);
}

/** How the merges run: all in one `git merge-tree --stdin` process (git 2.40+), or one process per merge. */
export type MergeTreeMode = 'stdin' | 'per-merge';
const MERGE_TREE_MODES: readonly MergeTreeMode[] = ['stdin', 'per-merge'];

/** A mode given by name (`what` says where it came from, for the error); empty or undefined: none asked for. */
export function parseMergeTreeMode(value: string | undefined, what: string): MergeTreeMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((MERGE_TREE_MODES as readonly string[]).includes(value)) return value as MergeTreeMode;
  throw new UsageError(`${what}=${JSON.stringify(value)}: expected one of ${MERGE_TREE_MODES.join(', ')}`);
}

/**
 * The mode to merge with: `wanted` when given (per-merge works everywhere, so the older path can be
 * forced on a newer git; stdin only where git has it), else the faster one the installed git offers.
 */
export async function mergeTreeMode(wanted?: MergeTreeMode): Promise<MergeTreeMode> {
  const version = await gitVersion();
  const stdin = hasMergeTreeStdin(version);
  if (wanted === 'stdin' && !stdin) throw new OperationError(`git merge-tree --stdin needs git 2.40 or later; this is git ${version.join('.')}`);
  return wanted ?? (stdin ? 'stdin' : 'per-merge');
}

/**
 * An environment in which git reads the objects of `main` and of `extra` repositories (session clones)
 * but writes new ones (merge-tree's trees) into a scratch folder, so the radar leaves every repository
 * as it was. dispose() removes the scratch folder; release() has it removed in the background (the
 * command goes on, or ends, meanwhile).
 */
export async function scratchObjects(main: string, extra: readonly string[] = []): Promise<{ env: NodeJS.ProcessEnv; dispose: () => void; release: () => void }> {
  const dirs = await Promise.all([main, ...extra].map(async (repo) => (await git(repo, ['rev-parse', '--path-format=absolute', '--git-path', 'objects'])).trim()));
  const scratch = mkdtempSync(join(tmpdir(), 'parallel-objects-'));
  const quote = (d: string) => (/[:"\\]/.test(d) ? JSON.stringify(d) : d);
  const env = gitEnv({ GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: [...new Set(dirs)].map(quote).join(':') });
  const dispose = () => rmSync(scratch, { recursive: true, force: true });
  // Unlinking hundreds of loose objects can take a second on a busy disk: a command need not wait for it.
  const release = () => {
    const rm = spawn('rm', ['-rf', '--', scratch], { detached: true, stdio: 'ignore' });
    rm.on('error', dispose);
    rm.unref();
  };
  return { env, dispose, release };
}

function mergeTreeArgs(): string[] {
  return ['merge-tree', '--write-tree', '--no-messages', '--name-only', '-z'];
}

/** One merge's result: exit 0 clean, 1 conflicted (then tree, NUL, the conflicted paths NUL-terminated). */
function outcomeOf(r: RunResult, a: string, b: string): MergeOutcome {
  if (r.code === 0) return { clean: true, files: [] };
  if (r.code !== 1) throw new OperationError(gitFailure([...mergeTreeArgs(), a, b], r));
  return { clean: false, files: [...new Set(r.stdout.split('\0').slice(1).filter(Boolean))].sort() };
}

/** One merge, one process. */
export async function mergeTreeOne(cwd: string, env: NodeJS.ProcessEnv, a: string, b: string): Promise<MergeOutcome> {
  return outcomeOf(await run('git', [...mergeTreeArgs(), a, b], { cwd, env }), a, b);
}

/**
 * Parses `git merge-tree --stdin --name-only --no-messages` output: per merge
 * `<1 clean|0 conflicted> NUL <tree> NUL [<path> NUL]... NUL`.
 */
export function parseMergeTreeStdin(out: string): MergeOutcome[] {
  const tokens = out.split('\0');
  tokens.pop(); // what follows the last NUL: an unfinished token, or nothing
  const results: MergeOutcome[] = [];
  let i = 0;
  while (i + 1 < tokens.length && (tokens[i] === '0' || tokens[i] === '1')) {
    const clean = tokens[i] === '1';
    i += 2;
    const files: string[] = [];
    while (i < tokens.length && tokens[i] !== '') files.push(tokens[i++] as string);
    if (i >= tokens.length) break; // a record cut short: the process died in the middle of it
    i++;
    results.push({ clean, files: [...new Set(files)].sort() });
  }
  return results;
}

/**
 * Many merges: in `stdin` mode one `--stdin` process (whatever it could not finish is redone pair by
 * pair), in `per-merge` mode one process per pair, run by a few shells at once; without a mode, the
 * one the installed git offers. Keeps the order of `pairs`.
 */
export async function mergeTreeMany(cwd: string, env: NodeJS.ProcessEnv, pairs: readonly (readonly [string, string])[], mode?: MergeTreeMode): Promise<MergeOutcome[]> {
  if (!pairs.length) return [];
  let done: MergeOutcome[] = [];
  if ((mode ?? (await mergeTreeMode())) === 'stdin') {
    const r = await run('git', [...mergeTreeArgs(), '--stdin'], { cwd, env, input: pairs.map(([a, b]) => `${a} ${b}\n`).join('') });
    done = parseMergeTreeStdin(r.stdout).slice(0, pairs.length);
  }
  // The rest one process per merge, started by a few shells rather than each by Node (git/batch.ts).
  const rest = pairs.slice(done.length);
  const runs = await gitBatch('merge-tree', rest, { cwd, env, alone: ([a, b]) => run('git', [...mergeTreeArgs(), a as string, b as string], { cwd, env }) });
  return [
    ...done,
    ...runs.map((r, k): MergeOutcome => {
      const [a, b] = rest[k] as readonly [string, string];
      try {
        return outcomeOf(r, a, b);
      } catch (err) {
        return { clean: false, files: [], error: (err as Error).message };
      }
    }),
  ];
}
