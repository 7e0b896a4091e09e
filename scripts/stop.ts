// make stop name=NAME [timeout= json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { stopSession } from './lib/launch/stop.ts';
import { stopHeadlessRun } from './lib/plans/stop-run.ts';

const HOW = { exited: 'had already exited', graceful: 'quit when asked', terminated: 'ended on SIGTERM', killed: 'was killed (SIGKILL)' } as const;

void runCommand('stop', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  // A plan's headless session has no window: its detached runner is what runs the agent.
  const r = (await stopHeadlessRun(ctx, opts.name, opts.timeout ?? 10)) ?? (await stopSession(ctx, opts.name, { timeoutS: opts.timeout }));
  if (opts.json) return printJson(r);
  const pids = r.pids.length ? ` (pids ${r.pids.join(', ')}: none left)` : '';
  process.stdout.write(`${paint('green', '✓')} session ${paint('bold', r.session)}: its agent ${HOW[r.stop]}${pids}${r.window ? `; window ${r.window} closed` : ''}; state ${r.state ?? '-'}\n`);
});
