// Plain-text tables and colour, for what commands print to people.
import { printable } from './terminal.ts';

/** Colour only on a terminal, without NO_COLOR and not on a dumb terminal. */
export function useColor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

// runCommand decides once per command (from the environment and make's command line) whether stdout gets
// colour; paint follows that decision unless told otherwise, so that a script's table helpers need not carry it.
let decided: boolean | undefined;

export function decideColor(on: boolean): void {
  decided = on;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(color: Color, text: string, on = decided ?? useColor()): string {
  const safe = printable(text);
  return on ? `\u001b[${CODES[color]}m${safe}\u001b[0m` : safe;
}

const ANSI = /\u001b\[[0-9;]*m/g;
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** A plain-text table: header row, then rows, columns padded with two spaces between. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  rows = rows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
