// The orchestrator: one process per workspace that watches its plan state and its sessions' files, starts
// each session whose dependencies completed, blocks the dependents of one that did not, and notifies.
// It keeps nothing in memory that the files do not say, so a second run after a kill -9 goes on where the
// first stopped; a run that was claimed (plan-run.json) is never started again.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { readRecord, sessionDir } from '../store/paths.ts';
import { passedEnv } from '../launch/command.ts';
import { SessionMonitor, type SessionView } from '../monitor/monitor.ts';
import { blockSessionStatus } from '../tracker/tracker.ts';
import { processAlive } from '../tracker/proc.ts';
import { decide, lookHeadless, lookTracked, type Look, type RunFiles } from './decide.ts';
import { RUN_CLAIM, RUN_EXIT, RUN_SPEC, type RunClaim, type RunExit, type RunSpec } from './runner.ts';
import { readPlanState, updatePlanState, type PlanEntry, type PlanState } from './state.ts';
import * as z from 'zod';

const HOST = hostname();
/** A runner spawned before a restart that has not claimed its run after this long is started again (the claim keeps it to one run). */
const UNCLAIMED_MS = 10_000;

export interface Starter {
  /** Starts a headless run: the runner's spec is written, the runner spawned detached. */
  headless: (entry: PlanEntry, dir: string) => Promise<void> | void;
  /** Starts an interactive session in its tmux window. */
  interactive: (entry: PlanEntry) => Promise<void> | void;
}

export interface Watcher {
  /** Every step's views of the workspace (the notifier). */
  observe: (views: SessionView[]) => Promise<void> | void;
}

export interface OrchestrateOptions {
  root: string;
  workspace: string;
  starter: Starter;
  watchers?: Watcher[];
  pollMs?: number;
  /** Give up waiting after this long (the sessions go on): code 124. */
  timeoutS?: number;
  signal?: AbortSignal;
  /** A line for the person: a session started, blocked, completed, failed. */
  onEvent?: (line: string) => void;
}

export interface OrchestrateResult {
  code: 0 | 1 | 124 | 130;
  state: PlanState;
  /** Another orchestrator of this workspace is alive (nothing was done). */
  busy: { pid: number; host: string } | null;
}

const runClaimSchema = z.object({ pid: z.number().int().positive(), host: z.string(), at: z.string() });
const runExitSchema = z.object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.string() });

export function runFiles(dir: string): RunFiles {
  const c = readRecord(join(dir, RUN_CLAIM), runClaimSchema);
  const x = readRecord(join(dir, RUN_EXIT), runExitSchema);
  const claim = c.ok ? (c.value as RunClaim) : null;
  return { claim, exit: x.ok ? (x.value as RunExit) : null, runnerAlive: claim !== null && (claim.host !== HOST || processAlive(claim.pid)) };
}

