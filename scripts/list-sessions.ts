// make list-sessions [json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { formatAge, printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { listSessions, sharesComponent, type SessionRow } from './lib/session/list.ts';
import { windowsOf } from './lib/launch/windows.ts';
import { windowText } from './lib/monitor/render.ts';

const stateColor = (s: string) => (s === 'active' ? 'green' : s === 'missing' || s === 'corrupt' || s === 'error' || s === 'interrupted' ? 'red' : 'yellow');

function cells(r: SessionRow, rows: readonly SessionRow[]): string[] {
  const label = r.tracker_state === 'waiting_input' ? 'needs input' : r.tracker_state;
  const plain = label ? `${label}${r.progress_pct !== null && r.tracker_state !== 'created' ? ` ${Math.round(r.progress_pct)}%` : ''}` : '-';
  // An agent that asks the person stands out: it is the one row someone has to act on.
  const track = r.tracker_state === 'waiting_input' ? paint('magenta', plain) : plain;
  const ab = r.ahead === null ? '-' : `+${r.ahead}/-${r.behind ?? 0}`;
  return [
    r.name,
    r.kind ?? '-',
    r.component ? `${r.component}${sharesComponent(r, rows) ? '*' : ''}` : '-',
    r.branch ?? '-',
    r.mode ?? '-',
    r.port === null ? '-' : String(r.port),
    paint(stateColor(r.state), r.state),
    track,
    formatAge(r.state_for_s),
    r.agent ?? '-',
    windowText(r),
    ab,
    r.uncommitted === null ? '-' : String(r.uncommitted),
    formatAge(r.heartbeat_age_s),
    r.conflicts.length ? paint('red', r.conflicts.join(',')) : '-',
    r.path ?? (r.error ? r.error : '(branch only)'),
  ];
}

await runCommand('list-sessions', async (opts, { env, hint }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  const rows = await listSessions(ctx);
  const windows = windowsOf(ctx.root, rows.map((r) => ({ workspace: ctx.config.workspace, session: r.name })), env);
  for (const r of rows) r.window = windows.get(`${ctx.config.workspace}/${r.name}`) ?? null;
  if (opts.json) return printJson(rows);
  if (!rows.length) {
    process.stdout.write(`${hint(`no sessions in ${ctx.main} (workspace ${ctx.config.workspace}); start one with make new-session name=NAME component=${Object.keys(ctx.config.components)[0] ?? 'C'}`)}\n`);
    return;
  }
  const headers = ['NAME', 'KIND', 'COMPONENT', 'BRANCH', 'MODE', 'PORT', 'STATE', 'TRACKER', 'FOR', 'AGENT', 'WINDOW', 'AHEAD/BEHIND', 'DIRTY', 'HEARTBEAT', 'CONFLICTS', 'PATH'];
  process.stdout.write(`${renderTable(headers, rows.map((r) => cells(r, rows)))}\n`);
});
