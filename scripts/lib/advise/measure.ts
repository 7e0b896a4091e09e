// What one session costs in each mode, measured with the kit's own code on the stand-in: a few sessions
// are made (each with a commit of its own), listed, synced after the base moved, and thrown away.
import { existsSync, lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import { run } from '../core/exec.ts';
import { workspaceDir } from '../store/paths.ts';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OperationError } from '../core/errors.mjs';
import { git } from '../git/repo.ts';
import { linkedGitDir } from '../git/worktrees.ts';
import { createSession } from '../session/create.ts';
import { listSessions } from '../session/list.ts';
import { syncSessions } from '../sync/sync.ts';
import { identify, type StandIn } from './stand-in.ts';

export const ADVISE_MODES = ['worktree', 'clone', 'sparse'] as const;
export type AdviseMode = (typeof ADVISE_MODES)[number];

/** A cost that grows with the number of sessions: what it is with none, and what each one adds. */
export interface Linear {
  fixed_ms: number;
  per_session_ms: number;
}

export interface ModeMeasure {
  mode: AdviseMode;
  /** Sessions made to measure it. */
  samples: number;
  /** new-session, the median of the samples (without the config's setup command, which is the same in every mode). */
  create_ms: number;
  /** Disk a session's copy takes, its git files included (hard links to the main repository's objects not counted). */
  disk_bytes: number;
  /** Files its checkout holds. */
  files: number;
  list: Linear;
  sync: Linear;
  /** Sessions that did not sync cleanly (a figure to distrust). */
  sync_failures: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Bytes on disk under `dir`, files with other hard links (a clone's objects) left out. */
function diskOf(dir: string): number {
  let bytes = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) bytes += diskOf(p) + 4096;
    else {
      const st = lstatSync(p);
      if (st.nlink === 1) bytes += st.blocks * 512;
    }
  }
  return bytes;
}

/** Tracked files the checkout holds (a sparse one skips the rest). */
async function checkedOut(path: string): Promise<number> {
  return (await git(path, ['ls-files', '-t', '-z'])).split('\0').filter((l) => l && !l.startsWith('S ')).length;
}

/** The session's own commit: a new file in its component (at the top when the component is one file). */
async function commitOwn(path: string, componentPaths: readonly string[], name: string): Promise<void> {
  const first = (componentPaths[0] ?? '').replace(/^\.\/?/, '');
  const folder = first.endsWith('/') ? first : first && existsSync(join(path, first)) && lstatSync(join(path, first)).isDirectory() ? `${first}/` : '';
  const file = `${folder}parallel-advise-${name}.txt`;
  writeFileSync(join(path, file), `${name}\n`);
  await git(path, ['add', '--', file]);
  await git(path, ['commit', '--quiet', '--no-verify', '-m', `advise: ${name}`]);
}

/** The base moves by one commit (a new file at the top), made without a checkout; returns where it was. */
async function moveBase(main: string, base: string): Promise<string> {
  const old = (await git(main, ['rev-parse', `refs/heads/${base}`])).trim();
  const blob = (await git(main, ['hash-object', '-w', '--stdin'], 'the base moved\n')).trim();
  const top = await git(main, ['ls-tree', '-z', old]);
  const tree = (await git(main, ['mktree', '-z'], `${top}100644 blob ${blob}\tparallel-advise-base.txt\0`)).trim();
  const commit = (await git(main, ['commit-tree', tree, '-p', old, '-m', 'advise: the base moves'])).trim();
  await git(main, ['update-ref', `refs/heads/${base}`, commit, old]);
  return old;
}

/** list-sessions and sync-all with no session: the fixed part of their cost. */
export async function measureEmpty(s: StandIn): Promise<{ list_ms: number; sync_ms: number }> {
  const lists: number[] = [];
  for (let i = 0; i < 3; i++) lists.push((await timed(() => listSessions(s.ctx))).ms);
  return { list_ms: median(lists), sync_ms: (await timed(() => syncSessions(s.ctx))).ms };
}

/**
 * Throws the mode's sessions away: their copies and records are all in the temporary folder, so this
 * frees the disk for the next mode without end-session's checks (which read every copy twice).
 */
async function discard(ctx: Context, paths: readonly string[]): Promise<void> {
  for (const path of paths) await run('rm', ['-rf', '--', path]);
  await git(ctx.main, ['worktree', 'prune']);
  rmSync(workspaceDir(ctx.root, ctx.config.workspace), { recursive: true, force: true });
}

export async function measureMode(s: StandIn, mode: AdviseMode, samples: number, empty: { list_ms: number; sync_ms: number }): Promise<ModeMeasure> {
  // A workspace per mode: list-sessions and sync-all see this mode's sessions only.
  const ctx: Context = { ...s.ctx, config: { ...s.ctx.config, workspace: `advise-${mode}` } };
  const check = () => {
    if (ctx.interrupted()) throw new OperationError('interrupted');
  };
  const components = Object.keys(s.components);
  const paths: string[] = [];
  let baseWas: string | null = null;
  const creates: number[] = [];
  const disks: { bytes: number; files: number }[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      check();
      const name = `${mode}-${i}`;
      const component = components[i % components.length] as string;
      const { ms, value } = await timed(() => createSession(ctx, { name, component, mode, shared: true, agent: 'none' }, { setupOutput: 'capture' }));
      creates.push(ms);
      const path = value.record.path as string;
      paths.push(path);
      const admin = mode === 'clone' ? null : linkedGitDir(path);
      disks.push({ bytes: diskOf(path) + (admin ? diskOf(admin) : 0), files: await checkedOut(path) });
      if (mode === 'clone') await identify(path);
      await commitOwn(path, s.components[component]?.paths ?? [], name);
    }
    check();
    const lists: number[] = [];
    for (let i = 0; i < 3; i++) lists.push((await timed(() => listSessions(ctx))).ms);
    check();
    baseWas = await moveBase(ctx.main, ctx.config.base);
    const sync = await timed(() => syncSessions(ctx));
    const perSession = (ms: number, fixed: number) => Math.max(0, (ms - fixed) / samples);
    return {
      mode,
      samples,
      create_ms: median(creates),
      disk_bytes: Math.round(median(disks.map((d) => d.bytes))),
      files: median(disks.map((d) => d.files)),
      list: { fixed_ms: empty.list_ms, per_session_ms: perSession(median(lists), empty.list_ms) },
      sync: { fixed_ms: empty.sync_ms, per_session_ms: perSession(sync.ms, empty.sync_ms) },
      sync_failures: sync.value.sessions.filter((x) => !x.ok).map((x) => `${x.name}: ${x.result}${x.message ? ` (${x.message})` : ''}`),
    };
  } finally {
    if (!ctx.interrupted()) {
      await discard(ctx, paths);
      // The next mode starts from the same base.
      if (baseWas) await git(ctx.main, ['update-ref', `refs/heads/${ctx.config.base}`, baseWas]);
    }
  }
}
