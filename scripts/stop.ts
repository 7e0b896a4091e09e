// make stop name=NAME [timeout= json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { stopSession } from './lib/launch/stop.ts';

const HOW = { exited: 'had already exited', graceful: 'quit by itself', terminated: 'ended on SIGTERM', killed: 'was killed (SIGKILL)' } as const;

await runCommand('stop', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  const r = await stopSession(ctx, opts.name, { timeoutS: opts.timeout });
  if (opts.json) return printJson(r);
  const pids = r.pids.length ? ` (pids ${r.pids.join(', ')}: none left)` : '';
  process.stdout.write(`${paint('green', '✓')} session ${paint('bold', r.session)}: its agent ${HOW[r.stop]}${pids}${r.window ? `; window ${r.window} closed` : ''}; state ${r.state ?? '-'}\n`);
});
