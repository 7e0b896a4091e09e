// How a path option's value becomes an absolute path, from the folder and environment a command gets.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderChangedByMake, pathValue, readOptions } from '../../scripts/lib/cli/options.ts';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { tempDir } from '../helpers/repo.ts';

const SPEC = {
  name: 'probe',
  example: 'repo=~/x',
  options: [
    { name: 'repo', kind: 'path', meta: 'PATH', help: 'the repository' },
    { name: 'message', kind: 'string', help: 'text' },
  ],
} as const;

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('path options', () => {
  it('expand ~ and ~/ from HOME and resolve a relative path from the given folder', () => {
    const cwd = tempDir();
    expect(pathValue('repo', '~/code/x', cwd, { HOME: '/home/u' })).toBe('/home/u/code/x');
    expect(pathValue('repo', '~', cwd, { HOME: '/home/u/' })).toBe('/home/u');
    expect(pathValue('repo', '../x', cwd, {})).toBe(join(cwd, '..', 'x'));
    expect(pathValue('repo', '.', cwd, {})).toBe(cwd);
    expect(pathValue('repo', '/abs//y/', cwd, {})).toBe('/abs/y');
    expect(pathValue('repo', 'a~/b', cwd, {})).toBe(join(cwd, 'a~/b')); // only a leading ~ is HOME
    expect(refusal(() => pathValue('repo', '~/x', cwd, {}))).toBe('repo=~/x: ~ stands for HOME, which is not an absolute path here; pass an absolute path');
    expect(refusal(() => pathValue('dir', '~bob/x', cwd, { HOME: '/home/u' }))).toBe('dir=~bob/x: only ~ and ~/ are expanded (to HOME); pass an absolute path (dir=/abs/... or dir=~/...)');
  });

  it('know make -C by a PWD that is another folder than the process\'s, a symlink to it being the same folder', () => {
    const user = tempDir();
    const kit = tempDir();
    const link = join(tempDir(), 'link');
    symlinkSync(kit, link);
    expect(folderChangedByMake(kit, { MAKELEVEL: '1', PWD: user })).toBe(true);
    expect(folderChangedByMake(kit, { MAKELEVEL: '1', PWD: link })).toBe(false);
    expect(folderChangedByMake(kit, { MAKELEVEL: '1', PWD: kit })).toBe(false);
    expect(folderChangedByMake(kit, { PWD: user })).toBe(false); // not under make: the process's folder is the user's
    expect(folderChangedByMake(kit, { MAKELEVEL: '1' })).toBe(false); // nothing to tell by
    expect(refusal(() => pathValue('repo', 'x', kit, { MAKELEVEL: '1', PWD: user }))).toBe('repo=x is relative and make -C changed the folder; pass an absolute path (repo=/abs/... or repo=~/...)');
    expect(pathValue('repo', '~/x', kit, { MAKELEVEL: '1', PWD: user, HOME: '/h' })).toBe('/h/x');
    expect(pathValue('repo', join(user, 'x'), kit, { MAKELEVEL: '1', PWD: user })).toBe(join(user, 'x'));
  });

  it('are read by readOptions from the folder it is given; HOME on make\'s command line counts, an empty value is none', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sub'));
    expect(readOptions(SPEC, ['repo=sub'], {}, cwd).options.repo).toBe(join(cwd, 'sub'));
    expect(readOptions(SPEC, [], { MAKEFLAGS: ' -- HOME=/h repo=~/x', HOME: '/other' }, cwd).options.repo).toBe('/h/x');
    expect(readOptions(SPEC, ['repo=', 'message='], {}, cwd).options).toEqual({ message: '' });
    expect(refusal(() => readOptions(SPEC, ['repo=a b'], { MAKELEVEL: '2', PWD: '/' }, cwd))).toBe('repo="a b" is relative and make -C changed the folder; pass an absolute path (repo=/abs/... or repo=~/...)');
  });
});
