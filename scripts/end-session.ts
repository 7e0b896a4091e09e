// make end-session name=NAME [force=1 json=1 repo=PATH] | make end-session merged=1 [dry=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { OperationError, UsageError } from './lib/core/errors.mjs';
import { launchState } from './lib/launch/windows.ts';
import { stopSession } from './lib/launch/stop.ts';
import { endSession, type EndReport } from './lib/session/end.ts';
import { endMergedSessions, type MergedReport } from './lib/session/merged.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';

const USAGE = 'make end-session name=NAME (one session) or make end-session merged=1 (every session already merged)';

function renderOne(rep: EndReport): string {
  const head = rep.status === 'AWAITING REVIEW' ? `ended '${rep.name}': pushed, awaiting review (branch kept: ${rep.branch})` : `ended session ${rep.name}: ${rep.outcome}`;
  const out = [`${paint('green', '✓')} ${head}`];
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
  return out.join('\n');
}

function renderMerged(rep: MergedReport, where: string): string {
  if (!rep.ended.length && !rep.skipped.length) return `no sessions in ${where}`;
  const rows = [
    ...rep.ended.map((e) => [e.name, paint('green', rep.dry ? 'would end' : 'ended'), e.why]),
    ...rep.skipped.map((s) => [s.name, paint('yellow', rep.dry ? 'would skip' : 'skipped'), s.why]),
  ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
  const recover = rep.ended.some((e) => e.kept_refs.length) ? '\nget a branch back with: git branch NAME <ref>' : '';
  return `${renderTable(['SESSION', 'RESULT', 'WHY'], rows)}${rep.dry ? '\ndry run: nothing was changed' : ''}${recover}`;
}

void runCommand('end-session', async (opts, { env, hint }) => {
  if (opts.merged && opts.name) throw new UsageError(`merged=1 ends every merged session and takes no name=; use ${USAGE}`);
  if (!opts.merged && !opts.name) throw new UsageError(`name= is required: ${USAGE}`);
  if (opts.merged && opts.force) throw new UsageError('merged=1 ends only sessions that lose nothing, so it takes no force=1; to throw one session away: make end-session name=NAME force=1');
  if (opts.dry && !opts.merged) throw new UsageError('dry=1 goes with merged=1: make end-session merged=1 dry=1');
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted, workspace: opts.workspace });
  catchInterrupts(() => process.stderr.write('end-session: interrupted; finishing the step under way...\n'));
  // An agent make launch started works in the copy: ending the session under it would pull its folder away.
  const busy = async (name: string): Promise<string | null> => {
    const running = await launchState(ctx.root, ctx.config.workspace, name, env);
    if (!running || !((running.window && !running.window.dead) || running.pids.length)) return null;
    return `its agent still runs${running.window ? ` in tmux window ${running.window.target}` : ` (pids ${running.pids.join(', ')})`}; make stop name=${name} first`;
  };
  if (opts.merged) {
    const rep = await endMergedSessions(ctx, { dry: opts.dry, busy });
    if (opts.json) return printJson(rep);
    for (const w of rep.warnings) process.stderr.write(`end-session: warning: ${w}\n`);
    process.stdout.write(`${hint(renderMerged(rep, `${ctx.main} (workspace ${ctx.config.workspace})`))}\n`);
    return;
  }
  const why = await busy(opts.name as string);
  if (why) {
    if (!opts.force) throw new OperationError(`session ${opts.name}'s ${why.replace(/^its /, '')} (force=1 stops it too)`);
    await stopSession(ctx, opts.name as string);
  }
  const rep = await endSession(ctx, opts.name as string, { force: opts.force });
  if (opts.json) return printJson(rep);
  process.stdout.write(`${renderOne(rep)}\n`);
});
