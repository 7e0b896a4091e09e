// Which notifications a watcher sends now, as a pure function of its memory and what it sees: one per
// transition into a state of `on`; waiting_input only once it has lasted `dwell` seconds (nothing flickers);
// crashed only once it held for a moment (CONFIRM_S: a pid being handed over, as make launch does, is not a
// crash); at most one per session per `cooldown` seconds; none for a session whose window the person looks at.
// A session seen for the first time counts as a transition only when it waits for input (a watcher that
// starts late does not announce what ended long ago).
import type { NotifyConfig } from '../config/config.ts';
import type { SessionView } from '../monitor/monitor.ts';

export interface SessionMemory {
  state: string;
  /** The state before (null: first seen in this one). */
  previous: string | null;
  /** When the watchers first saw it in that state (ms). */
  since: number;
  /** The transition is dealt with: sent, suppressed, or not one to notify. */
  handled: boolean;
  last_sent: number | null;
}

export type Memory = Record<string, SessionMemory>;

export interface NotifyEvent {
  event: SessionView['state'];
  workspace: string;
  session: string;
  previous: string | null;
  message: string;
  task: string;
  /** How long it has been in that state, in seconds. */
  for_s: number;
  at: string;
}

export type Verdict = { event: NotifyEvent; sent: true } | { event: NotifyEvent; sent: false; why: 'cooldown' | 'focused' };

/** How long crashed must hold before it is announced (seconds; at most dwell). */
export const CONFIRM_S = 2;

export const keyOf = (v: Pick<SessionView, 'workspace' | 'session_id'>) => `${v.workspace}/${v.session_id}`;

export function decideNotifications(memory: Memory, views: readonly SessionView[], cfg: NotifyConfig, nowMs: number, focused: (v: SessionView) => boolean): { memory: Memory; verdicts: Verdict[] } {
  const next: Memory = { ...memory };
  const verdicts: Verdict[] = [];
  const on = cfg.on as readonly string[];
  for (const v of views) {
    const key = keyOf(v);
    const old = next[key];
    let m: SessionMemory;
    // When it entered the state: status.json's state_since for a state the tracker wrote (not crashed, stale:
    // the monitor's reading of it), else when first seen so.
    const entered = v.state === v.tracker_state ? Math.min(nowMs, Date.parse(v.state_since ?? '') || nowMs) : nowMs;
    if (!old) m = { state: v.state, previous: null, since: entered, handled: v.state !== 'waiting_input', last_sent: null };
    else if (old.state !== v.state) m = { state: v.state, previous: old.state, since: entered, handled: false, last_sent: old.last_sent };
    else m = old;
    if (!m.handled && !on.includes(v.state)) m = { ...m, handled: true };
    const hold = v.state === 'waiting_input' ? cfg.dwell : v.state === 'crashed' ? Math.min(cfg.dwell, CONFIRM_S) : 0;
    if (!m.handled && nowMs - m.since >= hold * 1000) {
      const event: NotifyEvent = { event: v.state, workspace: v.workspace, session: v.session_id, previous: m.previous, message: v.message, task: v.task_description, for_s: Math.round((nowMs - m.since) / 1000), at: new Date(nowMs).toISOString() };
      if (m.last_sent !== null && nowMs - m.last_sent < cfg.cooldown * 1000) verdicts.push({ event, sent: false, why: 'cooldown' });
      else if (focused(v)) verdicts.push({ event, sent: false, why: 'focused' });
      else verdicts.push({ event, sent: true });
      m = { ...m, handled: true, last_sent: verdicts.at(-1)?.sent ? nowMs : m.last_sent };
    }
    next[key] = m;
  }
  return { memory: next, verdicts };
}
