// What the orchestrator does next, as a pure function of what the files say: which sessions to start,
// which to block, and whether the plan is over. The rule of when a plan session is done (README "make up"):
//   completed  headless: its agent exited 0 (COMPLETED); interactive: an explicit track event=complete
//   failed     headless: any other exit, or its runner gone without one; interactive: failed, crashed,
//              ended without complete, timed out, stopped or corrupt
//   blocked    a session it waits for failed or is blocked: never started
import type { SessionView } from '../monitor/monitor.ts';
import { RUN_EXIT, type RunClaim, type RunExit } from './runner.ts';
import type { Outcome, PlanEntry } from './state.ts';

export type Look = { phase: 'waiting' } | { phase: 'running' } | { phase: Outcome; reason: string | null };

/** What a run's files say (headless): the claim, the exit, whether the runner is alive. */
export interface RunFiles {
  claim: RunClaim | null;
  exit: RunExit | null;
  runnerAlive: boolean;
  /** Why the claim file is there but cannot be read (null when it reads, or is not there). */
  unreadable?: string | null;
}

const FAILED_STATES = ['failed', 'crashed', 'ended', 'timed_out', 'corrupt'];

/** How a session that is not (or not only) a headless run stands, from its tracker view. */
export function lookTracked(view: SessionView | null, started: boolean): Look {
  if (!view) return started ? { phase: 'failed', reason: 'its session is gone' } : { phase: 'waiting' };
  if (view.state === 'completed') return { phase: 'completed', reason: null };
  if (view.state === 'blocked') return { phase: 'blocked', reason: view.message || null };
  if (FAILED_STATES.includes(view.state)) {
    // An agent's own failure report (StopFailure) while its process lives: it may go on.
    const byHook = view.state === 'failed' && (view.metadata.agent_hook as { failed?: unknown } | undefined)?.failed === true;
    if (!byHook) return { phase: 'failed', reason: view.reason ?? (view.message || view.state) };
  }
  if (view.state === 'created') return started ? { phase: 'running' } : { phase: 'waiting' };
  return { phase: 'running' };
}

/** A headless session: its runner's files first, the tracker for what they do not say. */
export function lookHeadless(run: RunFiles, view: SessionView | null): Look {
  if (run.exit) {
    if (run.exit.code === 0) return { phase: 'completed', reason: null };
    return { phase: 'failed', reason: view?.message || (run.exit.signal ? `killed by ${run.exit.signal}` : `exit code ${run.exit.code}`) };
  }
  if (!run.claim && run.unreadable) return { phase: 'failed', reason: `its run cannot be told: ${run.unreadable}` };
  if (!run.claim) return view?.state === 'blocked' ? { phase: 'blocked', reason: view.message || null } : { phase: 'waiting' };
  if (run.runnerAlive) return { phase: 'running' };
  const tracked = lookTracked(view, true);
  if (tracked.phase === 'completed' || tracked.phase === 'failed') return tracked;
  return { phase: 'failed', reason: `its runner (pid ${run.claim.pid}) is gone without recording an exit (${RUN_EXIT})` };
}

export interface Decision {
  start: string[];
  block: { name: string; reason: string }[];
  /** Outcomes to record (newly known). */
  outcomes: { name: string; outcome: Outcome; reason: string | null }[];
  done: boolean;
  /** 0 every session completed, 1 any failed or blocked (only meaningful when done). */
  code: 0 | 1;
}

/**
 * One step. `looks` holds every entry's look, and any other session an entry waits for (made outside the
 * plan, e.g. the api of make new-session after=api), by name.
 */
export function decide(entries: readonly PlanEntry[], looks: ReadonlyMap<string, Look>): Decision {
  const d: Decision = { start: [], block: [], outcomes: [], done: true, code: 0 };
  const phase = new Map<string, Look>();
  for (const e of entries) phase.set(e.name, e.outcome ? { phase: e.outcome, reason: e.reason } : (looks.get(e.name) ?? { phase: 'waiting' }));
  for (const [name, look] of looks) if (!phase.has(name)) phase.set(name, look);
  // Blocks spread down the graph within one step: a chain of waiting sessions is blocked at once.
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of entries) {
      if (phase.get(e.name)?.phase !== 'waiting') continue;
      const bad = e.after.find((a) => ['failed', 'blocked'].includes(phase.get(a)?.phase ?? ''));
      if (!bad) continue;
      const reason = `${bad} ${phase.get(bad)?.phase === 'blocked' ? 'is blocked' : 'did not complete'}`;
      phase.set(e.name, { phase: 'blocked', reason });
      d.block.push({ name: e.name, reason });
      changed = true;
    }
  }
  for (const e of entries) {
    const look = phase.get(e.name) as Look;
    if (look.phase === 'waiting' && e.after.every((a) => phase.get(a)?.phase === 'completed')) d.start.push(e.name);
    if ((look.phase === 'completed' || look.phase === 'failed' || look.phase === 'blocked') && !e.outcome) d.outcomes.push({ name: e.name, outcome: look.phase, reason: look.reason });
    if (look.phase === 'waiting' || look.phase === 'running') d.done = false;
    else if (look.phase !== 'completed') d.code = 1;
  }
  if (d.start.length) d.done = false;
  return d;
}
