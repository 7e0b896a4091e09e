// make sync name=NAME | make sync-all  [strategy=rebase|merge autostash=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable, type Color } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { UsageError } from './lib/core/errors.mjs';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { parseStrategy, syncSessions, type SessionSync } from './lib/sync/sync.ts';

const LABEL: Record<SessionSync['result'], [string, Color]> = {
  rebased: ['rebased', 'green'],
  merged: ['merged', 'green'],
  'up-to-date': ['up to date', 'green'],
  dirty: ['skipped: dirty', 'yellow'],
  conflict: ['conflict', 'red'],
  missing: ['missing', 'red'],
  error: ['error', 'red'],
};

const list = (xs: string[]) => xs.slice(0, 6).join(', ') + (xs.length > 6 ? `, and ${xs.length - 6} more` : '');

function detail(s: SessionSync): string {
  const move = s.before && s.after && s.before !== s.after ? `${s.before.slice(0, 7)} -> ${s.after.slice(0, 7)}` : '';
  if (s.result === 'conflict') return `in ${list(s.conflicts)}: ${s.message ?? ''}; to resolve it: ${s.next ?? ''}`;
  if (s.result === 'dirty') return `${s.dirty.length} uncommitted file(s): ${list(s.dirty)}; ${s.next ?? s.message ?? ''}`;
  return [move, s.message].filter(Boolean).join('; ');
}

void runCommand('sync', async (opts, { env, hint }) => {
  const all = opts.all;
  if (!opts.name && !all) throw new UsageError('name= is required, e.g. make sync name=login-form (or make sync-all for every session)');
  if (opts.name && all) throw new UsageError(`all=1 (make sync-all) takes no name=; to sync one session: make sync name=${opts.name}`);
  const strategy = parseStrategy(opts.strategy);
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted, workspace: opts.workspace });
  catchInterrupts(() => process.stderr.write('sync: interrupted; finishing the session under way and leaving the others as they are...\n'));
  const sum = await syncSessions(ctx, { name: opts.name, strategy, autostash: opts.autostash });
  if (opts.json) {
    printJson(sum);
    return sum.ok ? 0 : 1;
  }
  for (const w of sum.warnings) process.stderr.write(`sync: ${hint(w)}\n`);
  if (!sum.sessions.length) {
    process.stdout.write(`no active sessions in ${ctx.main} (workspace ${ctx.config.workspace})\n`);
    return 0;
  }
  const onto = sum.targets.map((t) => `${t.ref} ${t.sha.slice(0, 7)}`).join(', ');
  const fetched = sum.fetch.fetched ? ' (fetched origin)' : '';
  const rows = sum.sessions.map((s) => {
    const [label, color] = LABEL[s.result];
    return [s.name, paint(color, label), s.onto ? s.onto.slice(0, 7) : '-', hint(detail(s))];
  });
  process.stdout.write(`${strategy === 'rebase' ? 'rebasing' : 'merging'} onto ${onto || '-'}${fetched}\n${renderTable(['SESSION', 'RESULT', 'ONTO', 'DETAIL'], rows)}\n`);
  const failed = sum.sessions.filter((s) => !s.ok).length;
  if (failed) process.stderr.write(`sync: ${failed} of ${sum.sessions.length} session(s) did not sync\n`);
  return failed ? 1 : 0;
});
