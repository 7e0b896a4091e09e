// make list-sessions [json=1 repo=PATH remote=1 share=1]
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { formatAge, printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import type { SessionRow } from './lib/session/list.ts';
import type { RemoteBranchRow } from './lib/web/branches.ts';
import { windowText } from './lib/monitor/render.ts';
import { fetchForCommand } from './lib/remote/fetch.ts';

const stateColor = (s: string) => (s === 'active' ? 'green' : s === 'missing' || s === 'corrupt' || s === 'error' || s === 'interrupted' ? 'red' : 'yellow');

function cells(r: SessionRow, rows: readonly SessionRow[], sharesComponent: (r: SessionRow, rows: readonly SessionRow[]) => boolean): string[] {
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

const remoteCells = (b: RemoteBranchRow, hint: (t: string) => string) => [b.branch, formatAge(b.last_commit_age_s), b.author || '-', b.ahead === null ? '-' : `+${b.ahead}/-${b.behind ?? 0}`, b.conflicts.length ? paint('red', b.conflicts.join(',')) : '-', b.error ?? (b.owner ? `session ${b.owner.session} on ${b.owner.machine} works on it` : hint(`make adopt branch=${b.branch} component=${b.component_hint ?? 'C'}`))];

void runCommand('list-sessions', async (opts, { env, hint }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  // remote=1: the command's one fetch (memoized per Context) starts first, so the code below loads and the
  // local copies are read while it is in flight; whoever needs the remote's refs awaits the same fetch.
  if (opts.remote) fetchForCommand(ctx).catch(() => {}); // its failure is read where it is awaited
  const { hasLaunch, listSessions, sharesComponent } = await import('./lib/session/list.ts');
  // remote=1: the local rows, the remote's branches and every machine's published sessions, all after the
  // same one fetch (memoized per command) and read at the same time; then a push of what changed here.
  // That code is loaded only then: the plain listing starts fast.
  const [listing, shared] = opts.remote
    ? await Promise.all([import('./lib/web/list.ts').then((m) => m.listWithRemote(ctx)), import('./lib/share/remote-view.ts').then((m) => m.remoteSessions(ctx, opts.share))])
    : [null, null];
  if (listing?.remote.warning) process.stderr.write(`list-sessions: warning: ${listing.remote.warning}\n`);
  const rows = listing ? listing.sessions : await listSessions(ctx);
  const launched = rows.filter((r) => hasLaunch(ctx.root, ctx.config.workspace, r.name));
  const windows = launched.length ? (await import('./lib/launch/windows.ts')).windowsOf(ctx.root, launched.map((r) => ({ workspace: ctx.config.workspace, session: r.name })), env) : new Map();
  for (const r of rows) r.window = windows.get(`${ctx.config.workspace}/${r.name}`) ?? null;
  for (const w of shared?.warnings ?? []) process.stderr.write(`list-sessions: warning: ${w}\n`);
  if (opts.json) return printJson(listing ? { ...listing, shared: shared?.view ?? null, shared_warnings: shared?.warnings ?? [] } : rows);
  const out: string[] = [];
  if (!rows.length) out.push(hint(`no sessions in ${ctx.main} (workspace ${ctx.config.workspace}); start one with make new-session name=NAME component=${Object.keys(ctx.config.components)[0] ?? 'C'}`));
  else {
    const headers = ['NAME', 'KIND', 'COMPONENT', 'BRANCH', 'MODE', 'PORT', 'STATE', 'TRACKER', 'FOR', 'AGENT', 'WINDOW', 'AHEAD/BEHIND', 'DIRTY', 'HEARTBEAT', 'CONFLICTS', 'PATH'];
    out.push(renderTable(headers, rows.map((r) => cells(r, rows, sharesComponent))));
  }
  if (listing) {
    const { remote } = listing;
    const against = listing.remote_branches[0]?.base_ref ?? ctx.config.base;
    out.push('', listing.remote_branches.length ? `Branches on ${remote.remote} that no session here owns (${ctx.config.remoteSessions.join(', ')}; ahead/behind ${against}):` : `No branches on ${remote.remote} match ${ctx.config.remoteSessions.join(', ') || 'remote_sessions:'} that a session here does not own.`);
    if (listing.remote_branches.length) out.push(renderTable(['BRANCH', 'LAST COMMIT', 'AUTHOR', 'AHEAD/BEHIND', 'CONFLICTS', 'TO WORK ON IT HERE'], listing.remote_branches.map((b) => remoteCells(b, hint))));
  }
  if (shared?.view) out.push('', (await import('./lib/share/render.ts')).renderShared(shared.view));
  process.stdout.write(`${out.join('\n')}\n`);
});
