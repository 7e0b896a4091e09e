// The notifier's decisions as a pure function: one per transition into a state of `on`, waiting_input
// only after dwell, at most one per session per cooldown, none for a focused window, none for what a late
// watcher finds already ended.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFY, type NotifyConfig } from '../../scripts/lib/config/config.ts';
import type { SessionView } from '../../scripts/lib/monitor/monitor.ts';
import { decideNotifications, type Memory } from '../../scripts/lib/notify/decide.ts';

const view = (session: string, state: SessionView['state'], message = ''): SessionView => ({
  workspace: 'w', session_id: session, state, reason: null, tracker_state: null, task_description: 'task', progress_pct: 0, message, errors: 0, last_error: null,
  started_at: null, last_heartbeat: null, completed_at: null, heartbeat_age_s: null, pid: null, host: null, output_files: [], metadata: {}, agent: null, state_since: null, state_for_s: null, window: null,
});

/** Steps through (time in s, views): the events sent, as `session:state@t`. */
function run(steps: [number, SessionView[]][], cfg: Partial<NotifyConfig> = {}, focused: (v: SessionView) => boolean = () => false) {
  let memory: Memory = {};
  const sent: string[] = [];
  const held: string[] = [];
  for (const [t, views] of steps) {
    const r = decideNotifications(memory, views, { ...DEFAULT_NOTIFY, ...cfg }, t * 1000, focused);
    memory = r.memory;
    for (const v of r.verdicts) (v.sent ? sent : held).push(`${v.event.session}:${v.event.event}@${t}${v.sent ? '' : ` ${v.why}`}`);
  }
  return { sent, held };
}

describe('notifications: when one is sent', () => {
  it('waiting_input only after it lasted dwell seconds; a short one never', () => {
    const r = run([[0, [view('a', 'running')]], [1, [view('a', 'waiting_input')]], [3, [view('a', 'running')]], [10, [view('a', 'waiting_input')]], [12, [view('a', 'waiting_input')]], [15, [view('a', 'waiting_input')]], [20, [view('a', 'waiting_input')]]], { dwell: 5, cooldown: 0 });
    expect(r.sent).toEqual(['a:waiting_input@15']);
  });

  it('crashed only once it held a moment: a pid handed over (running, crashed, running) is no crash', () => {
    const r = run([[0, [view('a', 'running')]], [1, [view('a', 'crashed')]], [1.5, [view('a', 'running')]], [5, [view('a', 'crashed')]], [6, [view('a', 'crashed')]], [7.5, [view('a', 'crashed')]]], { cooldown: 0 });
    expect(r.sent).toEqual(['a:crashed@7.5']);
  });

  it('dwell counts from when the session entered the state (state_since), not from when a watcher first saw it', () => {
    const since = new Date(100_000).toISOString();
    const r = run([[101, [{ ...view('a', 'waiting_input'), tracker_state: 'waiting_input', state_since: since }]], [104, [{ ...view('a', 'waiting_input'), tracker_state: 'waiting_input', state_since: since }]], [106, [{ ...view('a', 'waiting_input'), tracker_state: 'waiting_input', state_since: since }]]], { dwell: 5, cooldown: 0 });
    expect(r.sent).toEqual(['a:waiting_input@106']);
  });

  it('one per transition, into states of on: only', () => {
    const r = run([[0, [view('a', 'created')]], [1, [view('a', 'running')]], [2, [view('a', 'completed')]], [3, [view('a', 'completed')]], [4, [view('a', 'failed')]]], { cooldown: 0, on: ['completed'] });
    expect(r.sent).toEqual(['a:completed@2']);
  });

  it('at most one per session per cooldown; another session is not held back', () => {
    const r = run([[0, [view('a', 'running'), view('b', 'running')]], [1, [view('a', 'failed'), view('b', 'running')]], [2, [view('a', 'running'), view('b', 'failed')]], [3, [view('a', 'completed'), view('b', 'failed')]], [70, [view('a', 'running'), view('b', 'failed')]], [71, [view('a', 'completed'), view('b', 'failed')]]], { cooldown: 60 });
    expect(r.sent).toEqual(['a:failed@1', 'b:failed@2', 'a:completed@71']);
    expect(r.held).toEqual(['a:completed@3 cooldown']);
  });

  it('none for a session whose window is focused; the transition is not sent later either', () => {
    const focused = (v: SessionView) => v.session_id === 'a';
    const r = run([[0, [view('a', 'running'), view('b', 'running')]], [1, [view('a', 'waiting_input'), view('b', 'waiting_input')]], [7, [view('a', 'waiting_input'), view('b', 'waiting_input')]], [9, [view('a', 'waiting_input'), view('b', 'waiting_input')]]], { cooldown: 0 }, focused);
    expect(r.sent).toEqual(['b:waiting_input@7']);
    expect(r.held).toEqual(['a:waiting_input@7 focused']);
  });

  it('a late watcher does not announce what ended before it looked, but does a session that waits for input', () => {
    const r = run([[0, [view('a', 'completed'), view('b', 'failed'), view('c', 'waiting_input')]], [6, [view('a', 'completed'), view('b', 'failed'), view('c', 'waiting_input')]]], { cooldown: 0 });
    expect(r.sent).toEqual(['c:waiting_input@6']);
  });
});
