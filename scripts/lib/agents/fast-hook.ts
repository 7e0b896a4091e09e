// The hooks that skip node: a POSIX shell reads the session's state word (tracker/files.ts, written beside
// status.json) and starts the kit's hook only when the event could change something. A shell's `read`
// and `test` are built in: no process beyond the shell itself, about a hundredth of a node start-up.
// Whatever goes wrong (no word, an old one, no /proc) starts node, which is only slower.
import { STATE_WORD_FILE } from '../store/constants.ts';

/**
 * True when the word in "$f" says running and is fresh: its mtime (set a minute ahead by its writer) is
 * newer than this shell's /proc entry, which is made when first looked at, now. Without /proc: false.
 */
const RUNNING = `[ "$f" -nt /proc/$$ ] && { read -r s < "$f"; } 2>/dev/null && [ "$s" = running ]`;
/** True when the word in "$f" says the turn is over (idle) or the session ended; no freshness needed. */
const OVER = `{ read -r s < "$f"; } 2>/dev/null && { [ "$s" = idle ] || [ "$s" = ended ]; }`;

const sh = (test: string) => `f="$1/${STATE_WORD_FILE}"; shift; ${test} && exit 0; exec "$@"`;

/** For an event that only says running (a tool is done): nothing while the session runs, else the hook's words. */
export function runningOrHook(stateDir: string, hook: readonly string[]): string[] {
  return ['/bin/sh', '-c', sh(RUNNING), 'parallel-kit', stateDir, ...hook];
}

/** For an event that only says idle (Codex notify's turn-complete): nothing once the turn is over, else the hook's words. */
export function overOrHook(stateDir: string, hook: readonly string[]): string[] {
  return ['/bin/sh', '-c', sh(OVER), 'parallel-kit', stateDir, ...hook];
}

/** The same tests for a hook command that finds its session in PARALLEL_* (Codex's user-level hooks): a line of shell. */
export function gatedTest(kind: 'running' | 'over'): string {
  return `f="$PARALLEL_DIR/$PARALLEL_WORKSPACE/$PARALLEL_SESSION/${STATE_WORD_FILE}"; ${kind === 'running' ? RUNNING : OVER} && exit 0;`;
}
