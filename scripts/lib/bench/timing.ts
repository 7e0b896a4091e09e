// Measuring commands against a baseline in the same run: medians and ratios, never absolute limits.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Timed {
  median_ms: number;
  runs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Runs `before` (untimed), then times `cmd args` in `cwd`; throws when the command fails. */
export function timeCommand(runs: number, make: (i: number) => { cmd: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv; input?: string; before?: () => void; after?: () => void }): Timed {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = make(i);
    c.before?.();
    const t0 = performance.now();
    const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, env: { ...process.env, ...c.env }, encoding: 'utf8', input: c.input ?? '' });
    samples.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
    c.after?.();
  }
  return { median_ms: Math.round(median(samples) * 10) / 10, runs };
}

type Spec = { cmd: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv; input?: string; before?: () => void };

/** Times a subject and its baseline alternately (baseline, subject, baseline, ...), so drift hits both alike. */
export function timeInterleaved(runs: number, subject: (i: number) => Spec, baseline: (i: number) => Spec): { subject: Timed; baseline: Timed } {
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(timeCommand(1, () => baseline(i)).median_ms);
    s.push(timeCommand(1, () => subject(i)).median_ms);
  }
  const t = (xs: number[]): Timed => ({ median_ms: Math.round(median(xs) * 10) / 10, runs });
  return { subject: t(s), baseline: t(b) };
}

export interface Comparison {
  name: string;
  subject: string;
  baseline: string;
  subject_ms: number;
  baseline_ms: number;
  ratio: number;
  runs: number;
  /** The target ratio (subject / baseline at most this), when there is one. */
  target: number | null;
  met: boolean | null;
  /** Why it was not measured (an agent CLI not installed); its figures are then meaningless. */
  skipped?: string;
}

export function compare(name: string, subject: string, s: Timed, baseline: string, b: Timed, target: number | null = null): Comparison {
  const ratio = Math.round((s.median_ms / b.median_ms) * 100) / 100;
  return { name, subject, baseline, subject_ms: s.median_ms, baseline_ms: b.median_ms, ratio, runs: s.runs, target, met: target === null ? null : ratio <= target };
}
