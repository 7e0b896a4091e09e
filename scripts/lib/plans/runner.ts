// The headless run of one plan session, by a small process of its own (dist/plan-runner.mjs) that the
// orchestrator starts detached: killing the orchestrator loses nothing. It claims the run (a file that
// appears whole or not at all, by link(2), so a session never starts twice and a kill never leaves a
// claim nobody can read), runs the agent in the copy with the session's
// environment, keeps its final answer (stdout), and records the exit status in the session's files:
// tracker complete (COMPLETED) on exit 0, fail (FAILED) otherwise, then plan-exit.json.
import { spawn } from 'node:child_process';
import { closeSync, linkSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from '../core/env-file.ts';
import { writeJsonAtomic } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { recordAnswer, SessionTracker } from '../tracker/tracker.ts';
import { markOf } from './owner.ts';

export const RUN_SPEC = 'plan-run-spec.json';
export const RUN_CLAIM = 'plan-run.json';
export const RUN_EXIT = 'plan-exit.json';
export const RUN_OUTPUT = 'agent-output.txt';
export const RUN_STDERR = 'agent-stderr.txt';
/** The runner's own output (what it says when it cannot start the agent at all). */
export const RUN_LOG = 'plan-runner.log';
/** The most of the final answer kept in log.jsonl (the whole of it stays in agent-output.txt). */
const ANSWER_MAX = 16_000;

export interface RunSpec {
  root: string;
  workspace: string;
  session: string;
  argv: string[];
  cwd: string;
  env_file: string;
  description: string;
}

export interface RunClaim {
  pid: number;
  host: string;
  /** The runner's start time (owner.ts): its pid, once it is gone, may be anyone's. */
  start?: number | null;
  at: string;
}

export interface RunExit {
  code: number | null;
  signal: string | null;
  at: string;
}

/** Claims the run: true for the one process whose claim file took, false when one was there. */
function claim(dir: string, pid: number): boolean {
  const tmp = join(dir, `${RUN_CLAIM}.${pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ ...markOf(pid), at: isoWithOffset() } satisfies RunClaim)}\n`);
  try {
    linkSync(tmp, join(dir, RUN_CLAIM));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function tail(path: string, max: number): string {
  try {
    const size = statSync(path).size;
    const text = readFileSync(path, 'utf8');
    return size > max ? text.slice(-max) : text;
  } catch {
    return '';
  }
}

const lastLine = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';

/**
 * Runs the session's agent once; resolves with its exit when it has been recorded. `signals` lets the
 * caller forward SIGTERM/SIGINT (make stop) to the agent: the runner stays to record that it was stopped.
 */
export async function runHeadless(dir: string, spec: RunSpec, opts: { pid: number; env: NodeJS.ProcessEnv; onSignal: (fn: (s: NodeJS.Signals) => void) => void }): Promise<RunExit | null> {
  if (!claim(dir, opts.pid)) return null;
  const tracker = new SessionTracker({ root: spec.root, workspace: spec.workspace, sessionId: spec.session, pid: opts.pid, pinPid: true });
  tracker.start(spec.description, { plan: { headless: true, argv: spec.argv } });
  const out = openSync(join(dir, RUN_OUTPUT), 'w');
  const err = openSync(join(dir, RUN_STDERR), 'w');
  const env = { ...opts.env, ...readEnvFile(spec.env_file) };
  let stoppedBy: string | null = null;
  const exit = await new Promise<RunExit>((resolve) => {
    const child = spawn(spec.argv[0] as string, spec.argv.slice(1), { cwd: spec.cwd, env, stdio: ['ignore', out, err] });
    opts.onSignal((s) => {
      stoppedBy = s;
      try {
        child.kill(s);
      } catch {
        /* gone */
      }
    });
    child.on('error', (e) => {
      writeSync(err, `${e.message}\n`);
      resolve({ code: 127, signal: null, at: isoWithOffset() });
    });
    child.on('close', (code, signal) => resolve({ code, signal, at: isoWithOffset() }));
  });
  closeSync(out);
  closeSync(err);
  const answer = tail(join(dir, RUN_OUTPUT), ANSWER_MAX);
  recordAnswer(spec.root, spec.workspace, spec.session, answer, exit.code);
  if (exit.code === 0 && !stoppedBy) tracker.complete({ message: lastLine(answer).slice(0, 200) || 'exit 0' });
  else {
    // What the agent said of it: its stderr's last line, else its answer's (claude -p prints an API error there).
    const said = (lastLine(tail(join(dir, RUN_STDERR), 4000)) || lastLine(answer)).slice(0, 200);
    const why = stoppedBy ? `stopped (${stoppedBy})` : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    try {
      tracker.fail(said ? `${why}: ${said}` : why);
    } catch {
      /* already failed by someone else's word: the exit file still says how it ended */
    }
  }
  writeJsonAtomic(join(dir, RUN_EXIT), exit);
  return exit;
}
