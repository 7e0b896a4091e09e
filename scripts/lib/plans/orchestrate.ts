// The orchestrator: one process per workspace that watches its plan state and its sessions' files, starts
// each session whose dependencies completed, blocks the dependents of one that did not, and notifies.
// It keeps nothing in memory that the files do not say, so a second run after a kill -9 goes on where the
// first stopped; a run that was claimed (plan-run.json) is never started again, and an interactive session
// whose start was recorded but whose launch did not finish (no launch.json since, or one still pending)
// is launched then (the launch clears what an interrupted one left in tmux, and keeps an agent it started).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, OperationError } from '../core/errors.mjs';
import { writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { readRecord, sessionDir } from '../store/paths.ts';
import { passedEnv } from '../launch/command.ts';
import { AlreadyRunning } from '../launch/launch.ts';
import { launchedSince, readLaunch } from '../launch/windows.ts';
import { SessionMonitor, type SessionView } from '../monitor/monitor.ts';
import { blockSessionStatus, SessionTracker } from '../tracker/tracker.ts';
import { processAlive } from '../tracker/proc.ts';
import { decide, lookHeadless, lookTracked, type Look, type RunFiles } from './decide.ts';
import { RUN_CLAIM, RUN_EXIT, RUN_LOG, RUN_SPEC, type RunClaim, type RunExit, type RunSpec } from './runner.ts';
import { HOST, markOf, stillRuns } from './owner.ts';
import { readPlanState, updatePlanState, type PlanEntry, type PlanState } from './state.ts';
import * as z from 'zod';

/** A runner spawned before a restart that has not claimed its run after this long is started again (the claim keeps it to one run). */
const UNCLAIMED_MS = 10_000;

export interface Starter {
  /** Starts a headless run: the runner's spec is written, the runner spawned detached; its pid. */
  headless: (entry: PlanEntry, dir: string) => Promise<number | void> | number | void;
  /**
   * Starts an interactive session in its tmux window; with `since`, only when no launch that started its
   * agent began since then (an AlreadyRunning error when one did, or when its agent runs).
   */
  interactive: (entry: PlanEntry, since?: string) => Promise<void> | void;
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

const runClaimSchema = z.object({ pid: z.number().int().positive(), host: z.string(), start: z.number().nullable().optional(), at: z.string() });
const runExitSchema = z.object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.string() });

export function runFiles(dir: string): RunFiles {
  const c = readRecord(join(dir, RUN_CLAIM), runClaimSchema);
  const claim = c.ok ? (c.value as RunClaim) : null;
  // Whether the runner lives before its exit file: a runner that records its exit and ends between the
  // two reads is then seen with its exit, never as gone without one.
  const runnerAlive = claim !== null && stillRuns(claim);
  const x = readRecord(join(dir, RUN_EXIT), runExitSchema);
  return { claim, exit: x.ok ? (x.value as RunExit) : null, runnerAlive, unreadable: !c.ok && !c.missing ? c.error : null };
}

/** Spawns dist/plan-runner.mjs detached (its own session and process group), after writing its spec; its pid. */
export function spawnRunner(kitDir: string, env: NodeJS.ProcessEnv, root: string, workspace: string, entry: PlanEntry, argv: string[]): number {
  const dir = sessionDir(root, workspace, entry.name);
  const spec: RunSpec = { root, workspace, session: entry.name, argv, cwd: entry.cwd, env_file: entry.env_file, description: entry.description };
  writeJsonAtomic(join(dir, RUN_SPEC), spec);
  const log = openSync(join(dir, RUN_LOG), 'a');
  const child = spawn(process.execPath, [join(kitDir, 'dist', 'plan-runner.mjs'), dir], { cwd: entry.cwd, env: passedEnv(env), stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.on('error', () => undefined);
  if (!child.pid) throw new OperationError(`its runner could not be started in ${entry.cwd}${existsSync(entry.cwd) ? '' : ' (that folder is gone)'}`);
  child.unref();
  return child.pid;
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
    if (o && o.pid !== pid && stillRuns(o)) return { state: s, value: { pid: o.pid, host: o.host } };
    return { state: { ...s, orchestrator: { ...markOf(pid), started_at: isoWithOffset() } }, value: null };
  });
}

function releaseOrchestrator(root: string, workspace: string, pid: number): Promise<PlanState> {
  return updatePlanState(root, workspace, (s) => {
    const state = s.orchestrator?.pid === pid && s.orchestrator.host === HOST ? { ...s, orchestrator: null } : s;
    return { state, value: state };
  });
}

