// make advise: what a session costs in each mode on the user's repository, projected to the sessions
// they plan, and which mode to use. Measured on a stand-in in a temporary folder that goes afterwards.
import { statfsSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Context } from '../config/context.ts';
import { UsageError } from '../core/errors.mjs';
import { git } from '../git/repo.ts';
import { decide, project, type Decision, type Projection } from './decide.ts';
import { ADVISE_MODES, measureEmpty, measureMode, type ModeMeasure } from './measure.ts';
import { makeStandIn, removeStandIn } from './stand-in.ts';

export { renderReport } from './report.ts';
export { bytes, seconds, type Projection } from './decide.ts';

export interface AdviseInput {
  /** The sessions the user plans (default 5). */
  sessions?: number;
  /** Called with the temporary folder as soon as it exists, so that a caller can remove it even on a hard exit. */
  onTemp?: (dir: string) => void;
}

export interface Advice {
  repo: string;
  base: string;
  sessions: number;
  /** Sessions made per mode; the figures for `sessions` are projected from them. */
  samples: number;
  files_total: number;
  free_bytes: number;
  cpus: number;
  measures: ModeMeasure[];
  projections: Projection[];
  decision: Decision;
  elapsed_ms: number;
}

/** A few sessions per mode are measured, never more than planned: the rest is projected. */
const SAMPLES = 2;

export async function advise(ctx: Context, input: AdviseInput = {}): Promise<Advice> {
  const sessions = input.sessions ?? 5;
  if (!Number.isInteger(sessions) || sessions < 1) throw new UsageError(`sessions=${sessions}: expected a whole number of sessions, at least 1`);
  const started = Date.now();
  const base = ctx.config.base;
  const filesTotal = (await git(ctx.main, ['ls-tree', '-r', '-z', '--name-only', `refs/heads/${base}`])).split('\0').filter(Boolean).length;
  const s = await makeStandIn(ctx);
  input.onTemp?.(s.dir);
  try {
    const samples = Math.min(sessions, SAMPLES);
    const empty = await measureEmpty(s);
    const measures: ModeMeasure[] = [];
    for (const mode of ADVISE_MODES) measures.push(await measureMode(s, mode, samples, empty));
    const fs = statfsSync(s.dir);
    const free = Number(fs.bavail) * Number(fs.bsize);
    const projections = measures.map((m) => project(m, sessions));
    const decision = decide(projections, { sessions, free_bytes: free, files_total: filesTotal });
    for (const m of measures) if (m.sync_failures.length) decision.warnings.push(`while measuring mode=${m.mode}, sync did not go through for ${m.sync_failures.join('; ')}: its sync figure is not to be trusted`);
    return { repo: ctx.main, base, sessions, samples, files_total: filesTotal, free_bytes: free, cpus: cpus().length, measures, projections, decision, elapsed_ms: Date.now() - started };
  } finally {
    removeStandIn(s.dir);
  }
}
