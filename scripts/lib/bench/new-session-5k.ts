// new-session on 5,000 files against git worktree add -b (target 1.2x), through make and bin/kit, and
// with a warm pool (target 0.3x). The filler a pooled new-session starts in the background is waited for
// before the next timing, so that neither side pays for it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, median, timeCommand, type Comparison, type Timed } from './timing.ts';
import { BUNDLE, git, MAKEFILE, sampleRepo, type BenchRun } from './sample.ts';
import { KIT_DIR } from '../core/kit-dir.ts';

export const BENCH_FILES = 5000;
type Spec = ReturnType<Parameters<typeof timeCommand>[1]>;

/** Baseline and subject alternately, each after `before` (untimed). */
export function alternate(runs: number, subject: (i: number) => Spec, baseline: (i: number) => Spec, before: (i: number) => void = () => undefined): { subject: Timed; baseline: Timed } {
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(timeCommand(1, () => ({ ...baseline(i), before: () => before(i) })).median_ms);
    s.push(timeCommand(1, () => ({ ...subject(i), before: () => before(i) })).median_ms);
  }
  const t = (xs: number[]): Timed => ({ median_ms: Math.round(median(xs) * 10) / 10, runs });
  return { subject: t(s), baseline: t(b) };
}

/** Blocks until no filler runs and the pool holds `size` ready copies (filling it here if need be). */
function poolFull(repo: string, size: number, env: NodeJS.ProcessEnv): void {
  const lock = join(repo, '.parallel', 'locks', 'pool-fill.lock');
  for (let i = 0; i < 6000 && existsSync(lock); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  timeCommand(1, () => ({ cmd: process.execPath, args: [BUNDLE('pool'), `size=${size}`], cwd: repo, env }));
}

export function benchNewSession5k(b: BenchRun): Comparison[] {
  const root = join(b.root, 'ns5k');
  const repo = sampleRepo(root, BENCH_FILES);
  const raw = (tag: string) => (i: number): Spec => ({ cmd: 'git', args: ['worktree', 'add', '-q', '-b', `${tag}${i}`, join(root, `${tag}${i}`), 'main'], cwd: repo, env: b.env });
  const session = (cmd: string, pre: string[], tag: string) => (i: number): Spec => ({ cmd, args: [...pre, 'new-session', `name=${tag}${i}`, 'component=server', 'shared=1'], cwd: repo, env: b.env });
  const viaMake = ['-s', '-f', MAKEFILE];
  const out: Comparison[] = [];
  const m = alternate(b.runs, session('make', viaMake, 'm'), raw('rawm'));
  out.push(compare('new-session-5k', `make new-session (${BENCH_FILES} files)`, m.subject, 'git worktree add -b', m.baseline, 1.2));
  const k = alternate(b.runs, session(join(KIT_DIR, 'bin', 'kit'), [], 'k'), raw('rawk'));
  out.push(compare('new-session-5k-kit', `bin/kit new-session (${BENCH_FILES} files)`, k.subject, 'git worktree add -b', k.baseline, 1.2));

  const size = 2;
  writeFileSync(join(repo, 'parallel.config.yaml'), `components:\n  server: { paths: [server/] }\n  ui: { paths: [ui/] }\n  docs: { paths: [docs/] }\npool: ${size}\n`);
  git(repo, 'commit', '-qam', 'pool');
  const p = alternate(b.runs, session('make', viaMake, 'p'), raw('rawp'), () => poolFull(repo, size, b.env));
  poolFull(repo, 0, b.env);
  out.push(compare('new-session-pooled', `make new-session from the warm pool (${BENCH_FILES} files)`, p.subject, 'git worktree add -b', p.baseline, 0.3));
  return out;
}
