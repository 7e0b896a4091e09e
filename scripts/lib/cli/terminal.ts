// What reaches a terminal. Messages, file names and branch names come from files, git and agents: an
// escape sequence among them could clear the screen, fake a dashboard or write the clipboard (OSC 52).
// So every write of a command passes a guard that shows control characters escaped; only colour (SGR)
// sequences, newlines and tabs pass, and the monitor's own redraw goes through writeControl.

const CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_IN_LINE = /\x1b\[[0-9;]*m|[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

function escaped(c: string): string {
  return NAMED[c] ?? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
}

/** Text for a terminal: colour sequences, newlines and tabs pass; every other control character is shown escaped. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (m) => (m.length > 1 ? m : escaped(m)));
}

/** One value on one line (a table cell, a message): newlines and escapes of its own are shown escaped too. */
export function printable(value: string): string {
  return value.replace(CONTROL_IN_LINE, (m) => (m.length > 1 ? m : escaped(m)));
}

type Write = typeof process.stdout.write;
let rawStdout: Write | null = null;

/** Puts the guard on this process's stdout and stderr (runCommand does, once per command). */
export function guardOutput(): void {
  if (rawStdout) return;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as Write;
    if (stream === process.stdout) rawStdout = write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => (write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest)) as Write;
  }
}

/** The kit's own cursor movements (the monitor's redraw in watch mode), past the guard. */
export function writeControl(sequence: string): void {
  (rawStdout ?? process.stdout.write.bind(process.stdout))(sequence);
}

/**
 * A notification's escape (OSC 9 and a bell) for the person's terminal: on stdout when it is one, never
 * into a pipe or a file (a CI log, `| tail`). Whether it was written.
 */
export function writeNotice(sequence: string): boolean {
  if (!process.stdout.isTTY) return false;
  writeControl(sequence);
  return true;
}
