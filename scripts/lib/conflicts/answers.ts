// The radar's git work, answered from the commit cache where the commits are the same as last time:
// what each session changed since its base (one diff-tree process for all that moved), and the merges of
// pairs and of sessions with their bases (merge-tree only where neither the cache nor a proof answers).
import { parseHunks, provablyClean, type SessionHunks } from './hunks.ts';
import type { CommitCache } from './commit-cache.ts';
import { errorMessage } from '../core/errors.mjs';
import { pool } from '../core/pool.ts';
import { run as exec } from '../core/exec.ts';
import { git, gitFailure } from '../git/repo.ts';
import { changesMany, type Changes } from '../git/changes.ts';
import { mergeTreeMany, type MergeOutcome, type MergeTreeMode } from '../git/merge-tree.ts';

/** One session as the radar sees it: its tip and the sha of its base, when both are known. */
export interface Side {
  tip: string;
  base: string;
}

/** What the answers need of the run: the main checkout, a git environment (scratch objects), the mode. */
export interface Run {
  main: string;
  cache: CommitCache;
  env: () => Promise<NodeJS.ProcessEnv>;
  mode: () => Promise<MergeTreeMode>;
}

/** Tips (of main's branches) that contain `sha`, one process per base, asked once per run. */
function containment(main: string): (base: string) => Promise<Set<string>> {
  const asked = new Map<string, Promise<Set<string>>>();
  return (base) => {
    let p = asked.get(base);
    if (!p) {
      p = git(main, ['for-each-ref', `--contains=${base}`, '--format=%(objectname)', 'refs/heads/']).then((out) => new Set(out.split('\n').filter(Boolean)));
      asked.set(base, p);
    }
    return p;
  };
}

async function mergeBase(run: Run, contains: (base: string) => Promise<Set<string>>, s: Side): Promise<string> {
  if ((await contains(s.base)).has(s.tip)) return s.base;
  // In the run's environment: a clone session's tip is among the clone's objects, not main's.
  const r = await exec('git', ['merge-base', s.base, s.tip], { cwd: run.main, env: await run.env() });
  if (r.code !== 0) throw new Error(r.code === 1 ? `no common history with the base (${s.base.slice(0, 7)})` : gitFailure(['merge-base'], r));
  return r.stdout.trim();
}

/** diff-tree for many sessions in one process; when that fails, each alone, so one bad session does not hide the rest. */
async function changesOf(run: Run, diffs: { from: string; to: string }[], patch: boolean): Promise<(Changes | Error)[]> {
  const env = await run.env();
  try {
    return await changesMany(run.main, env, diffs, patch);
  } catch {
    return pool(diffs, async (d): Promise<Changes | Error> => {
      try {
        return (await changesMany(run.main, env, [d], patch))[0] ?? new Error('git diff-tree gave no output');
      } catch (err) {
        return new Error(errorMessage(err));
      }
    });
  }
}

export interface ChangedAnswers {
  /** Per side: the files changed since the fork from the base, or the error. */
  changed: (string[] | Error | null)[];
  /** Per side: the merge base the files were computed from. */
  mbs: (string | null)[];
  /** Hunks of the sides computed this run (per-merge mode), for proving pairs clean. */
  hunks: Map<number, SessionHunks>;
  contains: (base: string) => Promise<Set<string>>;
}

/** Files each side changed since it forked from its base: from the cache, else all that moved in one git process. */
export async function changedFiles(run: Run, sides: readonly (Side | null)[]): Promise<ChangedAnswers> {
  const contains = containment(run.main);
  const changed: ChangedAnswers['changed'] = sides.map(() => null);
  const mbs: (string | null)[] = sides.map(() => null);
  const hunks = new Map<number, SessionHunks>();
  const missing: number[] = [];
  sides.forEach((s, i) => {
    if (!s) return;
    if (s.tip === s.base) {
      changed[i] = [];
      mbs[i] = s.base;
      return;
    }
    const c = run.cache.changed(s.base, s.tip);
    if (c) {
      changed[i] = c.files;
      mbs[i] = c.mb;
    } else missing.push(i);
  });
  if (!missing.length) return { changed, mbs, hunks, contains };
  await pool(missing, async (i) => {
    try {
      mbs[i] = await mergeBase(run, contains, sides[i] as Side);
    } catch (err) {
      changed[i] = new Error(errorMessage(err));
    }
  });
  const todo = missing.filter((i) => mbs[i]);
  const patch = (await run.mode()) !== 'stdin';
  const got = await changesOf(run, todo.map((i) => ({ from: mbs[i] as string, to: (sides[i] as Side).tip })), patch);
  todo.forEach((i, k) => {
    const c = got[k] as Changes | Error;
    if (c instanceof Error) {
      changed[i] = c;
      return;
    }
    changed[i] = c.files;
    if (c.patch !== null) hunks.set(i, parseHunks(c.patch));
    run.cache.setChanged((sides[i] as Side).base, (sides[i] as Side).tip, { mb: mbs[i] as string, files: c.files });
  });
  return { changed, mbs, hunks, contains };
}

