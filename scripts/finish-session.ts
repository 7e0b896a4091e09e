// make finish-session name=NAME [pr=1 merge=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { UsageError } from './lib/core/errors.mjs';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { finishSession, type FinishReport } from './lib/finish/finish.ts';

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '-');

function render(rep: FinishReport, main: string): string {
  const s = rep.sync;
  // merge=1 says what the entry says: MERGED (and ended, unless a note says why not), not waiting for review.
  const state = rep.merged ? `merged into ${rep.merged.base}${rep.ended ? ' and ended' : ''}` : 'READY FOR REVIEW';
  const out = [`${paint('green', '✓')} session ${rep.name} (${rep.branch}) is ${state}`];
  out.push(`  rebase     ${s.result === 'up-to-date' ? 'already on' : 'rebased onto'} ${s.onto_ref} ${short(s.onto)}${s.result === 'rebased' ? ` (${short(s.before)} -> ${short(s.after)})` : ''}`);
  out.push(`  tests      ${rep.test.command ? `passed (${rep.test.command})` : 'no test command configured (test: in parallel.config.yaml)'}`);
  out.push(`  pushed     ${rep.pushed_to.length ? `to ${rep.pushed_to.join(', then ')}` : 'no remote; nothing pushed'}`);
  if (!rep.worklog_updated) out.push(`  WORK_LOG   entry not found; status not updated`);
  if (rep.pr?.created) out.push(`  pull req.  ${rep.pr.url ?? 'created'}`);
  else if (rep.pr) out.push(`  pull req.  not created: ${rep.pr.reason}. Run this in ${main}:`, `    ${rep.pr.command}`);
  if (rep.merged) {
    const pushed = rep.merged.pushed === null ? '' : rep.merged.pushed ? ', pushed to origin' : ', NOT pushed to origin';
    out.push(`  merged     ${rep.merged.base} ${short(rep.merged.from)} -> ${short(rep.merged.to)} (fast-forward${pushed})`);
  }
  if (rep.ended) out.push(`  ended      copy removed${rep.ended.branch_deleted ? `, branch ${rep.branch} deleted` : ''}; logs kept in ${rep.ended.archived_to}`);
  for (const w of rep.warnings) out.push(`  ${paint('yellow', 'note')}       ${w}`);
  return out.join('\n');
}

void runCommand('finish-session', async (opts, { env }) => {
  const json = opts.json;
  const pr = opts.pr;
  const merge = opts.merge;
  if (pr && merge) throw new UsageError('pr=1 and merge=1 do not go together: merge=1 merges the branch itself and ends the session; pick one');
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted, workspace: opts.workspace });
  catchInterrupts(() => process.stderr.write('finish-session: interrupted; finishing the step under way, then stopping...\n'));
  const rep = await finishSession(ctx, opts.name, { pr, merge, onStep: (t) => !json && process.stderr.write(`  ${t}...\n`) });
  if (json) printJson(rep);
  else process.stdout.write(`${render(rep, ctx.main)}\n`);
  return rep.pr?.failed ? 1 : 0;
});
