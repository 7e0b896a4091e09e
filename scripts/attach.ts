// make attach [name=NAME repo=PATH]
import { spawnSync } from 'node:child_process';
import { runCommand } from './lib/cli/run.ts';
import { loadContext } from './lib/config/context.ts';
import { OperationError } from './lib/core/errors.mjs';
import { attachCommand } from './lib/launch/attach.ts';

void runCommand('attach', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  const c = await attachCommand(ctx, opts.name);
  // tmux takes the terminal: its own stdin, stdout and stderr.
  const r = spawnSync('tmux', c.args, { stdio: 'inherit', env: c.env });
  if (r.error) throw new OperationError(`could not run tmux: ${r.error.message}`);
  if (r.status !== 0) throw new OperationError(`tmux ${c.how === 'switch' ? 'switch-client' : 'attach-session'} -t ${c.target} failed (exit ${r.status})${c.how === 'attach' && !process.stdin.isTTY ? ': attach needs a terminal' : ''}`);
});
