// Many git runs of one fixed form (a status per copy, a merge per pair) through a few `sh` processes
// instead of one Node spawn each: Node pays a few milliseconds per child it forks, a shell far less. The
// scripts are constants; what varies (folders, commit ids) reaches them as arguments, never as text.
import { randomBytes } from 'node:crypto';
import { OperationError } from '../core/errors.mjs';
import { run, type RunResult } from '../core/exec.ts';
import { pool, poolSize } from '../core/pool.ts';
import { gitEnv, gitFailure, parseStatusV2, type WorktreeStatus } from './repo.ts';

/**
 * After each run the script writes NUL, the run's nonce, a space, its exit code, NUL, what it said on
 * stderr (a shell variable: no NUL), NUL. The nonce is random per call, so no output can forge a frame.
 */
const FRAME = `printf '\\0%s %s\\0%s\\0' "$KIT_BATCH_NONCE" "$c" "$e"`;
const SCRIPTS = {
  /** Arguments: folders; per folder `git -C <folder> status`. */
  status: `for d do { e=$(git -C "$d" status --porcelain=v2 --branch --untracked-files=all 2>&1 >&3 3>&-); } 3>&1; c=$?; ${FRAME}; done`,
  /** Arguments: pairs of commits; per pair `git merge-tree --write-tree`. */
  'merge-tree': `while [ $# -ge 2 ]; do { e=$(git merge-tree --write-tree --no-messages --name-only -z "$1" "$2" 2>&1 >&3 3>&-); } 3>&1; c=$?; ${FRAME}; shift 2; done`,
} as const;
export type BatchKind = keyof typeof SCRIPTS;
/** How many values one run takes. */
const ARITY: Record<BatchKind, number> = { status: 1, 'merge-tree': 2 };

/** The runs' results out of one script's output, in order; fewer than asked when the script died midway. */
export function parseBatch(out: string, nonce: string): RunResult[] {
  const results: RunResult[] = [];
  const mark = `\0${nonce} `;
  let at = 0;
  for (;;) {
    const m = out.indexOf(mark, at);
    if (m < 0) break;
    const codeEnd = out.indexOf('\0', m + mark.length);
    const errEnd = codeEnd < 0 ? -1 : out.indexOf('\0', codeEnd + 1);
    if (errEnd < 0) break;
    results.push({ code: Number(out.slice(m + mark.length, codeEnd)), stdout: out.slice(at, m), stderr: out.slice(codeEnd + 1, errEnd) });
    at = errEnd + 1;
  }
  return results;
}

export interface BatchOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How many scripts run at once (default: twice the CPU count, at most one per run). */
  drivers?: number;
  /** One run on its own, for what a script could not finish (it was killed): the plain way. */
  alone: (values: readonly string[]) => Promise<RunResult>;
}

/**
 * Runs `kind` for each entry of `values` (each `ARITY[kind]` strings), spread over a few scripts, and
 * returns one result per entry in order. A run a script did not report is run again alone.
 */
export async function gitBatch(kind: BatchKind, values: readonly (readonly string[])[], opts: BatchOptions): Promise<RunResult[]> {
  if (!values.length) return [];
  for (const v of values) if (v.length !== ARITY[kind]) throw new Error(`gitBatch ${kind}: expected ${ARITY[kind]} values per run`);
  const drivers = Math.max(1, Math.min(opts.drivers ?? poolSize() * 2, values.length));
  // Every driver-th entry to one script, so slow neighbours (big copies made one after another) spread out.
  const shares = Array.from({ length: drivers }, (_, d) => values.map((_, i) => i).filter((i) => i % drivers === d));
  const results = new Array<RunResult>(values.length);
  await Promise.all(
    shares.map(async (share) => {
      const nonce = randomBytes(16).toString('hex');
      const args = share.flatMap((i) => values[i] as string[]);
      const r = await run('sh', ['-c', SCRIPTS[kind], 'sh', ...args], { cwd: opts.cwd, env: { ...opts.env, KIT_BATCH_NONCE: nonce }, ownGroup: true }).catch((): RunResult => ({ code: 1, stdout: '', stderr: '' }));
      const got = parseBatch(r.stdout, nonce);
      share.forEach((i, k) => {
        if (got[k]) results[i] = got[k];
      });
    }),
  );
  const missing = values.map((_, i) => i).filter((i) => !results[i]);
  await pool(missing, async (i) => {
    results[i] = await opts.alone(values[i] as string[]);
  });
  return results;
}

const STATUS_ARGS = ['status', '--porcelain=v2', '--branch', '--untracked-files=all'];

/** worktreeStatus of many copies (one git process each, started by a few shells); a copy's failure is its Error. */
export async function worktreeStatuses(dirs: readonly string[], cwd: string): Promise<(WorktreeStatus | Error)[]> {
  const env = gitEnv();
  const runs = await gitBatch('status', dirs.map((d) => [d]), { cwd, env, alone: ([d]) => run('git', ['-C', d as string, ...STATUS_ARGS], { cwd, env, ownGroup: true }) });
  return runs.map((r) => (r.code === 0 ? parseStatusV2(r.stdout) : new OperationError(gitFailure(STATUS_ARGS, r))));
}
