// From the measured cost of one session to the number the user plans, and which mode to use: pure.
import type { AdviseMode, Linear, ModeMeasure } from './measure.ts';

export interface Projection {
  mode: AdviseMode;
  create_ms: number;
  disk_bytes: number;
  files: number;
  /** For `sessions` sessions. */
  create_all_ms: number;
  disk_all_bytes: number;
  list_ms: number;
  sync_ms: number;
}

export interface Decision {
  mode: AdviseMode;
  reasons: string[];
  /** Said even when it does not change the choice (disk nearly full, a sync that failed while measuring). */
  warnings: string[];
}

export interface Facts {
  sessions: number;
  /** Free space where the copies go. */
  free_bytes: number;
  /** Files the base holds. */
  files_total: number;
}

const at = (l: Linear, n: number) => l.fixed_ms + l.per_session_ms * n;

export function project(m: ModeMeasure, sessions: number): Projection {
  return {
    mode: m.mode,
    create_ms: m.create_ms,
    disk_bytes: m.disk_bytes,
    files: m.files,
    create_all_ms: m.create_ms * sessions,
    disk_all_bytes: m.disk_bytes * sessions,
    list_ms: at(m.list, sessions),
    sync_ms: at(m.sync, sessions),
  };
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Below these, for all the planned sessions together, a partial checkout is not worth what it hides. */
const WORTH_MS = 5_000;
const WORTH_BYTES = 1024 ** 3;
/** What sparse must save against a worktree, in time or disk, to be chosen. */
const SAVING = 0.3;

/**
 * A worktree unless sparse saves a good share (30%) of what the planned sessions cost and that share
 * matters (5 s of creating or 1 GB of disk over all of them); a clone only when nothing else fits on the
 * disk. Whatever is chosen must fit in 80% of the free space.
 */
export function decide(projections: readonly Projection[], facts: Facts): Decision {
  const by = (mode: AdviseMode) => projections.find((p) => p.mode === mode) as Projection;
  const wt = by('worktree');
  const sp = by('sparse');
  const cl = by('clone');
  const n = facts.sessions;
  const reasons: string[] = [];
  const warnings: string[] = [];
  const fits = (p: Projection) => p.disk_all_bytes <= facts.free_bytes * 0.8;
  const timeSaved = wt.create_all_ms > 0 ? 1 - sp.create_all_ms / wt.create_all_ms : 0;
  const diskSaved = wt.disk_all_bytes > 0 ? 1 - sp.disk_all_bytes / wt.disk_all_bytes : 0;
  const matters = wt.create_all_ms - sp.create_all_ms >= WORTH_MS || wt.disk_all_bytes - sp.disk_all_bytes >= WORTH_BYTES;
  const share = facts.files_total ? Math.round((sp.files / facts.files_total) * 100) : 100;
  let mode: AdviseMode;
  if ((timeSaved >= SAVING || diskSaved >= SAVING) && matters) {
    mode = 'sparse';
    reasons.push(`a sparse copy holds ${share}% of the files (${sp.files} of ${facts.files_total}): ${n} sessions take ${seconds(sp.create_all_ms)} to create instead of ${seconds(wt.create_all_ms)} and ${bytes(sp.disk_all_bytes)} of disk instead of ${bytes(wt.disk_all_bytes)}`);
    reasons.push('agents see only their component, the sparse: list and the top files; add what builds and tests need to sparse: in parallel.config.yaml');
  } else if (!fits(wt) && fits(sp)) {
    mode = 'sparse';
    reasons.push(`${n} worktrees need ${bytes(wt.disk_all_bytes)}, more than 80% of the ${bytes(facts.free_bytes)} free; sparse copies need ${bytes(sp.disk_all_bytes)}`);
  } else {
    mode = 'worktree';
    reasons.push(`${n} worktrees take ${seconds(wt.create_all_ms)} to create and ${bytes(wt.disk_all_bytes)} of disk, each with the whole tree and one object store shared with the main checkout`);
    const pct = (x: number) => `${Math.round(Math.max(x, 0) * 100)}%`;
    if (sp.files < wt.files) reasons.push(`sparse would save ${seconds(Math.max(0, wt.create_all_ms - sp.create_all_ms))} (${pct(timeSaved)}) of creating and ${bytes(Math.max(0, wt.disk_all_bytes - sp.disk_all_bytes))} (${pct(diskSaved)}) of disk over the ${n} sessions: too little to be worth hiding the rest of the tree from the agents`);
    else reasons.push("the components cover the whole tree: a sparse copy would hold the same files");
  }
  reasons.push(`a clone costs ${ratio(cl.create_ms, wt.create_ms)} the time and ${ratio(cl.disk_bytes, wt.disk_bytes)} the disk of a worktree per session, and its objects part from the main repository's once git repacks it: use mode=clone only for tools that refuse a worktree`);
  const chosen = by(mode);
  if (!fits(chosen)) warnings.push(`${n} sessions in mode=${mode} need ${bytes(chosen.disk_all_bytes)}; only ${bytes(facts.free_bytes)} is free: plan at most ${Math.max(0, Math.floor((facts.free_bytes * 0.8) / Math.max(1, chosen.disk_bytes)))} sessions`);
  return { mode, reasons, warnings };
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}x` : '-';
}
