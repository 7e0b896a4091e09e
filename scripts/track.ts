// make track event=start|heartbeat|error|complete|fail [workspace= session= progress= message= output= pid= dir= json=1]
// Prebuilt into dist/track.mjs (Node built-ins only): sessions call it on every step.
import { runCommand, type CommandOptions } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { UsageError } from './lib/core/errors.mjs';
import { SessionTracker } from './lib/tracker/tracker.ts';
import type { TrackerEvent } from './lib/tracker/apply.ts';
import { locate } from './lib/tracker/locate.ts';
import { callerPid } from './lib/tracker/proc.ts';

function eventOf(opts: CommandOptions<'track'>): TrackerEvent {
  const event = opts.event;
  const progressPct = opts.progress;
  const message = opts.message;
  switch (event) {
    case 'start':
      return { event, description: message };
    case 'heartbeat':
      return { event, progressPct, message };
    case 'error':
    case 'fail':
      if (!message) throw new UsageError(`event=${event} needs message=TEXT`);
      return { event, message, progressPct };
    case 'complete': {
      const outputFiles = opts.output ? opts.output.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
      return { event, message, outputFiles };
    }
  }
}

void runCommand('track', async (opts) => {
  const ev = eventOf(opts);
  const where = locate({ dir: opts.dir, workspace: opts.workspace, session: opts.session }, process.cwd(), process.env);
  if (!where.workspace || !where.sessionId) {
    const missing = [!where.workspace && 'workspace=', !where.sessionId && 'session='].filter(Boolean).join(' and ');
    throw new UsageError(`${missing} needed: pass them, set PARALLEL_WORKSPACE/PARALLEL_SESSION, or run inside a session copy made by make new-session`);
  }
  const explicitPid = opts.pid;
  const tracker = new SessionTracker({ root: where.root, workspace: where.workspace, sessionId: where.sessionId, pid: explicitPid ?? callerPid(), pinPid: explicitPid !== undefined });
  const status = tracker.apply(ev);
  if (opts.json) printJson(status);
});
