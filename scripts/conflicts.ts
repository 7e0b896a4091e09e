// make conflicts [json=1 repo=PATH remote=1]; PARALLEL_MERGE_TREE=per-merge|stdin forces how the merges run
import { runCommand } from './lib/cli/run.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { conflictRadar, type RadarSession } from './lib/conflicts/radar.ts';
import { loadContext } from './lib/config/context.ts';
import { parseMergeTreeMode } from './lib/git/merge-tree.ts';

const list = (xs: string[], n = 4) => xs.slice(0, n).join(', ') + (xs.length > n ? `, +${xs.length - n} more` : '');

function baseCell(s: RadarSession): string {
  if (s.error) return paint('red', `error: ${s.error}`);
  if (s.base_conflict) return paint('red', `CONFLICT in ${list(s.base_conflict_files)}`);
  return s.changed.length ? 'merges cleanly' : 'no changes yet';
}

void runCommand('conflicts', async (opts, { env, hint }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, workspace: opts.workspace });
  const radarOpts = { mergeTree: parseMergeTreeMode(env.PARALLEL_MERGE_TREE, 'PARALLEL_MERGE_TREE') };
  const withRemote = opts.remote ? await (await import('./lib/web/radar.ts')).remoteRadar(ctx, radarOpts) : null;
  const radar = withRemote ?? (await conflictRadar(ctx, undefined, radarOpts));
  if (withRemote?.remote.warning) process.stderr.write(`conflicts: warning: ${withRemote.remote.warning}\n`);
  if (opts.json) return printJson(radar);
  if (!radar.sessions.length) {
    process.stdout.write(`no active sessions in ${ctx.main} (workspace ${ctx.config.workspace})${opts.remote ? `, and no branches on ${ctx.config.remote} that match ${ctx.config.remoteSessions.join(', ')}` : ''}\n`);
    return;
  }
  const out: string[] = [];
  const bases = radar.bases.map((b) => `${b.ref} ${b.sha.slice(0, 7)}`).join(', ');
  out.push(`Sessions against the base (${bases || '-'}):`);
  const rows = radar.sessions.map((s) => {
    const others = s.in_other_components.map((o) => `${o.session} (${o.component}): ${list(o.files, 3)}`).join('; ');
    return [s.name, String(s.changed.length), baseCell(s), s.outside_component.length ? paint('yellow', list(s.outside_component)) : '-', others ? paint('yellow', others) : '-'];
  });
  out.push(renderTable(['SESSION', 'CHANGED', 'WITH BASE', 'OUTSIDE ITS COMPONENT', "IN OTHER SESSIONS' COMPONENTS"], rows));
  out.push('');
  if (!radar.pairs.length) out.push('Between sessions: no two sessions changed the same file.');
  else {
    out.push('Between sessions (files both changed):');
    const pairRows = radar.pairs.map((p) => [
      `${p.a} <-> ${p.b}`,
      list(p.files) || '(a file on one side is a folder on the other)',
      p.error ? paint('red', `error: ${p.error}`) : p.conflict ? paint('red', `CONFLICT in ${list(p.conflict_files)}`) : paint('green', 'merges cleanly'),
    ]);
    out.push(renderTable(['PAIR', 'FILES', 'MERGE'], pairRows));
  }
  const next = [...radar.sessions.filter((s) => s.next).map((s) => `  ${s.name}: ${hint(s.next ?? '')}`), ...radar.pairs.filter((p) => p.next).map((p) => `  ${p.a} <-> ${p.b}: ${hint(p.next ?? '')}`)];
  if (next.length) out.push('', 'Next steps:', ...next);
  process.stdout.write(`${out.join('\n')}\n`);
});
