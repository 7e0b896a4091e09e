// make ports [json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable, type Color } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { portReport, type PortFlag, type PortRow } from './lib/ports/leases.ts';

const COLORS: Record<PortFlag, Color> = { ok: 'green', free: 'gray', foreign: 'red', unknown: 'yellow', duplicate: 'red' };

function cells(r: PortRow): string[] {
  const known = r.holders.filter((h) => h.pid !== null);
  const note = r.flag === 'ok' || r.flag === 'free' ? r.note : `${r.flag.toUpperCase()}: ${r.note}`;
  return [
    String(r.port),
    r.session,
    r.in_use ? 'yes' : 'no',
    known.length ? known.map((h) => h.pid).join(',') : '-',
    known.length ? [...new Set(known.map((h) => h.command ?? '?'))].join(',') : '-',
    paint(COLORS[r.flag], note),
  ];
}

void runCommand('ports', async (opts, { env }) => {
  const json = opts.json;
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  const rows = await portReport(ctx);
  if (json) return printJson(rows);
  if (!rows.length) {
    process.stdout.write(`no ports leased: no live sessions in ${ctx.main} (workspace ${ctx.config.workspace})\n`);
    return;
  }
  process.stdout.write(`${renderTable(['PORT', 'SESSION', 'IN-USE', 'PID', 'COMMAND', 'NOTE'], rows.map(cells))}\n`);
  const flagged = rows.filter((r) => r.flag === 'foreign' || r.flag === 'unknown' || r.flag === 'duplicate');
  if (flagged.length) {
    process.stdout.write(`\n${paint('red', `${flagged.length} lease${flagged.length > 1 ? 's need' : ' needs'} attention`)}: a foreign holder keeps the session's server from starting on its port; stop that process or end and recreate the session.\n`);
  }
});
