// make adopt branch=claude/fix-x component=C [name= mode= agent= shared=1 share=1 takeover=1 offline=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { shellQuote } from './lib/core/shell.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { adoptBranch } from './lib/web/adopt.ts';
import { claimWords } from './lib/share/session.ts';

void runCommand('adopt', async (opts, { env, hint }) => {
  const json = opts.json;
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted });
  catchInterrupts(() => process.stderr.write('adopt: interrupted; undoing what was done so far...\n'));
  const result = await adoptBranch(
    ctx,
    { branch: opts.branch, name: opts.name, component: opts.component, mode: opts.mode, agent: opts.agent, shared: opts.shared },
    { onStep: (t) => !json && process.stderr.write(`  ${t}...\n`), setupOutput: json ? 'capture' : 'inherit' },
  );
  const r = result.record;
  for (const w of result.warnings) process.stderr.write(`adopt: warning: ${hint(w)}\n`);
  if (json) {
    printJson({ ...r, adopted_from: result.adopted_from, agent: r.agent ?? null, agent_command: r.agent_command ?? null, agent_files: result.agent?.files ?? [], env_file: result.envFile, guard_file: result.guardFile, remote: result.fetch, warnings: result.warnings });
    return;
  }
  const load = r.path ? `cd ${shellQuote(r.path)} && set -a && . ./.parallel-session.env && set +a` : `set -a && . ${shellQuote(result.envFile)} && set +a`;
  const lines = [
    `${paint('green', '✓')} ${result.adopted_from} is session ${paint('bold', r.name)}`,
    `  branch     ${r.branch} (tracks ${result.adopted_from}; base ${r.base})`,
    `  ${r.mode === 'clone' ? 'clone   ' : r.mode === 'branch' ? 'mode    ' : 'worktree'}   ${r.path ?? '(branch only, no copy)'}`,
    `  port       ${r.port}`,
    `  component  ${r.component}${r.shared ? ' (shared)' : ''}${claimWords(result.share)}`,
    `  env file   ${result.envFile}`,
    '',
    `Load its environment:  ${load}`,
    ...(result.agent ? [`Start the agent:       ${result.agent.command}   (in the ${r.path ? 'copy' : 'main checkout'})`] : []),
    `Bring in what the web session pushes later:  git pull   (in the copy); your commits go back with git push`,
    hint(`When it is done:       make finish-session name=${r.name}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
