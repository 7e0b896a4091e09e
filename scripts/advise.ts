// make advise [sessions=N out=FILE json=1 repo=PATH]
import { rmSync } from 'node:fs';
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { loadContext } from './lib/config/context.ts';
import { OperationError, errorMessage } from './lib/core/errors.mjs';
import { writeFileAtomic } from './lib/core/files.ts';
import { advise, renderReport } from './lib/advise/advise.ts';
import { MATRIX_HEAD, matrixRows } from './lib/advise/report.ts';

void runCommand('advise', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted });
  catchInterrupts(() => process.stderr.write('advise: interrupted; removing what it made...\n'));
  if (!opts.json) process.stderr.write(`advise: measuring worktree, clone and sparse sessions on ${ctx.main}...\n`);
  const a = await advise(ctx, {
    sessions: opts.sessions,
    // Even a second Ctrl-C (an immediate exit) leaves no temporary folder behind.
    onTemp: (dir) => process.on('exit', () => rmSync(dir, { recursive: true, force: true })),
  });
  if (opts.out) {
    try {
      writeFileAtomic(opts.out, renderReport(a));
    } catch (err) {
      throw new OperationError(`could not write out=${opts.out}: ${errorMessage(err)}`);
    }
  }
  if (opts.json) return printJson({ ...a, report: opts.out ?? null });
  const lines = [
    `Measured on ${a.base} (${a.files_total} files), ${a.samples} session(s) per mode, projected to sessions=${a.sessions}:`,
    '',
    renderTable(MATRIX_HEAD, matrixRows(a).map((r) => r.map((c) => c.replace(/\*\*/g, '')))),
    '',
    `${paint('green', 'Recommendation:')} mode=${a.decision.mode}`,
    ...a.decision.reasons.map((r) => `  - ${r}`),
    ...a.decision.warnings.map((w) => `${paint('yellow', 'warning:')} ${w}`),
    ...(opts.out ? ['', `Report written to ${opts.out}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
