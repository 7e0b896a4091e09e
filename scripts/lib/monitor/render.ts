// The dashboard and the event log as plain text (colour only when asked for).
import { paint, renderTable, visibleLength, type Color } from '../cli/table.ts';
import { printable } from '../cli/terminal.ts';
import type { SessionView, Snapshot } from './monitor.ts';
import type { LogEvent } from '../store/schemas.ts';

const COLORS: Record<SessionView['state'], Color> = {
  created: 'gray',
  running: 'cyan',
  completed: 'green',
  failed: 'red',
  crashed: 'red',
  timed_out: 'yellow',
  stale: 'yellow',
  corrupt: 'magenta',
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

export function totalsLine(snap: Snapshot): string {
  const t = snap.totals;
  const parts: [string, number][] = [
    ['Total', t.total],
    ['Running', t.running],
    ['Done', t.completed],
    ['Failed', t.failed],
    ['Timed out', t.timed_out],
    ['Stale', t.stale],
    ['Crashed', t.crashed],
    ['Waiting', t.created],
    ['Corrupt', t.corrupt],
  ];
  return parts.map(([k, v]) => `${k}: ${v}`).join('  ');
}

function detail(v: SessionView): string {
  const text = v.state === 'corrupt' ? '' : v.message || v.task_description;
  const extra = [v.reason, v.state === 'running' && v.errors ? `${v.errors} error${v.errors > 1 ? 's' : ''}` : null].filter(Boolean).join('; ');
  return printable([text, extra && `(${extra})`].filter(Boolean).join(' '));
}

export function renderDashboard(snap: Snapshot, color = false): string {
  const title = `Sessions in ${snap.root}${snap.workspace ? ` (workspace ${snap.workspace})` : ''}`;
  const lines = [paint('bold', title, color), totalsLine(snap), ''];
  if (!snap.sessions.length) lines.push('  (no sessions yet)');
  const name = (v: SessionView) => (snap.workspace ? v.session_id : `${v.workspace}/${v.session_id}`);
  const width = Math.max(0, ...snap.sessions.map((v) => name(v).length));
  const stateWidth = Math.max(...snap.sessions.map((v) => v.state.length), 7);
  for (const v of snap.sessions) {
    const state = paint(COLORS[v.state], v.state.padEnd(stateWidth), color);
    lines.push(`  ${name(v).padEnd(width)}  ${state}  ${progressBar(v.progress_pct)} ${pctText(v.progress_pct)}  ${detail(v)}`.trimEnd());
    if (v.state === 'failed' && v.last_error) {
      const count = v.errors > 1 ? ` (${v.errors} errors)` : '';
      lines.push(`  ${' '.repeat(width)}  ${paint('red', `last error at ${timeOf(v.last_error.at)}${count}: ${v.last_error.message}`, color)}`);
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