/** Spawns dist/plan-runner.mjs detached (its own session and process group), after writing its spec. */
export function spawnRunner(kitDir: string, env: NodeJS.ProcessEnv, root: string, workspace: string, entry: PlanEntry, argv: string[]): void {
  const dir = sessionDir(root, workspace, entry.name);
  const spec: RunSpec = { root, workspace, session: entry.name, argv, cwd: entry.cwd, env_file: entry.env_file, description: entry.description };
  writeJsonAtomic(join(dir, RUN_SPEC), spec);
  const child = spawn(process.execPath, [join(kitDir, 'dist', 'plan-runner.mjs'), dir], { cwd: entry.cwd, env: passedEnv(env), stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const done = () => (clearTimeout(t), signal?.removeEventListener('abort', done), r());
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

function claimOrchestrator(root: string, workspace: string, pid: number): Promise<{ pid: number; host: string } | null> {
  return updatePlanState(root, workspace, (s) => {
    const o = s.orchestrator;
    if (o && o.pid !== pid && (o.host !== HOST || processAlive(o.pid))) return { state: s, value: { pid: o.pid, host: o.host } };
    return { state: { ...s, orchestrator: { pid, host: HOST, started_at: isoWithOffset() } }, value: null };
  });
}

function releaseOrchestrator(root: string, workspace: string, pid: number): Promise<PlanState> {
  return updatePlanState(root, workspace, (s) => {
    const state = s.orchestrator?.pid === pid && s.orchestrator.host === HOST ? { ...s, orchestrator: null } : s;
    return { state, value: state };
  });
}

/** The looks of every entry, and of the sessions outside the plan that entries wait for. */
function lookAll(root: string, state: PlanState, views: Map<string, SessionView>): Map<string, Look> {
  const looks = new Map<string, Look>();
  for (const e of state.sessions) {
    const view = views.get(e.name) ?? null;
    looks.set(e.name, e.interactive ? lookTracked(view, e.started_at !== null) : lookHeadless(runFiles(sessionDir(root, state.workspace, e.name)), view));
  }
  for (const e of state.sessions) for (const a of e.after) if (!looks.has(a)) looks.set(a, lookTracked(views.get(a) ?? null, true));
  return looks;
}

/** Runs the plan of a workspace until every session has an outcome (or timeout, or the signal). */
export async function orchestrate(opts: OrchestrateOptions): Promise<OrchestrateResult> {
  const { root, workspace } = opts;
  const pid = process.pid;
  const busy = await claimOrchestrator(root, workspace, pid);
  if (busy) return { code: 1, state: readPlanState(root, workspace), busy };
  const say = opts.onEvent ?? (() => undefined);
  const monitor = new SessionMonitor({ root, workspace });
  const spawned = new Set<string>();
  const deadline = opts.timeoutS ? Date.now() + opts.timeoutS * 1000 : Infinity;
  try {
    for (;;) {
      const before = readPlanState(root, workspace);
      const viewList = monitor.sessions();
      const views = new Map(viewList.map((v) => [v.session_id, v]));
      const d = decide(before.sessions, lookAll(root, before, views));
      for (const b of d.block) if (blockSessionStatus(root, workspace, b.name, `blocked: ${b.reason}`)) say(`${b.name}: blocked (${b.reason})`);
      const starting: PlanEntry[] = [];
      for (const name of d.start) {
        const e = before.sessions.find((s) => s.name === name) as PlanEntry;
        const dir = sessionDir(root, workspace, name);
        // Started before a restart: the runner may still be on its way to its claim.
        const recent = e.started_at !== null && Date.now() - Date.parse(e.started_at) < UNCLAIMED_MS;
        if (spawned.has(name) || (e.interactive && e.started_at) || (!e.interactive && (recent || existsSync(join(dir, RUN_CLAIM))))) continue;
        spawned.add(name);
        starting.push(e);
      }
      const at = isoWithOffset();
      // Polled twice a second: the plan's file is rewritten only when an outcome or a start is to be recorded.
      const state = !d.outcomes.length && !starting.length ? before : await updatePlanState(root, workspace, (s) => {
        const sessions = s.sessions.map((e) => {
          const out = d.outcomes.find((o) => o.name === e.name);
          if (out && !e.outcome) return { ...e, outcome: out.outcome, reason: out.reason };
          if (starting.some((x) => x.name === e.name)) return { ...e, started_at: at };
          return e;
        });
        return { state: { ...s, sessions }, value: { ...s, sessions } };
      });
      // What ended is told before what it lets start.
      for (const o of d.outcomes) say(`${o.name}: ${o.outcome}${o.reason ? ` (${o.reason})` : ''}`);
      for (const e of starting) {
        say(`${e.name}: starting${e.after.length ? ` (after ${e.after.join(', ')})` : ''}`);
        try {
          if (e.interactive) await opts.starter.interactive(e);
          else await opts.starter.headless(e, sessionDir(root, workspace, e.name));
        } catch (err) {
          // It could not start (its window, its agent's command): failed, and what waits for it is blocked.
          const reason = `could not start: ${errorMessage(err)}`;
          say(`${e.name}: ${reason}`);
          await updatePlanState(root, workspace, (s) => ({ state: { ...s, sessions: s.sessions.map((x) => (x.name === e.name ? { ...x, outcome: 'failed' as const, reason } : x)) }, value: null }));
        }
      }
      for (const w of opts.watchers ?? []) await w.observe(viewList);
      if (d.done) return { code: d.code, state, busy: null };
      if (opts.signal?.aborted) return { code: 130, state, busy: null };
      if (Date.now() > deadline) return { code: 124, state, busy: null };
      await sleep(opts.pollMs ?? 500, opts.signal);
    }
  } finally {
    await releaseOrchestrator(root, workspace, pid);
  }
}

/** Reads an entry's runner output (its final answer), for the summary. */
export function answerOf(root: string, workspace: string, name: string): string {
  try {
    return readFileSync(join(sessionDir(root, workspace, name), 'agent-output.txt'), 'utf8');
  } catch {
    return '';
  }
}
