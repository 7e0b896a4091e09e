// The advice as a Markdown recommendations document, every figure from the measurements.
import type { Advice } from './advise.ts';
import { bytes, project, seconds, type Projection } from './decide.ts';

const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

export function matrixRows(a: Advice): string[][] {
  return a.projections.map((p) => [
    p.mode === a.decision.mode ? `**${p.mode}** (recommended)` : p.mode,
    seconds(p.create_ms),
    bytes(p.disk_bytes),
    String(p.files),
    seconds(p.create_all_ms),
    bytes(p.disk_all_bytes),
    seconds(p.list_ms),
    seconds(p.sync_ms),
  ]);
}

export const MATRIX_HEAD = ['mode', 'new-session', 'disk', 'files', 'create all', 'disk for all', 'list-sessions', 'sync-all'];

function scaleRows(a: Advice, chosen: Projection): string[][] {
  const m = a.measures.find((x) => x.mode === chosen.mode);
  const counts = [...new Set([1, a.sessions, a.sessions * 2, 10, 25, 50])].sort((x, y) => x - y);
  return counts.map((n) => {
    const p = m ? project(m, n) : chosen;
    return [String(n), seconds(p.create_all_ms), bytes(p.disk_all_bytes), seconds(p.list_ms), seconds(p.sync_ms)];
  });
}

export function renderReport(a: Advice): string {
  const d = a.decision;
  const chosen = a.projections.find((p) => p.mode === d.mode) as Projection;
  const n = a.sessions;
  const sparseLine = d.mode === 'sparse' ? '\nsparse: [ ]          # what every session needs besides its component: build files, shared types, test helpers' : '';
  return `# Parallel sessions on ${a.repo}

## Summary

Use **mode=${d.mode}** for ${n} session${n === 1 ? '' : 's'}: ${d.reasons[0] ?? ''}.
${d.warnings.map((w) => `\n> Warning: ${w}.\n`).join('')}
## Strategy

${d.reasons.map((r) => `- ${r}.`).join('\n')}

Set it once in \`parallel.config.yaml\`, or per session with \`mode=\`:

\`\`\`yaml
mode: ${d.mode}${sparseLine}
\`\`\`

\`\`\`sh
make new-session name=NAME component=C${d.mode === 'worktree' ? '' : ` mode=${d.mode}`}
make list-sessions
make sync-all
\`\`\`

## Decision matrix

Measured on \`${a.base}\` (${a.files_total} files) with ${a.samples} session${a.samples === 1 ? '' : 's'} per mode, made, listed and synced after the base moved by the kit itself, in a temporary stand-in of the repository; the figures for ${n} sessions are projected from them (new-session and disk per session times ${n}, list-sessions and sync-all as their cost with no session plus what each session added).

${table(MATRIX_HEAD, matrixRows(a))}

New-session does not include the config's \`setup:\` command (it costs the same in every mode); sync-all is measured without a fetch.

## Resource requirements

- Disk: ${bytes(chosen.disk_all_bytes)} for ${n} copies in mode=${d.mode} (${bytes(chosen.disk_bytes)} each); ${bytes(a.free_bytes)} is free where the copies go.
- CPU: ${a.cpus} core${a.cpus === 1 ? '' : 's'}; git checks out on all of them, and sync-all runs one copy per core at a time.
- Ports: one per session from the config's \`ports:\` range, leased so that no two sessions on this machine share one.
- Time: creating the ${n} sessions takes about ${seconds(chosen.create_all_ms)} in all.

## Scalability

How mode=${d.mode} grows with the number of sessions (projected from the measurements):

${table(['sessions', 'create all', 'disk', 'list-sessions', 'sync-all'], scaleRows(a, chosen))}

## Risks and how the kit mitigates them

- Lost work: end-session refuses while a copy has uncommitted changes, unpushed commits, stashes or git-ignored files of its own, unless force=1; an interrupted or failed new-session undoes every step it made.
- Two sessions editing the same files: each session claims a component; the agents' guard denies edits outside it, and \`make conflicts\` finds clashes between sessions and with the base before anyone merges.
- Falling behind the base: \`make sync-all\` rebases every copy, and leaves a copy that would conflict exactly as it was.
- Disk filling up: ${bytes(chosen.disk_bytes)} per session here; end sessions once merged (\`make end-session merged=1\`).${
    d.mode === 'sparse'
      ? '\n- Sparse copies lack the files outside their paths: builds and tests that need them fail there; list such paths under `sparse:`. The kit sets `extensions.worktreeConfig` in the repository\'s config only while a sparse session needs it, and takes it out again as it was.'
      : ''
  }${d.mode === 'clone' ? '\n- A clone that repacks its objects stops sharing them with the main repository and takes their full size.' : ''}

## Success metrics

- new-session takes about ${seconds(chosen.create_ms)} per session (measured here), not more.
- \`make list-sessions\` answers within ${seconds(chosen.list_ms)} with ${n} sessions, and \`make sync-all\` within ${seconds(chosen.sync_ms)}.
- The ${n} copies stay within ${bytes(chosen.disk_all_bytes)} of disk.
- No work lost: every end-session either ends cleanly or refuses and names what it would lose.
- No surprise conflicts at merge time: \`make conflicts\` is clean, or names the files, before each finish-session.
`;
}
