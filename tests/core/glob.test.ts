import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { expandBraces, globSync, hasMagic, segmentRegExp } from '../../scripts/lib/core/glob.ts';
import { tempDir, writeFiles } from '../helpers/repo.ts';

const SKIP = ['.git', 'node_modules', '.parallel'];

function tree(): string {
  const root = tempDir('kit-glob-');
  writeFiles(root, {
    '.env': '', '.env.local': '', '.git/HEAD': '', 'node_modules/pkg/index.js': '', '.parallel/x/y': '',
    'config/db.local.json': '', 'config/sub/z.local.json': '', 'config/sub/deep/y.local.json': '',
    'a/node_modules/q/x.json': '', 'a/.git/h': '', 'a/f.txt': '', 'b/.hidden/h.txt': '',
    'r/a.txt': '', 'r/B.txt': '', 'r/we ird.txt': '', 'r/st*r': '', 'r/a-b': '', 'r/a_b': '', 'r/-x': '',
  });
  for (const d of ['r/x1', 'r/x2', 'r/x05', 'r/x10']) mkdirSync(join(root, d));
  symlinkSync('nowhere', join(root, 'broken'));
  return root;
}

describe('globSync', () => {
  const root = tree();
  // The expectations are what zx's glob (fast-glob: dot, onlyFiles false, the same folders ignored) gave.
  it.each([
    ['*', ['.env', '.env.local', 'a', 'b', 'broken', 'config', 'r']],
    ['.*', ['.env', '.env.local']],
    ['.git*', []],
    ['node_modules*', []],
    ['*/.git', ['a/.git']],
    ['**/*.json', ['a/node_modules/q/x.json', 'config/db.local.json', 'config/sub/deep/y.local.json', 'config/sub/z.local.json']],
    ['config/*', ['config/db.local.json', 'config/sub']],
    ['config/*/', ['config/sub']],
    ['*/', ['a', 'b', 'config', 'r']],
    ['config/**', ['config/db.local.json', 'config/sub', 'config/sub/deep', 'config/sub/deep/y.local.json', 'config/sub/z.local.json']],
    ['config/**/', ['config/sub', 'config/sub/deep']],
    ['config/**/deep/*', ['config/sub/deep/y.local.json']],
    ['**/**/*.local.json', ['config/db.local.json', 'config/sub/deep/y.local.json', 'config/sub/z.local.json']],
    ['**/h*', ['a/.git/h', 'b/.hidden/h.txt']],
    ['a/*', ['a/.git', 'a/f.txt', 'a/node_modules']],
    ['b/.*/*', ['b/.hidden/h.txt']],
    ['./config/*', ['config/db.local.json', 'config/sub']],
    ['config//*', ['config/db.local.json', 'config/sub']],
    ['config/sub/../*', ['config/db.local.json', 'config/sub']],
    ['../*', []],
    ['/etc/pass*', []],
    ['conf?g', ['config']],
    ['r/?.txt', ['r/B.txt', 'r/a.txt']],
    ['r/*.TXT', []],
    ['config/[ds]*', ['config/db.local.json', 'config/sub']],
    ['config/[!d]*', ['config/sub']],
    ['config/[^d]*', ['config/sub']],
    ['r/a[-_]b', ['r/a-b', 'r/a_b']],
    ['r/[-x]*', ['r/-x', 'r/x05', 'r/x1', 'r/x10', 'r/x2']],
    ['r/[A-C]*', ['r/B.txt']],
    ['r/[x', []],
    ['r/st\\*r', ['r/st*r']],
    ['r/*r', ['r/st*r']],
    ['*.{env,local}', ['.env', '.env.local']],
    ['.env{,.local}', ['.env', '.env.local']],
    ['{.env,nope}', ['.env']],
    ['{config,b}/*', ['b/.hidden', 'config/db.local.json', 'config/sub']],
    ['r/{a,{b,B}}*', ['r/B.txt', 'r/a-b', 'r/a.txt', 'r/a_b']],
    ['r/x{1..3}', ['r/x1', 'r/x2']],
    ['r/x{01..10}', ['r/x05', 'r/x10']],
    ['r/x*/', ['r/x05', 'r/x1', 'r/x10', 'r/x2']],
    ['broken*', ['broken']],
  ])('%s', (pattern, expected) => {
    expect(globSync(root, pattern, { skip: SKIP })).toEqual(expected);
  });

  it('matches only the contents of a folder named before /** (fast-glob also gave the folder, for some patterns only)', () => {
    expect(globSync(root, '**/deep/**', { skip: SKIP })).toEqual(['config/sub/deep/y.local.json']);
    expect(globSync(root, '**/.hidden', { skip: SKIP })).toEqual(['b/.hidden']); // fast-glob added b/.hidden/h.txt
  });

  it('walks into the skipped names below the top level, and into everything without a skip list', () => {
    expect(globSync(root, '**/x.json', { skip: SKIP })).toEqual(['a/node_modules/q/x.json']);
    expect(globSync(root, '.git/*')).toEqual(['.git/HEAD']);
    expect(globSync(root, '.git/*', { skip: SKIP })).toEqual([]);
  });

  it('follows a link that a segment names, never one that ** reaches: no cycle, no walk out of the folder', () => {
    const dir = tempDir('kit-glob-links-');
    writeFiles(dir, { 'config/a.json': '', 'config/sub/b.json': '' });
    symlinkSync('config', join(dir, 'linked'));
    symlinkSync('..', join(dir, 'config', 'up'));
    symlinkSync('/', join(dir, 'root'));
    expect(globSync(dir, 'linked/*')).toEqual(['linked/a.json', 'linked/sub', 'linked/up']);
    expect(globSync(dir, 'config/up/*/a.json')).toEqual(['config/up/config/a.json', 'config/up/linked/a.json']);
    expect(globSync(dir, '**')).toEqual(['config', 'config/a.json', 'config/sub', 'config/sub/b.json', 'config/up', 'linked', 'root']);
    expect(globSync(dir, '**/*.json')).toEqual(['config/a.json', 'config/sub/b.json']);
    expect(globSync(dir, '*/')).toEqual(['config', 'linked', 'root']);
  });
});