/** A merge to answer: two commits (a pair's tips, or a base and a tip), and which sides' hunks could prove it clean. */
export interface MergeQuestion {
  a: string;
  b: string;
  /** For a pair: the indices of both sides and the files both changed (a proof needs their hunks). */
  prove?: { i: number; j: number; files: string[]; crossed: boolean };
  /** For a base check: whether the tip contains the base already (then it merges cleanly). */
  ancestor?: () => Promise<boolean>;
}

export interface MergeAnswers {
  outcomes: MergeOutcome[];
  /** merge-tree runs made, and answers taken from the cache. */
  merges: number;
  cached: number;
}

/** Hunks of the sides a proof needs that were answered from the cache (their patch was not read). */
async function missingHunks(run: Run, ch: ChangedAnswers, sides: readonly (Side | null)[], need: Set<number>): Promise<void> {
  const todo = [...need].filter((i) => !ch.hunks.has(i) && ch.mbs[i] && sides[i] && Array.isArray(ch.changed[i]));
  const got = await changesOf(run, todo.map((i) => ({ from: ch.mbs[i] as string, to: (sides[i] as Side).tip })), true);
  todo.forEach((i, k) => {
    const c = got[k];
    if (c && !(c instanceof Error) && c.patch !== null) ch.hunks.set(i, parseHunks(c.patch));
  });
}

/** Answers every question: cache, identical commits, containment, a proof from hunks, else git merge-tree. */
export async function mergeAnswers(run: Run, ch: ChangedAnswers, sides: readonly (Side | null)[], questions: readonly MergeQuestion[]): Promise<MergeAnswers> {
  const outcomes: (MergeOutcome | null)[] = questions.map(() => null);
  let cached = 0;
  const open: number[] = [];
  for (const [k, q] of questions.entries()) {
    const c = run.cache.merge(q.a, q.b);
    if (c) {
      outcomes[k] = { clean: c.clean, files: c.files };
      cached++;
    } else if (q.a === q.b) outcomes[k] = { clean: true, files: [] };
    else open.push(k);
  }
  const settle = (k: number, o: MergeOutcome) => {
    outcomes[k] = o;
    const q = questions[k] as MergeQuestion;
    if (!o.error) run.cache.setMerge(q.a, q.b, { clean: o.clean, files: o.files });
  };
  const toGit: number[] = [];
  if (open.length && (await run.mode()) !== 'stdin') {
    // Without --stdin every merge is a process: first prove the pairs that cannot clash, and merge the rest.
    const need = new Set(open.flatMap((k) => (questions[k]?.prove ? [questions[k].prove.i, questions[k].prove.j] : [])));
    await missingHunks(run, ch, sides, need);
  }
  for (const k of open) {
    const q = questions[k] as MergeQuestion;
    const p = q.prove;
    const ha = p && ch.hunks.get(p.i);
    const hb = p && ch.hunks.get(p.j);
    // A file on one side where the other has a folder is git's to judge, never proven here.
    if (p && ha && hb && !p.crossed && provablyClean(ha, hb, p.files)) settle(k, { clean: true, files: [] });
    else if (q.ancestor && (await q.ancestor())) settle(k, { clean: true, files: [] });
    else toGit.push(k);
  }
  const sorted = toGit.map((k): [string, string] => {
    const q = questions[k] as MergeQuestion;
    return q.a < q.b ? [q.a, q.b] : [q.b, q.a];
  });
  const done = sorted.length ? await mergeTreeMany(run.main, await run.env(), sorted, await run.mode()) : [];
  toGit.forEach((k, n) => settle(k, done[n] as MergeOutcome));
  return { outcomes: outcomes as MergeOutcome[], merges: toGit.length, cached };
}
