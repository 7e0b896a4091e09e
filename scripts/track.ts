// make track event=start|heartbeat|error|complete|fail [workspace= session= progress= message= output= pid= dir= json=1]
// Prebuilt into dist/track.mjs (Node built-ins only): sessions call it on every step.
import { flag, printJson, readOptions, runCommand } from './lib/cli/options.ts';
import { UsageError } from './lib/core/errors.mjs';
import { SessionTracker } from './lib/tracker/tracker.ts';
import type { TrackerEvent } from './lib/tracker/apply.ts';
import { locate } from './lib/tracker/locate.ts';
import { callerPid } from './lib/tracker/proc.ts';

const OPTIONS = ['event', 'workspace', 'session', 'progress', 'message', 'output', 'pid', 'dir', 'json'] as const;
const EVENTS = ['start', 'heartbeat', 'error', 'complete', 'fail'] as const;

function number(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || (integer && !Number.isInteger(n))) throw new UsageError(`${name}=${v}: expected ${integer ? 'a whole number' : 'a number'}`);
  return n;
}

function eventOf(opts: Record<string, string>): TrackerEvent {
  const event = opts.event ?? '';
  const progressPct = number('progress', opts.progress, false);
  if (progressPct !== undefined && progressPct > 100) throw new UsageError(`progress=${opts.progress}: expected a number from 0 to 100`);
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
    default:
      throw new UsageError(`event=${event || '(missing)'}: expected one of ${EVENTS.join(', ')}, e.g. make track event=heartbeat progress=50 message='halfway'`);
  }
}

await runCommand('track', async () => {
  const opts = readOptions(OPTIONS);
  const ev = eventOf(opts);
  const where = locate({ dir: opts.dir, workspace: opts.workspace, session: opts.session });
  if (!where.workspace || !where.sessionId) {
    const missing = [!where.workspace && 'workspace=', !where.sessionId && 'session='].filter(Boolean).join(' and ');
    throw new UsageError(`${missing} needed: pass them, set PARALLEL_WORKSPACE/PARALLEL_SESSION, or run inside a session copy made by make new-session`);
  }
  const explicitPid = number('pid', opts.pid, true);
  if (explicitPid === 0) throw new UsageError('pid=0: expected a process id');
  const tracker = new SessionTracker({ root: where.root, workspace: where.workspace, sessionId: where.sessionId, pid: explicitPid ?? callerPid(), pinPid: explicitPid !== undefined });
  const status = tracker.apply(ev);
  if (flag(opts, 'json')) printJson(status);
});
