// The title and body of a session's pull request: from its commits and what people wrote in its
// WORK_LOG entry (checklist, notes, Issue and friends), never from the machine it ran on (the copy's
// path, the port, the kit's own lines).
import type { SessionRecord } from '../store/schemas.ts';

/** The entry's lines the kit writes from the session's record: nothing a reviewer needs. */
const MACHINE_FIELDS = new Set(['session', 'branch', 'component', 'port', 'copy', 'profile', 'started', 'status', 'last sync', 'eta']);
/** Fields that name the work, in the order they are tried for a title. */
const TITLE_FIELDS = ['title', 'task', 'goal'];
/** What a template leaves in a field nobody filled in. */
const PLACEHOLDER = /^(tbd|tba|todo|n\/a|none|-+|\?+|\.\.\.|…)?$/i;

export interface PrText {
  title: string;
  body: string;
}

export interface EntryParts {
  heading: string | null;
  fields: { name: string; value: string }[];
  checklist: string[];
  notes: string;
}

/** The parts of an entry's text people write in: `- **Field:** value` lines, `- [ ]` items, and what follows `**Notes:**`. */
export function entryParts(heading: string | null, body: string): EntryParts {
  const parts: EntryParts = { heading, fields: [], checklist: [], notes: '' };
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  const notesAt = lines.findIndex((l) => /^\*\*Notes:\*\*\s*$/.test(l.trim()));
  for (const line of notesAt < 0 ? lines : lines.slice(0, notesAt)) {
    const field = /^- \*\*([^*:]+):\*\*\s?(.*)$/.exec(line);
    if (field) parts.fields.push({ name: (field[1] as string).trim(), value: (field[2] as string).trim() });
    else if (/^\s*[-*] \[[ xX]\] /.test(line)) parts.checklist.push(line.trim());
  }
  if (notesAt >= 0) parts.notes = lines.slice(notesAt + 1).join('\n').trim();
  return parts;
}

/**
 * Machine paths never reach a pull request: the session's copy and the main checkout are named in
 * words, a home folder or temporary folder path is left out, and a line with a PARALLEL_ variable goes.
 */
function scrub(text: string, paths: readonly string[]): string {
  let out = text;
  for (const [path, word] of [...paths.map((p, i) => [p, i === 0 ? "the session's copy" : 'the main checkout'] as const)].sort((a, b) => b[0].length - a[0].length)) {
    if (path) out = out.split(path).join(word);
  }
  return out
    .split('\n')
    .filter((l) => !/\bPARALLEL_[A-Z_]+\b/.test(l))
    .map((l) => l.replace(/(?:~|\/home|\/Users|\/root|\/tmp|\/private|\/var\/folders)\/[^\s`'")\]]*/g, '<local path>'))
    .join('\n');
}

const humanValue = (v: string) => !PLACEHOLDER.test(v.replace(/^[`*_]+|[`*_]+$/g, '').trim());

/**
 * `commits` are the session's own commit subjects, oldest first. The title is the one commit's subject;
 * for several, the entry's own title (a heading people changed from the template's "name (kind)", or a
 * Title/Task/Goal field), else the first subject and how many more.
 */
export function prText(r: Pick<SessionRecord, 'name' | 'kind' | 'path'>, main: string, entry: EntryParts | null, commits: readonly string[]): PrText {
  const clean = (s: string) => scrub(s, [r.path ?? '', main]);
  const human = entry?.fields.filter((f) => !MACHINE_FIELDS.has(f.name.toLowerCase()) && humanValue(f.value)) ?? [];
  const named = TITLE_FIELDS.map((t) => human.find((f) => f.name.toLowerCase() === t)?.value).find(Boolean);
  const heading = entry?.heading && ![`${r.name} (${r.kind})`, r.name].includes(entry.heading) ? entry.heading : null;
  const first = commits[0];
  const title = clean(commits.length === 1 && first ? first : (heading ?? named ?? (first ? `${first}${commits.length > 1 ? ` (+${commits.length - 1} more)` : ''}` : r.name)));

  const sections: string[] = [];
  if (commits.length) sections.push(`## Commits\n\n${commits.map((c) => `- ${clean(c)}`).join('\n')}`);
  if (entry?.checklist.length) sections.push(`## Checklist\n\n${entry.checklist.map(clean).join('\n')}`);
  if (human.length) sections.push(`## Details\n\n${human.map((f) => clean(`- **${f.name}:** ${f.value}`)).join('\n')}`);
  const notes = entry ? clean(entry.notes).trim() : '';
  if (notes) sections.push(`## Notes\n\n${notes}`);
  return { title, body: `${sections.join('\n\n')}\n` };
}
