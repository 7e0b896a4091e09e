// The other machines' sessions as text, for list-sessions remote=1 and monitor remote=1.
import { formatAge } from '../cli/output.ts';
import { paint, renderTable } from '../cli/table.ts';
import { printable } from '../cli/terminal.ts';
import { secondsSince } from '../core/time.ts';
import type { SharedView } from './view.ts';

export function renderShared(view: SharedView): string {
  const seen = view.fetched ? 'fetched just now' : 'as the last fetch saw them';
  const stale = view.machines.filter((m) => m.stale);
  const staleLine = stale.length ? `\n${paint('yellow', `stale (nothing published for share_stale): ${stale.map((m) => `${printable(m.machine)} (last ${formatAge(secondsSince(m.last_published))} ago)`).join(', ')}`)}` : '';
  if (!view.sessions.length) return `Other machines on ${view.remote} (${seen}): no sessions published${staleLine}`;
  const rows = view.sessions.map((s) => [
    printable(s.machine) + (s.stale ? paint('yellow', ' (stale)') : ''),
    printable(s.name),
    printable(s.component) + (s.claims ? '' : '*'),
    printable(s.branch),
    s.state === 'waiting_input' ? paint('magenta', 'needs input') : printable(s.state),
    s.progress === null || s.state === 'created' ? '-' : `${Math.round(s.progress)}%`,
    formatAge(secondsSince(s.published_at)),
    printable(s.message || '-'),
  ]);
  const legend = view.sessions.some((s) => !s.claims) ? '; * = shared, no claim' : '';
  return `Other machines on ${view.remote} (${seen}${legend}):\n${renderTable(['MACHINE', 'NAME', 'COMPONENT', 'BRANCH', 'STATE', 'PROGRESS', 'PUBLISHED', 'MESSAGE'], rows)}${staleLine}`;
}
