// What every command script shares: options from make or argv, one-line errors, tables and JSON.
import { KitError, UsageError } from '../core/errors.mjs';

/**
 * Options come as `key=value` arguments, or from make's command line. Make keeps command-line variables
 * in MAKEFLAGS exactly as typed (the Makefile exports none of them, so make never expands one); upper-case
 * ones (NO_COLOR=1, DEBUG=1) go to the environment, lower-case ones are the command's options.
 */
export function readOptions(allowed: readonly string[], argv = process.argv.slice(2), env = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of makeVariables(env.MAKEFLAGS ?? '')) {
    if (/^[a-z][a-z0-9_]*$/.test(name)) out[name] = value;
    else if (/^[A-Z_][A-Z0-9_]*$/.test(name)) env[name] = value;
  }
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}; options are key=value (${allowed.join(', ')})`);
    out[arg.slice(0, eq).replace(/^--/, '')] = arg.slice(eq + 1);
  }
  const unknown = Object.keys(out).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new UsageError(`unknown option ${unknown.map((k) => `${k}=`).join(', ')}; it takes ${allowed.map((k) => `${k}=`).join(' ')}`);
  return out;
}

/**
 * The variables given on make's command line, from MAKEFLAGS ("s -- a=1 b=x\ y"): words split at
 * unescaped spaces, `\c` stands for c and `$$` for `$`.
 */
export function makeVariables(makeflags: string): [string, string][] {
  const at = makeflags.indexOf(' -- ');
  const tail = at >= 0 ? makeflags.slice(at + 4) : makeflags.startsWith('-- ') ? makeflags.slice(3) : '';
  const vars: [string, string][] = [];
  let word = '';
  for (let i = 0; i <= tail.length; i++) {
    const c = tail[i];
    if (c === '\\' && i + 1 < tail.length) word += tail[++i];
    else if (c === '$' && tail[i + 1] === '$') {
      word += '$';
      i++;
    } else if (c === ' ' || c === undefined) {
      const eq = word.indexOf('=');
      if (eq > 0) vars.push([word.slice(0, eq).replace(/[:+?!]$/, ''), word.slice(eq + 1)]);
      word = '';
    } else word += c;
  }
  return vars;
}

export function flag(opts: Record<string, string>, key: string): boolean {
  const v = opts[key];
  if (v === undefined || v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  throw new UsageError(`${key}=${v}: expected ${key}=1 or ${key}=0`);
}

export function intOption(opts: Record<string, string>, key: string, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = opts[key];
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${key}=${v}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`);
  return Number(v);
}

/** Runs a command's main; maps errors to one line on stderr and an exit code, a stack only with DEBUG=1. */
export async function runCommand(command: string, main: () => Promise<number | void>): Promise<void> {
  // `make ports | head -3`: the reader went away; stop quietly instead of a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (err) {
    const debug = process.env.DEBUG === '1';
    if (err instanceof KitError) {
      process.stderr.write(`${command}: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`${command}: unexpected error: ${(err as Error)?.message ?? String(err)} (run with DEBUG=1 for details)\n`);
      process.exitCode = 1;
    }
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(color: Color, text: string, on = useColor()): string {
  return on ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

const ANSI = /\u001b\[[0-9;]*m/g;
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** A plain-text table: header row, then rows, columns padded with two spaces between. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** "3m", "2h", "5d" from a number of seconds. */
export function formatAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
