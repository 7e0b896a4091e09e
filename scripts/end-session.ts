// make end-session name=NAME [force=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { endSession } from './lib/session/end.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';

await runCommand('end-session', async (opts, { env }) => {
  const json = opts.json;
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted });
  catchInterrupts(() => process.stderr.write('end-session: interrupted; finishing the step under way...\n'));
  const rep = await endSession(ctx, opts.name, { force: opts.force });
  if (json) return printJson(rep);
  const out = [`${paint('green', '✓')} ended session ${rep.name}: ${rep.outcome}`];
  if (rep.removed_copy) out.push(`  removed    ${rep.removed_copy}`);
  out.push(`  branch     ${rep.branch} ${rep.branch_deleted ? 'deleted' : rep.branch_kept_reason ? `kept: ${rep.branch_kept_reason}` : 'gone'}`);
  if (rep.discarded.uncommitted.length) out.push(`  threw away ${rep.discarded.uncommitted.length} uncommitted file(s): ${rep.discarded.uncommitted.join(', ')}`);
  if (rep.discarded.unpushed.length) out.push(`  threw away ${rep.discarded.unpushed.length} unpushed commit(s): ${rep.discarded.unpushed.join('; ')}`);
  if (rep.discarded.stashes.length) out.push(`  threw away ${rep.discarded.stashes.length} stash entr(ies): ${rep.discarded.stashes.join('; ')}`);
  if (rep.discarded.ignored.length) out.push(`  threw away ${rep.discarded.ignored.length} git-ignored path(s) too big to keep: ${rep.discarded.ignored.join(', ')}`);
  if (rep.kept_in) out.push(`  kept       ${rep.kept_files.length} git-ignored path(s) in ${rep.kept_in}: ${rep.kept_files.join(', ')}`);
  if (rep.kept_refs.length) out.push(`  kept       the commits nothing else held, under ${rep.kept_refs.length} ref(s): ${rep.kept_refs.join(', ')} (get one back: git branch NAME ${rep.kept_refs[0]})`);
  out.push(`  logs kept  ${rep.archived_to}`);
  for (const w of rep.warnings) out.push(`  ${paint('yellow', 'note')}       ${w}`);
  process.stdout.write(`${out.join('\n')}\n`);
});
