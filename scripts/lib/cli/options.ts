// Options from make's command line or key=value arguments, checked against the command's entry in the
// registry (commands.mjs), each value checked against its option's kind.
import { UsageError } from '../core/errors.mjs';
import type { CommandSpec, OptionSpec } from './commands.mjs';
import { optionUsage, usageOf } from './usage.mjs';

type ValueOf<O> = O extends { kind: 'flag' } ? boolean : O extends { kind: 'int' | 'number' } ? number : O extends { kind: 'enum'; values: readonly (infer V)[] } ? V : string;

/** The parsed options of a command: flags are booleans, numbers numbers, a missing optional value undefined. */
export type Options<S extends readonly OptionSpec[]> = {
  [O in S[number] as O['name']]: O extends { kind: 'flag' } ? boolean : O extends { required: true } ? ValueOf<O> : ValueOf<O> | undefined;
};

/** What readOptions needs of a command: a registry entry, or the same shape for a dev script. */
export type OptionsOf = Pick<CommandSpec, 'name' | 'example' | 'options'>;

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

/** Upper-case variables on make's command line (NO_COLOR=1, DEBUG=1): settings for the environment, not options. */
export function makeEnvironment(makeflags = ''): Record<string, string> {
  return Object.fromEntries(makeVariables(makeflags).filter(([name]) => /^[A-Z_][A-Z0-9_]*$/.test(name)));
}

/** A value as an error shows it: as typed when plain, quoted when it holds spaces or control characters. */
const shown = (v: string) => (/^[\x21-\x7e]*$/.test(v) ? v : JSON.stringify(v));

/**
 * One option's value checked against its kind. A plain checker, not zod: the tracker shares it, and
 * its bundle stays Node built-ins only (zod/mini doubled the tracker's own cost per call).
 */
function valueOf(o: OptionSpec, v: string): unknown {
  const fail = (why: string): never => {
    throw new UsageError(`${o.name}=${shown(v)}: ${why}`);
  };
  switch (o.kind) {
    case 'flag':
      if (!['0', '1', 'true', 'false', 'yes', 'no'].includes(v)) fail(`expected ${o.name}=1 or ${o.name}=0 (yes/no and true/false work too)`);
      return v === '1' || v === 'true' || v === 'yes';
    case 'int':
    case 'number': {
      const min = o.min ?? 0;
      const max = o.max ?? Number.MAX_SAFE_INTEGER;
      const what = o.kind === 'int' ? 'a whole number' : 'a number';
      const error = `expected ${what} ${o.max === undefined ? `of at least ${min}` : `from ${min} to ${o.max}`}`;
      const n = Number(v);
      if (!(o.kind === 'int' ? /^\d+$/ : /^\d+(\.\d+)?$/).test(v) || n < min || n > max) fail(error);
      return n;
    }
    case 'enum':
      if (!(o.values ?? []).includes(v)) fail(`expected one of ${(o.values ?? []).join(', ')}`);
      return v;
    case 'string':
      return v;
  }
}

/** The closest option name, for "did you mean": at most two letters apart. */
function closest(word: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length] ?? Infinity;
  };
  const best = names.map((n) => [n, distance(word, n)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

/**
 * Options come as `key=value` arguments, or from make's command line. Make keeps command-line variables
 * in MAKEFLAGS exactly as typed (the Makefile exports none of them, so make never expands one); lower-case
 * ones are the command's options, upper-case ones (NO_COLOR=1, DEBUG=1) are returned as `env`, for the
 * caller to apply.
 */
export function readOptions<const C extends OptionsOf>(command: C, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): { options: Options<C['options']>; env: Record<string, string> } {
  const specs: readonly OptionSpec[] = command.options;
  const names = specs.map((o) => o.name);
  const raw: Record<string, string> = {};
  for (const [name, value] of makeVariables(env.MAKEFLAGS ?? '')) if (/^[a-z][a-z0-9_]*$/.test(name)) raw[name] = value;
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}; options are key=value: ${usageOf(specs) || '(none)'}`);
    raw[arg.slice(0, eq).replace(/^--/, '')] = arg.slice(eq + 1);
  }
  const unknown = Object.keys(raw).filter((k) => !names.includes(k));
  if (unknown.length) {
    const guess = unknown.length === 1 ? closest(unknown[0] as string, names) : undefined;
    throw new UsageError(`unknown option ${unknown.map((k) => `${k}=`).join(', ')}${guess ? ` (did you mean ${guess}=?)` : ''}; it takes ${specs.map(optionUsage).join(' ') || 'no options'}`);
  }
  // An empty value is no value, except for text (message= may be empty on purpose) and where one is required.
  const given = Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== '' || specs.find((o) => o.name === k)?.kind === 'string'));
  for (const o of specs) if (o.required && given[o.name] === '') delete given[o.name];
  const options: Record<string, unknown> = {};
  for (const o of specs) {
    const v = given[o.name];
    if (v === undefined) {
      if (!o.required) continue;
      const choices = o.values ? ` (${o.values.join(', ')})` : '';
      throw new UsageError(`${o.name}= is required: ${o.help ?? ''}${choices}; e.g. make ${command.name} ${command.example}`);
    }
    options[o.name] = valueOf(o, v);
  }
  for (const o of specs) if (o.kind === 'flag') options[o.name] ??= false;
  return { options: options as Options<C['options']>, env: makeEnvironment(env.MAKEFLAGS) };
}