/** What a runner's own log says of why it could not start the agent: its last error line, else its last line. */
function runnerSaid(dir: string): string {
  let lines: string[];
  try {
    lines = readFileSync(join(dir, RUN_LOG), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return '';
  }
  return ([...lines].reverse().find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? '').slice(0, 200);
}

/** A headless session's look; `runner` the pid of the runner this orchestrator spawned for it, if it did. */
function lookRun(dir: string, view: SessionView | null, runner: number | undefined): Look {
  const look = lookHeadless(runFiles(dir), view);
  // A runner that ended without claiming its run never started the agent (and nothing else will).
  if (look.phase !== 'waiting' || !runner || processAlive(runner) || existsSync(join(dir, RUN_CLAIM))) return look;
  const said = runnerSaid(dir);
  return { phase: 'failed', reason: `its runner (pid ${runner}) ended before starting the agent${said ? `: ${said}` : ''} (${join(dir, RUN_LOG)})` };
}

/** The looks of every entry, and of the sessions outside the plan that entries wait for. */
function lookAll(root: string, state: PlanState, views: Map<string, SessionView>, runners: ReadonlyMap<string, number>): Map<string, Look> {
  const looks = new Map<string, Look>();
  for (const e of state.sessions) {
    const view = views.get(e.name) ?? null;
    looks.set(e.name, e.interactive ? lookTracked(view, e.started_at !== null) : lookRun(sessionDir(root, state.workspace, e.name), view, runners.get(e.name)));
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
  /** The runners this process spawned, by session. */
  const runners = new Map<string, number>();
  /** Sessions said to be waiting for their creation (said once). */
  const unmade = new Set<string>();
  const deadline = opts.timeoutS ? Date.now() + opts.timeoutS * 1000 : Infinity;
  const start = async (e: PlanEntry, since?: string) => {
    try {
      if (e.interactive) await opts.starter.interactive(e, since);
      else {
        const runner = await opts.starter.headless(e, sessionDir(root, workspace, e.name));
        if (runner) runners.set(e.name, runner);
      }
    } catch (err) {
      // Its agent already runs in its window (launched by hand, or by the launch a restart cut short): watched.
      if (err instanceof AlreadyRunning) return say(`${e.name}: ${err.message.split(';')[0]}; watching it`);
      // It could not start (its window, its agent's command): failed, and what waits for it is blocked.
      const reason = `could not start: ${errorMessage(err)}`;
      say(`${e.name}: ${reason}`);
      await updatePlanState(root, workspace, (s) => ({ state: { ...s, sessions: s.sessions.map((x) => (x.name === e.name ? { ...x, outcome: 'failed' as const, reason } : x)) }, value: null }));
      // The dashboard says so too (not `created` for ever); a session that reported meanwhile keeps its word.
      try {
        new SessionTracker({ root, workspace, sessionId: e.name, pid }).fail(reason);
      } catch {
        /* completed or failed already */
      }
    }
  };
  try {
    // Interactive sessions whose start an earlier orchestrator recorded but whose launch it did not finish
    // (killed in between): launched now, before anything is looked at (the launch also settles one cut
    // short after its agent started: that agent is kept, and its record completed).
    for (const e of readPlanState(root, workspace).sessions) {
      if (!e.interactive || !e.started_at || e.outcome || launchedSince(readLaunch(root, workspace, e.name), e.started_at)) continue;
      say(`${e.name}: finishing its launch (cut short by a restart)`);
      await start(e, e.started_at);
    }
    for (;;) {
      const before = readPlanState(root, workspace);
      const viewList = monitor.sessions();
      const views = new Map(viewList.map((v) => [v.session_id, v]));
      const looks = lookAll(root, before, views, runners);
      const d = decide(before.sessions, looks);
      const blocked = d.block.filter((b) => blockSessionStatus(root, workspace, b.name, `blocked: ${b.reason}`)).map((b) => b.name);
      const starting: PlanEntry[] = [];
      for (const name of d.start) {
        const e = before.sessions.find((s) => s.name === name) as PlanEntry;
        const dir = sessionDir(root, workspace, name);
        // Its session is still being made by make up (or its making was cut short: make up again finishes it).
        if (!e.env_file) {
          if (!unmade.has(name)) say(`${name}: waiting for its session to be made (make up plan=FILE makes it)`);
          unmade.add(name);
          continue;
        }
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
      // What ended is told before what it blocks or lets start; each once.
      const told = [...d.outcomes].sort((x, y) => Number(x.outcome === 'blocked') - Number(y.outcome === 'blocked'));
      for (const o of told) say(`${o.name}: ${o.outcome}${o.reason ? ` (${o.reason})` : ''}`);
      for (const b of d.block) if (blocked.includes(b.name) && !told.some((o) => o.name === b.name)) say(`${b.name}: blocked (${b.reason})`);
      for (const e of starting) {
        say(`${e.name}: starting${e.after.length ? ` (after ${e.after.join(', ')})` : ''}`);
        await start(e);
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
