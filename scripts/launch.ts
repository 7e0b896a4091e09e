// make launch name=NAME [agent= prompt= json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { launchSession } from './lib/launch/launch.ts';
import { launchedLines } from './lib/launch/render.ts';

void runCommand('launch', async (opts, { env, hint }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  const r = await launchSession(ctx, { name: opts.name, agent: opts.agent, prompt: opts.prompt });
  if (opts.json) return printJson(r);
  for (const w of r.warnings) process.stderr.write(`launch: warning: ${hint(w)}\n`);
  process.stdout.write(`${hint(launchedLines(r).join('\n'))}\n`);
});
