// make monitor [workspace= session= log=1 json=1 watch=1 poll= wait=1 timeout= heartbeat_timeout= session_timeout= repo= dir= remote=1 share=1]
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { writeControl, writeNotice } from './lib/cli/terminal.ts';
import { OperationError, UsageError } from './lib/core/errors.mjs';
import { allEnded, SessionMonitor, type Snapshot } from './lib/monitor/monitor.ts';
import { follow } from './lib/monitor/follow.ts';
import { eraseRows, NO_SESSIONS_HINT, renderDashboard, renderLog, rowsOf } from './lib/monitor/render.ts';
import { checkId, locate } from './lib/tracker/locate.ts';
import { loadContext } from './lib/config/context.ts';
import { remoteSessions } from './lib/share/remote-view.ts';
import { renderShared } from './lib/share/render.ts';
import type { SharedView } from './lib/share/view.ts';
import { watchNotifier } from './lib/notify/watch.ts';
import { windowsOf } from './lib/launch/windows.ts';

void runCommand('monitor', async (opts, { color, env, hint }) => {
  // remote=1: every machine's sessions below the dashboard, fetched once (and again each share_interval while watching).
  let shared: SharedView | null = null;
  const fetchShared = async () => {
    const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
    const got = await remoteSessions(ctx, opts.share);
    for (const w of [...(got.fetchWarning ? [got.fetchWarning] : []), ...got.warnings]) process.stderr.write(`monitor: warning: ${w}\n`);
    shared = got.view;
    return ctx.config.shareIntervalS;
  };
  const withShared = <T extends object>(snap: T) => (opts.remote ? { ...snap, shared } : snap);
  const dashboard = (snap: Parameters<typeof renderDashboard>[0]) => `${renderDashboard(snap, color).replace(NO_SESSIONS_HINT, hint(NO_SESSIONS_HINT))}${shared ? `\n\n${renderShared(shared)}` : ''}`;
  const json = opts.json;
  const watchMode = opts.watch;
  const wait = opts.wait;
  const log = opts.log;
  const pollS = opts.poll ?? 30;
  const timeoutS = opts.timeout;
  if (timeoutS !== undefined && !wait) throw new UsageError('timeout= goes with wait=1');
  if (log && !opts.session) throw new UsageError('log=1 needs session=NAME');
  if (json && watchMode) throw new UsageError('json=1 prints one snapshot; use it without watch=1 (with wait=1 it prints the final one)');
  if (opts.notify && !watchMode && !wait) throw new UsageError('notify=1 goes with watch=1 or wait=1');
  if (opts.workspace) checkId('workspace', opts.workspace);
  if (opts.session) checkId('session', opts.session);
  if (opts.repo && !(existsSync(opts.repo) && statSync(opts.repo).isDirectory())) throw new UsageError(`repo=${opts.repo}: no such folder`);
  const root = locate({ dir: opts.dir }, opts.repo ? resolve(opts.repo) : process.cwd(), env).root;
  if (opts.dir && !existsSync(root)) throw new UsageError(`dir=${opts.dir}: no such folder`);
  const timing = { heartbeatTimeoutS: opts.heartbeat_timeout ?? 300, sessionTimeoutS: opts.session_timeout ?? 4 * 3600 };

  let workspace = opts.workspace;
  if (opts.session && !workspace) {
    const found = new SessionMonitor({ root }).findSession(opts.session);
    if (found.length > 1) throw new UsageError(`session ${opts.session} is in several workspaces (${found.join(', ')}); add workspace=`);
    if (!found.length) throw new UsageError(`no session ${opts.session} in ${root}; make monitor lists them`);
    workspace = found[0];
  }
  const monitor = new SessionMonitor({ root, workspace, session: opts.session, ...timing, windows: (sessions) => windowsOf(root, sessions, env) });

  if (log) {
    if (!existsSync(join(root, workspace as string, opts.session as string))) throw new UsageError(`no session ${workspace}/${opts.session} in ${root}; make monitor lists them`);
    const { events, bad_lines, error } = monitor.log(workspace as string, opts.session as string);
    if (error) throw new OperationError(error);
    if (json) return printJson(events);
    process.stdout.write(`${renderLog(events)}\n`);
    if (bad_lines) process.stderr.write(`monitor: skipped ${bad_lines} line${bad_lines > 1 ? 's' : ''} of the log that did not parse\n`);
    return;
  }
  const refetchS = opts.remote ? await fetchShared() : 0;
  const refetch = refetchS && (watchMode || wait) ? setInterval(() => void fetchShared().catch(() => undefined), refetchS * 1000) : null;
  refetch?.unref();
  if (!watchMode && !wait) {
    const snap = monitor.snapshot();
    if (json) return printJson(withShared(snap));
    process.stdout.write(`${dashboard(snap)}\n`);
    return;
  }

  const tty = Boolean(process.stdout.isTTY);
  let printedSig = '';
  let drawnRows = 0;
  const draw = (snap: Snapshot, why: string) => {
    if (!watchMode && why !== 'final') return;
    if (json) return printJson(withShared(snap));
    const sig = snap.sessions.map((s) => `${s.session_id}:${s.state}`).join(' ');
    // Without a terminal, a new dashboard only when a state changes (not on every heartbeat).
    if (!tty && why === 'change' && sig === printedSig) return;
    printedSig = sig;
    const footer = watchMode && tty && why !== 'final' ? `\n${wait ? 'Waiting for every session to end' : 'Watching'}; redraws on change and every ${pollS}s. Ctrl-C to stop.` : '';
    const text = `${dashboard(snap)}${footer}`;
    // A terminal gets the drawing replaced in place; a log gets one dashboard after the other.
    if (tty) writeControl(eraseRows(drawnRows, process.stdout.rows || Infinity));
    process.stdout.write(`${!tty && watchMode && why !== 'start' ? '\n' : ''}${text}\n`);
    drawnRows = rowsOf(text, process.stdout.columns || 80);
  };
  const notifier = opts.notify ? await watchNotifier(root, opts.repo ? resolve(opts.repo) : process.cwd(), { platform: process.platform, env, terminal: writeNotice }, env.DEBUG === '1' ? (v, backend) => process.stderr.write(`monitor: notify ${v.event.session} ${v.event.event}: ${backend ?? (v.sent ? '' : v.why)}\n`) : undefined) : null;
  const notifying = (snap: Snapshot, why: string) => {
    draw(snap, why);
    void notifier?.observe(snap.sessions).catch((err: Error) => process.stderr.write(`monitor: notify: ${err.message}\n`));
  };
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const result = await follow(monitor, { wait, timeoutS, pollS, onSnapshot: notifying, signal: abort.signal });
  if (!wait) return result.code === 130 ? 0 : result.code;
  const label = (s: Snapshot['sessions'][number]) => `${s.session_id} (${s.state})`;
  const running = result.snapshot.sessions.filter((s) => !allEnded([s])).map(label);
  const notCompleted = result.snapshot.sessions.filter((s) => s.state !== 'completed').map(label);
  if (result.timedOut) process.stderr.write(`monitor: timed out after ${timeoutS}s; ${running.length ? `not ended: ${running.join(', ')}` : 'no session appeared'}\n`);
  else if (result.code === 1) process.stderr.write(`monitor: not every session completed: ${notCompleted.join(', ')}\n`);
  return result.code;
});
