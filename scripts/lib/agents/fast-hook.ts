// The hooks that mostly skip node: bin/hook-unless, a POSIX shell script, reads the session's state word
// (STATE_WORD_FILE, written beside status.json) and starts the kit's hook only when the event could change
// something. A shell's `read` and `test` are built in: about a hundredth of a node start-up. Whatever goes
// wrong (no word, an old one, no /proc) starts node, which is only slower.
import { join } from 'node:path';
import { singleQuote } from '../core/shell.ts';

export type Unless = 'running' | 'over';

/** <kit>/bin/hook-later: the hook in the background, for a state-only event of an agent that waits on every hook (Codex). */
export const hookLater = (kitDir: string) => join(kitDir, 'bin', 'hook-later');

/** <kit>/bin/hook-unless. */
export const hookUnless = (kitDir: string) => join(kitDir, 'bin', 'hook-unless');

/**
 * `running`: for an event that only says running (a tool is done): nothing while the session runs.
 * `over`: for an event that only says idle (Codex notify's turn-complete): nothing once the turn is over.
 * Else the hook's words.
 */
export function hookUnlessArgv(kitDir: string, unless: Unless, stateDir: string, hook: readonly string[]): string[] {
  return [hookUnless(kitDir), unless, stateDir, ...hook];
}

/** The same for a shell line whose session is in PARALLEL_* (Codex's user-level hooks): the words before the hook's. */
export function gatedUnless(kitDir: string, unless: Unless): string {
  return `${singleQuote(hookUnless(kitDir))} ${unless} "$PARALLEL_DIR/$PARALLEL_WORKSPACE/$PARALLEL_SESSION"`;
}

/** The words before the hook's in a shell line, for an event whose hook runs in the background. */
export const gatedLater = (kitDir: string): string => singleQuote(hookLater(kitDir));
