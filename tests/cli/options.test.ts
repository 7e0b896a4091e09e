import { describe, expect, it } from 'vitest';
import { flag, makeVariables, readOptions, renderTable } from '../../scripts/lib/cli/options.ts';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { describeName, NAME_RE } from '../../scripts/lib/store/names.ts';

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
    expect(readOptions(['name', 'component'], ['component=ui'], env)).toEqual({ name: 'x"; touch /tmp/p', component: 'ui' });
    expect(env.DEBUG).toBe('1');
    expect(readOptions(['name', 'component'], [], { component: 'ambient' })).toEqual({});
  });

  it('refuses unknown options and bare words with a usage error', () => {
    expect(() => readOptions(['name'], ['nmae=x'], {})).toThrow(UsageError);
    expect(() => readOptions(['name'], ['oops'], {})).toThrow(/unexpected argument/);
    expect(() => readOptions(['name'], [], { MAKEFLAGS: ' -- forse=1' })).toThrow(/unknown option forse=/);
  });

  it('passes upper-case make variables to the environment, not to the options', () => {
    const env: NodeJS.ProcessEnv = { MAKEFLAGS: ' -- NO_COLOR=1 json=1' };
    expect(readOptions(['json'], [], env)).toEqual({ json: '1' });
    expect(env.NO_COLOR).toBe('1');
  });

  it('parses flags strictly', () => {
    expect(flag({ force: '1' }, 'force')).toBe(true);
    expect(flag({}, 'force')).toBe(false);
    expect(() => flag({ force: 'maybe' }, 'force')).toThrow(/force=1 or force=0/);
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
