// The "Parallel sessions" section of CLAUDE.md: the rules every agent in every copy reads, with each
// command written the way it works in a copy (the project's own make when its Makefile has the kit's
// block, else "$PARALLEL_KIT/bin/kit", which the copy's environment file sets). The begin marker holds a
// hash of the section as the kit wrote it: init rewrites the section only while nobody has edited it.
import { createHash } from 'node:crypto';
import { commandLine, type CommandForm } from '../front/hints.ts';

export const CLAUDE_BEGIN = '<!-- parallel-kit:begin';
export const CLAUDE_END = '<!-- parallel-kit:end -->';

/** The body the kit wrote before sections carried a hash: still the kit's own, so init may replace it. */
const LEGACY_BODY = `## Parallel sessions

Several AI sessions work on this repository at once, each in its own copy and branch.

- Start work with \`make new-session name=NAME component=COMPONENT\` and work only in the copy it prints.
- Load the session's environment (\`set -a; . ./.parallel-session.env; set +a\`): \`$PORT\` is yours alone.
- Stay inside your component's paths (see parallel.config.yaml); \`make conflicts\` shows overlaps.
- Report progress from your copy: \`node "$PARALLEL_KIT/dist/track.mjs" event=heartbeat progress=N message='...'\`
  (the same as \`make track\`); \`make monitor\` shows everyone.
- Keep your WORK_LOG.md entry's checklist current in the main checkout (\`$PARALLEL_MAIN/WORK_LOG.md\`,
  not your copy's); the kit updates its Status line.
- Before merging: \`make sync name=NAME\`, then \`make finish-session name=NAME\`.
- Never remove another session's copy; \`make end-session\` refuses when work would be lost.
`;

const hashOf = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 12);

export function sectionBody(form: CommandForm): string {
  const c = (command: string, args = '') => `\`${commandLine(form, command, args)}\``;
  return `## Parallel sessions

Several AI sessions work on this repository at once, each in its own copy and branch.

- Start work with ${c('new-session', 'name=NAME component=COMPONENT')} and work only in the copy it prints.
- Load the session's environment in your copy (\`set -a; . ./.parallel-session.env; set +a\`): \`$PORT\` is yours
  alone, and the commands below need \`$PARALLEL_KIT\`, the kit's folder, which it sets.
- Stay inside your component's paths (see parallel.config.yaml); ${c('conflicts')} shows overlaps.
- Report progress from your copy: \`node "$PARALLEL_KIT/dist/track.mjs" event=heartbeat progress=N message='...'\`
  (the same as ${c('track')}, and faster); ${c('monitor')} shows everyone.
- Keep your WORK_LOG.md entry's checklist current in the main checkout (\`$PARALLEL_MAIN/WORK_LOG.md\`,
  not your copy's); the kit updates its Status line.
- Before merging: ${c('sync', 'name=NAME')}, then ${c('finish-session', 'name=NAME')}.
- Never remove another session's copy; ${c('end-session', 'name=NAME')} refuses when work would be lost.
`;
}

export function renderSection(form: CommandForm): string {
  const body = sectionBody(form);
  return `${CLAUDE_BEGIN} v=${hashOf(body)} -->\n${body}${CLAUDE_END}\n`;
}

export interface SectionUpdate {
  text: string;
  /** Set when the section was edited by hand, so init left it as it was. */
  edited?: boolean;
}

/** CLAUDE.md with the section as the form wants it: added when missing, replaced while unedited. */
export function upsertSection(current: string | null, form: CommandForm): SectionUpdate {
  const section = renderSection(form);
  if (current === null) return { text: `# CLAUDE.md\n\n${section}` };
  const begin = current.indexOf(CLAUDE_BEGIN);
  const endAt = begin < 0 ? -1 : current.indexOf(CLAUDE_END, begin);
  if (begin < 0 || endAt < 0) return { text: `${current}${current.endsWith('\n') ? '' : '\n'}\n${section}` };
  const lineEnd = current.indexOf('\n', begin);
  const first = current.slice(begin, lineEnd);
  const body = current.slice(lineEnd + 1, endAt);
  const hash = /^<!-- parallel-kit:begin v=([0-9a-f]{12}) -->$/.exec(first)?.[1];
  const unedited = hash ? hashOf(body) === hash : first === `${CLAUDE_BEGIN} -->` && body === LEGACY_BODY;
  if (!unedited) return { text: current, edited: true };
  const after = current.slice(endAt + CLAUDE_END.length).replace(/^\n/, '');
  return { text: `${current.slice(0, begin)}${section}${after}` };
}
