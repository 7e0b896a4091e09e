import { describe, expect, it } from 'vitest';
import { makeEnvironment, makeVariables, readOptions } from '../../scripts/lib/cli/options.ts';
import { renderTable } from '../../scripts/lib/cli/table.ts';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { NAME_RE } from '../../scripts/lib/store/constants.ts';
import { describeName } from '../../scripts/lib/store/names.ts';

const SAMPLE = {
  name: 'sample',
  example: 'name=x',
  options: [
    { name: 'name', kind: 'string', required: true, help: 'the session' },
    { name: 'component', kind: 'string', help: 'a component' },
    { name: 'force', kind: 'flag', help: 'do it anyway' },
    { name: 'poll', kind: 'int', min: 1, help: 'seconds' },
    { name: 'runs', kind: 'int', min: 3, max: 1000, help: 'runs' },
    { name: 'progress', kind: 'number', min: 0, max: 100, help: 'percent' },
    { name: 'event', kind: 'enum', values: ['start', 'fail'], help: 'what happened' },
  ],
} as const;

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => readOptions(SAMPLE, argv, env).options;
const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    parse(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('options', () => {
  it('reads make command-line variables from MAKEFLAGS exactly as typed', () => {
    expect(makeVariables(' -- name=x component=server')).toEqual([
      ['name', 'x'],
      ['component', 'server'],
    ]);
    expect(makeVariables('s -- message=a\\ b\\\\c name=x$$(shell\\ touch\\ /tmp/p)')).toEqual([
      ['message', 'a b\\c'],
      ['name', 'x$(shell touch /tmp/p)'],
    ]);
    expect(makeVariables('s')).toEqual([]);
  });

  it('takes option values from MAKEFLAGS (never from a lower-case environment variable) and key=value arguments', () => {
    const env: NodeJS.ProcessEnv = { MAKEFLAGS: ' -- name=x";\\ touch\\ /tmp/p DEBUG=1', component: 'not-from-make' };
    expect(parse(['component=ui'], env)).toMatchObject({ name: 'x"; touch /tmp/p', component: 'ui' });
    expect(refusal([], { name: 'ambient' })).toMatch(/^name= is required/);
  });

  it('returns upper-case make variables instead of writing them into the environment', () => {
    const env: NodeJS.ProcessEnv = { MAKEFLAGS: ' -- NO_COLOR=1 DEBUG=1 name=x' };
    const read = readOptions(SAMPLE, [], env);
    expect(read.env).toEqual({ NO_COLOR: '1', DEBUG: '1' });
    expect(read.options).not.toHaveProperty('NO_COLOR');
    expect(env).toEqual({ MAKEFLAGS: ' -- NO_COLOR=1 DEBUG=1 name=x' });
    expect(makeEnvironment(' -- TERM=dumb json=1')).toEqual({ TERM: 'dumb' });
  });

  it('parses each kind into its type; a flag is false when absent, an empty number is no number', () => {
    expect(parse(['name=x', 'force=1', 'poll=30', 'progress=40.5', 'event=fail'])).toEqual({ name: 'x', force: true, poll: 30, progress: 40.5, event: 'fail' });
    expect(parse(['name=x'])).toEqual({ name: 'x', force: false });
    for (const [v, on] of [['yes', true], ['true', true], ['0', false], ['no', false], ['', false]] as const) expect(parse(['name=x', `force=${v}`]).force).toBe(on);
    expect(parse(['name=x', 'poll=', 'component='])).toEqual({ name: 'x', force: false, component: '' });
  });

  it('refuses a bad value with one line naming the option, the value and what it takes', () => {
    const cases: [string[], RegExp][] = [
      [['force=maybe'], /^force=maybe: expected force=1 or force=0 \(yes\/no and true\/false work too\)$/],
      [['poll=0'], /^poll=0: expected a whole number of at least 1$/],
      [['poll=1.5'], /^poll=1\.5: expected a whole number of at least 1$/],
      [['runs=2'], /^runs=2: expected a whole number from 3 to 1000$/],
      [['runs=99999999999999999999'], /^runs=99999999999999999999: expected a whole number from 3 to 1000$/],
      [['progress=150'], /^progress=150: expected a number from 0 to 100$/],
      [['progress=half'], /^progress=half: expected a number from 0 to 100$/],
      [['event=bogus'], /^event=bogus: expected one of start, fail$/],
      [['poll=a b\nc'], /^poll="a b\\nc": expected a whole number/],
    ];
    for (const [argv, re] of cases) expect(refusal(['name=x', ...argv])).toMatch(re);
  });

  it('refuses a missing or empty required option with what it is and an example', () => {
    expect(refusal([])).toBe('name= is required: the session; e.g. make sample name=x');
    expect(refusal(['name='])).toMatch(/^name= is required/);
  });

  it('refuses unknown options and bare words with a usage error, and guesses a misspelt name', () => {
    expect(refusal(['nmae=x'])).toMatch(/^unknown option nmae= \(did you mean name=\?\); it takes name=NAME component= force=1 poll= runs= progress= event=start\|fail$/);
    expect(refusal(['name=x', 'colour=red'])).toMatch(/^unknown option colour=; it takes/);
    expect(refusal(['oops'])).toMatch(/^unexpected argument "oops": options are key=value, so quote a value that holds spaces \(name=.two words.\); it takes name=NAME \[/);
    expect(refusal([], { MAKEFLAGS: ' -- forse=1 name=x' })).toMatch(/unknown option forse= \(did you mean force=\?\)/);
  });
});

describe('session names', () => {
  it.each(['login', 'fix-42', 'a.b_c', 'x'.repeat(64)])('accepts %s', (n) => {
    expect(NAME_RE.test(n)).toBe(true);
    expect(describeName(n)).toBeNull();
  });
  it.each(['', '-x', '.x', 'a..b', 'a/b', 'a b', 'x"; touch /tmp/p', 'x'.repeat(65), 'a.lock', 'ünï'])('refuses %j', (n) => {
    expect(NAME_RE.test(n)).toBe(false);
    expect(describeName(n)).not.toBeNull();
  });
});

describe('tables', () => {
  it('pads columns and keeps the last one unpadded', () => {
    expect(renderTable(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});
