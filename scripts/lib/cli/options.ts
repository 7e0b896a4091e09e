// Options from make's command line or key=value arguments, checked against the command's entry in the
// registry (commands.mjs) with zod schemas built from each option's kind.
import * as z from 'zod/mini';
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

function schemaOf(o: OptionSpec): z.ZodMiniType {
  const range = (what: string, min: number, max: number | undefined) =>
    `expected ${what} ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`;
  switch (o.kind) {
    case 'flag': {
      const error = `expected ${o.name}=1 or ${o.name}=0`;
      return z.pipe(z.enum(['0', '1', 'true', 'false', 'yes', 'no'], { error }), z.transform((v) => v === '1' || v === 'true' || v === 'yes'));
    }
    case 'int':
    case 'number': {
      const error = range(o.kind === 'int' ? 'a whole number' : 'a number', o.min ?? 0, o.max);
      const form = o.kind === 'int' ? /^\d+$/ : /^\d+(\.\d+)?$/;
      return z.pipe(z.string().check(z.regex(form, { error })), z.transform(Number)).check(z.gte(o.min ?? 0, { error }), z.lte(o.max ?? Number.MAX_SAFE_INTEGER, { error }));
    }
    case 'enum':
      return z.enum(o.values as [string, ...string[]], { error: `expected one of ${(o.values ?? []).join(', ')}` });
    case 'string':
      return z.string();
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
  const shape = Object.fromEntries(specs.map((o) => [o.name, o.required ? schemaOf(o) : z.optional(schemaOf(o))]));
  const parsed = z.object(shape).safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const spec = specs.find((o) => o.name === key);
    if (given[key] === undefined) {
      const choices = spec?.values ? ` (${spec.values.join(', ')})` : '';
      throw new UsageError(`${key}= is required: ${spec?.help ?? ''}${choices}; e.g. make ${command.name} ${command.example}`);
    }
    throw new UsageError(`${key}=${shown(given[key] ?? '')}: ${issue?.message ?? 'not a valid value'}`);
  }
  const options = { ...parsed.data } as Record<string, unknown>;
  for (const o of specs) if (o.kind === 'flag') options[o.name] ??= false;
  return { options: options as Options<C['options']>, env: makeEnvironment(env.MAKEFLAGS) };
}
