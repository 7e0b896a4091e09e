// The block `make init makefile=1` writes at the end of a project's own Makefile, so that the kit's
// commands are that project's targets (`make new-session ...` in the project and in every copy of it).
// It commits no path of this machine: the kit's folder comes from PARALLEL_KIT, else from a one-line
// file in the user's config folder that init writes. Taking it out leaves the Makefile byte for byte
// as it was: the begin line records what else the kit wrote (the file itself, or a final newline).
import { join } from 'node:path';

export const BLOCK_BEGIN = '# >>> parallel-kit >>>';
export const BLOCK_END = '# <<< parallel-kit <<<';

/** What the kit added besides the block, recorded on its first line so that removing it is exact. */
export type BlockVariant = 'appended' | 'created' | 'newline';

const ORIGIN: Record<BlockVariant, string> = {
  appended: 'added by the parallel sessions kit (make init makefile=1); make kit-init remove=1 takes it out',
  created: 'this file was created by the parallel sessions kit (make init makefile=1); make kit-init remove=1 deletes it',
  newline: 'added by the parallel sessions kit (make init makefile=1), after ending the line above; make kit-init remove=1 takes both out',
};

/** The block's text, first line to last, with its final newline. `commands` are the kit's command names. */
export function renderBlock(variant: BlockVariant, commands: readonly string[]): string {
  const kit = '$(subst $(eval) ,\\ ,$(PARALLEL_KIT))';
  return [
    `${BLOCK_BEGIN} ${ORIGIN[variant]}`,
    '# The kit\'s commands as targets here: make new-session name=NAME component=C, make list-sessions, make monitor,',
    '# ... (make kit-help lists them). Each is also make kit-<command>; a target this Makefile defines stays its own.',
    '# The kit\'s folder comes from PARALLEL_KIT, else from the file the kit\'s make init wrote in ~/.config/parallel-kit/.',
    'ifeq ($(origin PARALLEL_KIT),undefined)',
    '-include $(wildcard $(or $(XDG_CONFIG_HOME),$(HOME)/.config)/parallel-kit/kit.mk)',
    'endif',
    `ifneq ($(wildcard ${kit}/project.mk),)`,
    `include ${kit}/project.mk`,
    `else ifneq ($(filter kit-% ${commands.join(' ')},$(MAKECMDGOALS)),)`,
    'parallel-kit-missing = @echo "make: $@: the parallel sessions kit is not found here; set PARALLEL_KIT to its folder, or run the kit\'s make init makefile=1" >&2; exit 2',
    'kit-%: ; $(parallel-kit-missing)',
    '.DEFAULT: ; $(parallel-kit-missing)',
    'endif',
    BLOCK_END,
    '',
  ].join('\n');
}

export interface FoundBlock {
  variant: BlockVariant | null;
  start: number;
  end: number;
  text: string;
}

/** The block in a makefile's text (from its begin line to the end of its end line), or null. */
export function findBlock(text: string): FoundBlock | null {
  const start = text.startsWith(BLOCK_BEGIN) ? 0 : text.indexOf(`\n${BLOCK_BEGIN}`) + 1;
  if (start === 0 && !text.startsWith(BLOCK_BEGIN)) return null;
  const endAt = text.indexOf(`\n${BLOCK_END}`, start);
  if (endAt < 0) return null;
  const lineEnd = text.indexOf('\n', endAt + 1);
  const end = lineEnd < 0 ? text.length : lineEnd + 1;
  const first = text.slice(start, text.indexOf('\n', start));
  const variant = (Object.keys(ORIGIN) as BlockVariant[]).find((v) => first === `${BLOCK_BEGIN} ${ORIGIN[v]}`) ?? null;
  return { variant, start, end, text: text.slice(start, end) };
}

/** The makefile with the block at its end; null for a file that does not exist yet. */
export function withBlock(current: string | null, commands: readonly string[]): string {
  if (current === null) return renderBlock('created', commands);
  if (current === '') return renderBlock('appended', commands);
  if (current.endsWith('\n')) return `${current}\n${renderBlock('appended', commands)}`;
  return `${current}\n\n${renderBlock('newline', commands)}`;
}

/** The block with its list of command names taken out: the one line that changes as the kit gains commands. */
function withoutNames(text: string): string {
  return text.replace(/^else ifneq \(\$\(filter kit-% [^,\n]*,\$\(MAKECMDGOALS\)\),\)$/m, 'else ifneq ($(filter kit-% ...,$(MAKECMDGOALS)),)');
}

/**
 * Whether the block is what a kit writes (else a person edited it): this kit, or an older one whose list
 * of commands was shorter.
 */
export function isKitBlock(found: FoundBlock, commands: readonly string[]): boolean {
  return found.variant !== null && withoutNames(found.text) === withoutNames(renderBlock(found.variant, commands));
}

/** The makefile with a kit's block brought up to this kit's list of commands. */
export function withCurrentBlock(text: string, found: FoundBlock, commands: readonly string[]): string {
  return found.variant === null ? text : text.slice(0, found.start) + renderBlock(found.variant, commands) + text.slice(found.end);
}

/**
 * The makefile without the block, as it was before init wrote it: null means delete the file (the
 * kit created it and nothing else was written there since).
 */
export function withoutBlock(text: string, found: FoundBlock): string | null {
  const after = text.slice(found.end);
  if (found.variant === 'created') return found.start === 0 && after === '' ? null : text.slice(0, found.start) + after;
  const cut = found.start === 0 ? 0 : found.variant === 'newline' ? 2 : 1;
  const before = text.slice(0, found.start);
  const sep = found.variant === 'newline' ? '\n\n' : '\n';
  return (found.start > 0 && before.endsWith(sep) ? before.slice(0, before.length - cut) : before) + after;
}

/** The file in which init records the kit's folder for the block (`PARALLEL_KIT := ...`). */
export function pointerFile(env: NodeJS.ProcessEnv): string | null {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : '');
  return base ? join(base, 'parallel-kit', 'kit.mk') : null;
}

/** The pointer file's text: make reads it, so a `$` in the folder's name is doubled. */
export function pointerText(kitDir: string): string {
  const escaped = kitDir.replace(/\$/g, '$$$$').replace(/#/g, '\\#');
  return `# Written by the parallel sessions kit's make init: its folder, for the block in a project's Makefile.\nPARALLEL_KIT := ${escaped}\n`;
}
