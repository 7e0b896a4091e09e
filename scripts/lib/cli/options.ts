// Options from make's command line or key=value arguments, checked against the command's entry in the
// registry (commands.mjs), each value checked against its option's kind.
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import { realOr } from '../core/files.ts';
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

const real = realOr;

/**
 * Whether make ran the command in another folder than the one it was called from: `make -C KIT` runs it
 * in the kit's folder. Make sets MAKELEVEL and passes PWD on as the user's shell set it, so a PWD that is
 * not the process's folder says so. (`make -f KIT/Makefile` and bin/kit run in the user's folder.)
 */
export function folderChangedByMake(cwd: string, env: NodeJS.ProcessEnv): boolean {
  const pwd = env.PWD;
  if (!env.MAKELEVEL || !pwd || !isAbsolute(pwd)) return false;
  return real(pwd) !== real(cwd);
}

/**
 * A path option as the user meant it, absolute: `~` and `~/...` from HOME (make and a quoted value leave
 * them as typed), a relative path from the folder the command was called from; refused where that folder
 * is not known.
 */
export function pathValue(name: string, typed: string, cwd: string, env: NodeJS.ProcessEnv): string {
  let path = typed;
  if (path === '~' || path.startsWith('~/')) {
    const home = env.HOME;
    if (!home || !isAbsolute(home)) throw new UsageError(`${name}=${shown(typed)}: ~ stands for HOME, which is not an absolute path here; pass an absolute path`);
    path = home + path.slice(1);
  } else if (path.startsWith('~')) {
    throw new UsageError(`${name}=${shown(typed)}: only ~ and ~/ are expanded (to HOME); pass an absolute path (${name}=/abs/... or ${name}=~/...)`);
  }
  if (isAbsolute(path)) return resolve(path);
  if (folderChangedByMake(cwd, env)) throw new UsageError(`${name}=${shown(typed)} is relative and make -C changed the folder; pass an absolute path (${name}=/abs/... or ${name}=~/...)`);
  return resolve(cwd, path);
}

/**
 * One option's value checked against its kind. A plain checker, not zod: the tracker shares it, and
 * its bundle stays Node built-ins only (zod/mini doubled the tracker's own cost per call).
 */
function valueOf(o: OptionSpec, v: string, where: { cwd: string; env: NodeJS.ProcessEnv }): unknown {
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
    case 'path':
      return pathValue(o.name, v, where.cwd, where.env);
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
 * caller to apply. Path options are made absolute from `cwd` and the environment (HOME, and what says
 * whether make changed the folder).
 */
export function readOptions<const C extends OptionsOf>(
  command: C,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { options: Options<C['options']>; env: Record<string, string> } {
  const specs: readonly OptionSpec[] = command.options;
  const names = specs.map((o) => o.name);
  const raw: Record<string, string> = {};
  for (const [name, value] of makeVariables(env.MAKEFLAGS ?? '')) if (/^[a-z][a-z0-9_]*$/.test(name)) raw[name] = value;
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: options are key=value, so quote a value that holds spaces (name='two words'); it takes ${usageOf(specs) || 'no options'}`);
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
  const fromMake = makeEnvironment(env.MAKEFLAGS);
  const where = { cwd, env: { ...env, ...fromMake } };
  for (const o of specs) {
    const v = given[o.name];
    if (v === undefined) {
      if (!o.required) continue;
      const choices = o.values ? ` (${o.values.join(', ')})` : '';
      throw new UsageError(`${o.name}= is required: ${o.help ?? ''}${choices}; e.g. make ${command.name} ${command.example}`);
    }
    options[o.name] = valueOf(o, v, where);
  }
  for (const o of specs) if (o.kind === 'flag') options[o.name] ??= false;
  return { options: options as Options<C['options']>, env: fromMake };
}
