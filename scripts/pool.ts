// make pool [size=N force=1 fill=1 json=1 repo=PATH]
import { UsageError } from './lib/core/errors.mjs';
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { fillPool, poolReport, resizePool } from './lib/warm/fill.ts';
import { wantedSize } from './lib/warm/records.ts';

void runCommand('pool', async (opts, { env }) => {
  if (opts.fill && opts.size !== undefined) throw new UsageError('fill=1 fills to the config\'s pool: and size=N to N: give one of them');
  if (opts.force && opts.size === undefined && !opts.fill) throw new UsageError('force=1 goes with size=N (make pool size=0 force=1 removes every copy)');
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted });
  catchInterrupts(() => process.stderr.write('pool: interrupted; stopping after the copy at hand...\n'));
  const report = opts.size !== undefined ? await resizePool(ctx, { size: opts.size, force: opts.force }) : opts.fill ? await fillPool(ctx, { size: wantedSize(ctx.root, ctx.config.pool), force: opts.force }) : await poolReport(ctx);
  if (opts.json) return printJson(report);
  for (const w of report.warnings) process.stderr.write(`pool: warning: ${w}\n`);
  if (report.busy) process.stderr.write('pool: another process is filling the pool right now; nothing changed here\n');
  const did = [...report.made.map(() => 'made'), ...report.refreshed.map(() => 'refreshed'), ...report.removed.map(() => 'removed')];
  const counts = ['made', 'refreshed', 'removed'].map((k) => [k, did.filter((d) => d === k).length] as const).filter(([, n]) => n);
  const head = `pool: ${report.copies.filter((c) => c.state === 'ready').length} ready of ${report.size} wanted (base ${report.base}${report.sha ? ` at ${report.sha.slice(0, 7)}` : ''})${counts.length ? `; ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}`;
  const color = (s: string) => (s === 'ready' ? 'green' : s === 'stray' || s === 'abandoned' ? 'red' : 'yellow');
  const rows = report.copies.map((c) => [c.id, paint(color(c.state), c.state), c.sha ? c.sha.slice(0, 7) : '-', c.path, c.reason ?? '']);
  process.stdout.write(`${head}\n${rows.length ? `${renderTable(['COPY', 'STATE', 'COMMIT', 'PATH', 'NOTE'], rows)}\n` : ''}`);
});
