import { describe, expect, it } from 'vitest';
import { flag, makeVariableNames, readOptions, renderTable } from '../scripts/lib/cli.ts';
import { UsageError } from '../scripts/lib/errors.ts';
import { describeName, NAME_RE } from '../scripts/lib/names.ts';

describe('options', () => {
  it('reads the names of make command-line variables from MAKEFLAGS, escaped spaces included', () => {
    expect(makeVariableNames(' -- name=x component=server')).toEqual(['name', 'component']);
    expect(makeVariableNames('s -- name=x\\ y\\"\\;\\ touch message=a\\ b')).toEqual(['name', 'message']);
    expect(makeVariableNames('s')).toEqual([]);
    expect(makeVariableNames('-- json=1')).toEqual(['json']);
  });

  it('takes values from the environment for names make listed, and key=value arguments', () => {
    const env = { MAKEFLAGS: ' -- name=x', name: 'x"; touch /tmp/p; echo "', component: 'ignored-not-from-make' };
    expect(readOptions(['name', 'component'], ['component=ui'], env)).toEqual({ name: 'x"; touch /tmp/p; echo "', component: 'ui' });
  });

  it('refuses unknown options and bare words with a usage error', () => {
    expect(() => readOptions(['name'], ['nmae=x'], {})).toThrow(UsageError);
    expect(() => readOptions(['name'], ['oops'], {})).toThrow(/unexpected argument/);
    expect(() => readOptions(['name'], [], { MAKEFLAGS: ' -- forse=1', forse: '1' })).toThrow(/unknown option forse=/);
  });

  it('ignores upper-case make variables (they belong to make or the environment)', () => {
    expect(readOptions(['json'], [], { MAKEFLAGS: ' -- NO_COLOR=1 json=1', NO_COLOR: '1', json: '1' })).toEqual({ json: '1' });
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