describe('glob syntax', () => {
  it('tells globs from plain paths', () => {
    for (const p of ['*.env', 'a?', '[ab]', '{a,b}', 'x/]']) expect(hasMagic(p)).toBe(true);
    for (const p of ['.env', 'config/app.json', 'a b', '@(a|b)']) expect(hasMagic(p)).toBe(false);
  });

  it('expands braces: lists, nesting, empty items, ranges (padded, descending, letters); leaves {a} and escapes alone', () => {
    expect(expandBraces('a{b,c}d')).toEqual(['abd', 'acd']);
    expect(expandBraces('{a,{b,c}}{1,2}')).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
    expect(expandBraces('.env{,.local}')).toEqual(['.env', '.env.local']);
    expect(expandBraces('x{8..11}')).toEqual(['x8', 'x9', 'x10', 'x11']);
    expect(expandBraces('x{08..10}')).toEqual(['x08', 'x09', 'x10']);
    expect(expandBraces('{3..1}')).toEqual(['3', '2', '1']);
    expect(expandBraces('{a..c}')).toEqual(['a', 'b', 'c']);
    expect(expandBraces('{a}{b,c}')).toEqual(['{a}b', '{a}c']);
    expect(expandBraces('\\{a,b}')).toEqual(['\\{a,b}']);
    expect(expandBraces('{a,b')).toEqual(['{a,b']);
    expect(() => expandBraces('{1..100000}')).toThrow(UsageError);
    expect(() => expandBraces('{a,b}'.repeat(14))).toThrow(/more than 10000 alternatives/);
  });

  it('turns one segment into an anchored expression, or null for a plain name', () => {
    expect(segmentRegExp('.env')).toBeNull();
    expect(segmentRegExp('st\\*r')).toBeNull();
    expect(segmentRegExp('[x')).toBeNull();
    const star = segmentRegExp('*.json') as RegExp;
    expect(['a.json', '.json', '.hidden.json'].every((s) => star.test(s))).toBe(true);
    expect(star.test('a.json.bak')).toBe(false);
    const cls = segmentRegExp('[]a-c]?') as RegExp;
    expect([']x', 'bx'].every((s) => cls.test(s))).toBe(true);
    expect(cls.test('dx')).toBe(false);
    const neg = segmentRegExp('[!.]*') as RegExp;
    expect(neg.test('.env')).toBe(false);
    expect(neg.test('env')).toBe(true);
    expect((segmentRegExp('a(b)|c.*') as RegExp).test('a(b)|c.x')).toBe(true);
    expect(() => segmentRegExp('[z-a]*')).toThrow(UsageError);
    expect(() => globSync(tempDir(), 'x/[z-a]')).toThrow('glob [z-a]: not a valid pattern');
  });
});
