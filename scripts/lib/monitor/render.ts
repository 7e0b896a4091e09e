// The dashboard and the event log as plain text (colour only when asked for).
import { paint, renderTable, visibleLength, type Color } from '../cli/table.ts';
import { printable } from '../cli/terminal.ts';
import { formatAge } from '../cli/output.ts';
import type { SessionView, Snapshot } from './monitor.ts';
import type { LogEvent } from '../store/schemas.ts';

const COLORS: Record<SessionView['state'], Color> = {
  created: 'gray',
  running: 'cyan',
  waiting_input: 'magenta',
  idle: 'blue',
  ended: 'yellow',
  completed: 'green',
  failed: 'red',
  crashed: 'red',
  timed_out: 'yellow',
  stale: 'yellow',
  corrupt: 'magenta',
  blocked: 'yellow',
};

export const BAR_WIDTH = 20;

export function progressBar(pct: number | null): string {
  const filled = pct === null ? 0 : Math.round((Math.min(100, Math.max(0, pct)) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

function pctText(pct: number | null): string {
  return (pct === null ? '-' : `${Math.round(pct)}%`).padStart(4);
}

function timeOf(iso: string): string {
  return /T(\d\d:\d\d:\d\d)/.exec(iso)?.[1] ?? iso;
}

/** The order of the totals line; its words are the state names of `json=1` (its `totals` keys), but for waiting_input. */
const TOTALS_ORDER = ['waiting_input', 'running', 'idle', 'completed', 'failed', 'blocked', 'ended', 'timed_out', 'stale', 'crashed', 'created', 'corrupt'] as const;

/** What the totals line and a row call a state: waiting_input is a person's job, so it says so. */
export function stateLabel(state: SessionView['state']): string {
  return state === 'waiting_input' ? 'needs input' : state;
}

/** `total 4  needs input 1  running 2  completed 1`: the states no session is in are left out. */
export function totalsLine(snap: Snapshot, color = false): string {
  const t = snap.totals;
  const part = (s: (typeof TOTALS_ORDER)[number]) => (s === 'waiting_input' ? paint('bold', paint(COLORS[s], `${stateLabel(s)} ${t[s]}`, color), color) : `${s} ${t[s]}`);
  return [`total ${t.total}`, ...TOTALS_ORDER.filter((s) => t[s] > 0).map(part)].join('  ');
}

/** What the tracker writes when a worker says nothing (a start, a complete without a message): the task says more. */
const BARE_MESSAGES = new Set(['started', 'completed']);

/** Whether the session's last error is its failure (a `fail` is recorded as an error too, with the message). */
function failedWithLastError(v: SessionView): boolean {
  return v.tracker_state === 'failed' && v.last_error !== null && v.last_error.message === v.message;
}

/** The non-fatal `error` events the session reported (its failure, if it failed, not counted). */
export function nonFatalErrors(v: SessionView): number {
  return Math.max(0, v.errors - (failedWithLastError(v) ? 1 : 0));
}

/** The task, then the last message when it says something the task does not: `build the api: compiling`. */
export function taskText(v: SessionView): string {
  if (v.state === 'corrupt') return '';
  const task = v.task_description.trim();
  const message = v.message.trim();
  const said = message && !BARE_MESSAGES.has(message) && message !== task ? message : '';
  return [task, said].filter(Boolean).join(': ') || message;
}

function detail(v: SessionView): string {
  const n = nonFatalErrors(v);
  const errors = n ? `${n} ${v.state === 'failed' ? 'earlier ' : ''}error${n > 1 ? 's' : ''}` : null;
  const extra = [v.reason, errors].filter(Boolean).join('; ');
  return printable([taskText(v), extra && `(${extra})`].filter(Boolean).join(' '));
}

/** A launched session's tmux window: its target, and the agent's exit status once it has exited. */
export function windowText(v: { window: SessionView['window'] }): string {
  if (!v.window) return '-';
  return v.window.dead ? `${v.window.target} (exited${v.window.exit_status === null ? '' : ` ${v.window.exit_status}`})` : v.window.target;
}

/** What an empty dashboard says (the canonical command; callers may render it for where the user is). */
export const NO_SESSIONS_HINT = 'no sessions yet; start one with make new-session name=NAME component=C';

export function renderDashboard(snap: Snapshot, color = false): string {
  const title = `Sessions in ${snap.root}${snap.workspace ? ` (workspace ${snap.workspace})` : ''}`;
  const lines = [paint('bold', title, color), totalsLine(snap, color), ''];
  if (!snap.sessions.length) lines.push(`  ${NO_SESSIONS_HINT}`);
  const name = (v: SessionView) => (snap.workspace ? v.session_id : `${v.workspace}/${v.session_id}`);
  const width = Math.max(0, ...snap.sessions.map((v) => name(v).length));
  const stateWidth = Math.max(...snap.sessions.map((v) => stateLabel(v.state).length), 7);
  // How long in that state; the agent and the tmux window only when some session has them.
  const cols = [
    (v: SessionView) => formatAge(v.state_for_s),
    ...(snap.sessions.some((v) => v.agent) ? [(v: SessionView) => v.agent ?? '-'] : []),
    ...(snap.sessions.some((v) => v.window) ? [windowText] : []),
  ];
  const widths = cols.map((c) => Math.max(...snap.sessions.map((v) => visibleLength(c(v)))));
  for (const v of snap.sessions) {
    const label = paint(COLORS[v.state], stateLabel(v.state).padEnd(stateWidth), color);
    const state = v.state === 'waiting_input' ? paint('bold', label, color) : label;
    const extra = cols.map((c, i) => printable(c(v)).padEnd(widths[i] ?? 0)).join('  ');
    lines.push(`  ${name(v).padEnd(width)}  ${state}  ${extra}  ${progressBar(v.progress_pct)} ${pctText(v.progress_pct)}  ${detail(v)}`.trimEnd());
    // The row already says a failure's message; the line under it is for an error the row does not show.
    if (v.state === 'failed' && v.last_error && !failedWithLastError(v)) {
      lines.push(`  ${' '.repeat(width)}  ${paint('red', `last error at ${timeOf(v.last_error.at)}: ${v.last_error.message}`, color)}`);
    }
  }
  lines.push('', `Polled at ${snap.polled_at}`);
  return lines.join('\n');
}

export function renderLog(events: readonly LogEvent[]): string {
  const rows = events.map((e) => [e.at, e.event, e.progress_pct === undefined ? '' : `${Math.round(e.progress_pct)}%`, e.pid ? String(e.pid) : '', e.message ?? '']);
  return renderTable(['AT', 'EVENT', 'PROGRESS', 'PID', 'MESSAGE'], rows);
}

/** How many terminal rows `text` takes (long lines wrap). */
export function rowsOf(text: string, columns: number): number {
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(visibleLength(line) / Math.max(1, columns))), 0);
}

/** Moves the cursor back over the previous drawing and clears it; a drawing taller than the screen clears the screen. */
export function eraseRows(rows: number, screenRows = Infinity): string {
  if (rows <= 0) return '';
  return rows < screenRows ? `\u001b[${rows}F\u001b[J` : '\u001b[H\u001b[2J';
}
