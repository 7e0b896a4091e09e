// The states agents' hooks write, as the monitor shows them: waiting_input stands out as "needs input",
// idle and waiting_input are still open for wait=1, ended is finished but not completed.
import { describe, expect, it } from 'vitest';
import { classify, SessionMonitor } from '../../scripts/lib/monitor/monitor.ts';
import { renderDashboard, totalsLine } from '../../scripts/lib/monitor/render.ts';
import type { Status } from '../../scripts/lib/store/schemas.ts';
import { make, makeJson } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';
import { agoIso, sleeper, writeStatus } from '../helpers/tracker.ts';
import { hostname } from 'node:os';

const HOST = hostname();

function agents(): { root: string; env: NodeJS.ProcessEnv } {
  const root = tempDir();
  const live = sleeper().pid;
  writeStatus(root, 'w', 'asks', { state: 'waiting_input', message: 'asks to use Write', pid: live, host: HOST, last_heartbeat: agoIso(3600) });
  writeStatus(root, 'w', 'asks2', { state: 'waiting_input', pid: live, host: HOST });
  writeStatus(root, 'w', 'between', { state: 'idle', pid: live, host: HOST, last_heartbeat: agoIso(3600) });
  writeStatus(root, 'w', 'working', { state: 'running', pid: live, host: HOST });
  return { root, env: { PARALLEL_DIR: root } };
}

describe('agent states in the monitor', () => {
  it('the totals line says "needs input N" first; json=1 keeps the state names as keys', () => {
    const { root, env } = agents();
    const r = make(root, 'monitor', {}, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('total 4  needs input 2  running 1  idle 1');
    expect(r.stdout).toMatch(/^ {2}w\/asks +needs input +\d+[smh] +\[#{2}-{18}\] +10% +hand-made: asks to use Write$/m);
    expect(r.stdout).toMatch(/^ {2}w\/between +idle /m);
    const j = makeJson<{ totals: Record<string, number>; sessions: { session_id: string; state: string }[] }>(root, 'monitor', {}, env);
    expect(j.data.totals).toMatchObject({ total: 4, waiting_input: 2, idle: 1, running: 1, ended: 0 });
    expect(j.data.sessions.find((s) => s.session_id === 'asks')?.state).toBe('waiting_input');
  });

  it('in colour, a session that needs input stands out (bold magenta), in its row and the totals', () => {
    const { root } = agents();
    const snap = new SessionMonitor({ root }).snapshot();
    const text = renderDashboard(snap, true);
    expect(text).toContain('\u001b[1m\u001b[35mneeds input 2');
    expect(text).toMatch(/\u001b\[1m\u001b\[35mneeds input/);
    expect(totalsLine(snap)).not.toContain('\u001b');
  });

  it('waiting_input and idle: never stale (a person may take their time); gone, waiting_input is crashed and idle ended; ended stays ended', () => {
    const base: Status = { session_id: 'x', workspace: 'w', state: 'waiting_input', task_description: '', progress_pct: 0, message: '', errors: [], started_at: agoIso(60), last_heartbeat: agoIso(7200), completed_at: null, output_files: [], metadata: {}, pid: 4242, host: HOST };
    const alive = () => true;
    const gone = () => false;
    expect(classify(base, { heartbeatTimeoutS: 10 }, alive).state).toBe('waiting_input');
    expect(classify({ ...base, state: 'idle' }, { heartbeatTimeoutS: 10 }, alive).state).toBe('idle');
    expect(classify(base, {}, gone)).toEqual({ state: 'crashed', reason: 'its process 4242 is gone' });
    expect(classify({ ...base, state: 'idle' }, {}, gone).state).toBe('ended');
    expect(classify({ ...base, state: 'ended' }, {}, gone).state).toBe('ended');
  });

  it('wait=1 keeps waiting for waiting_input and idle; an ended session ends the wait, not completed: exit 1', () => {
    const { root, env } = agents();
    const open = make(root, 'monitor', { wait: 1, timeout: 1 }, env);
    expect(open.exit, open.stderr).toBe(124);
    expect(open.stderr).toContain('asks (waiting_input)');
    expect(open.stderr).toContain('between (idle)');

    const done = tempDir();
    writeStatus(done, 'w', 'finished', { state: 'completed', progress_pct: 100 });
    writeStatus(done, 'w', 'left', { state: 'ended', message: 'session ended (other)' });
    const r = make(done, 'monitor', { wait: 1, timeout: 30 }, { PARALLEL_DIR: done });
    expect(r.exit).toBe(1);
    expect(r.stdout).toMatch(/^total 2 {2}completed 1 {2}ended 1$/m);
    expect(r.stderr).toMatch(/not every session completed: left \(ended\)/);
  });
});
