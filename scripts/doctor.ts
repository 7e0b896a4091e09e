// make doctor [name=NAME json=1 repo=PATH]: is each session's agent wired to the kit? (docs/agents.md)
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { UsageError } from './lib/core/errors.mjs';
import { doctor } from './lib/agents/doctor.ts';

await runCommand('doctor', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  const found = await doctor(ctx, { name: opts.name, env });
  if (opts.name && !found.length) throw new UsageError(`no live session ${opts.name} in ${ctx.main} (workspace ${ctx.config.workspace}); make list-sessions shows them`);
  if (opts.json) {
    printJson(found);
    return found.every((s) => s.ok) ? 0 : 1;
  }
  if (!found.length) {
    process.stdout.write(`no live sessions in ${ctx.main} (workspace ${ctx.config.workspace})\n`);
    return 0;
  }
  const out: string[] = [];
  for (const s of found) {
    out.push(`${s.name}: ${s.agent ? `agent ${s.agent}${s.kind && s.kind !== s.agent ? ` (${s.kind})` : ''}` : 'no agent'} ${s.ok ? paint('green', 'ok') : paint('red', 'PROBLEM')}`);
    for (const c of s.checks) out.push(`  ${c.ok ? paint('green', 'ok ') : paint('red', 'NO ')} ${c.what}: ${c.detail}`);
    if (s.event) {
      const e = s.event;
      const line = `synthetic ${e.event} through dist/hook.mjs (a throwaway copy of the state folder): ${e.before ?? '(no state)'} -> ${e.after ?? '(no state)'}${e.error ? ` (${e.error})` : ''}`;
      out.push(`  ${e.changed ? paint('green', 'ok ') : paint('red', 'NO ')} ${line}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return found.every((s) => s.ok) ? 0 : 1;
});
