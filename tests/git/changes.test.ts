// Many sessions' changes in one git diff-tree --stdin: the same files `git diff --name-only A...B` gives,
// names with spaces, quotes, newlines and non-ASCII intact, binaries and empty diffs in their places.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { changesMany } from '../../scripts/lib/git/changes.ts';
import { gitEnv } from '../../scripts/lib/git/repo.ts';
import { parseHunks } from '../../scripts/lib/conflicts/hunks.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';

const nameOnly = (repo: string, a: string, b: string) => execFileSync('git', ['diff', '--name-only', '-z', '--no-renames', `${a}...${b}`], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean).sort();

it('gives every diff of the batch, in order, with the files and the zero-context patch', async () => {
  const repo = makeRepo({ files: { 'docs/a.txt': 'one\ntwo\nthree\n' } });
  const base = gitIn(repo, 'rev-parse', 'HEAD').trim();
  gitIn(repo, 'checkout', '-q', '-b', 'odd');
  const odd = commitFiles(repo, { 'docs/with space.txt': 'x\n', 'docs/quote"d.txt': 'y\n', 'docs/new\nline.txt': 'z\n', 'docs/grüße.txt': 'ü\n', 'docs/a.txt': 'one\nTWO\nthree\n' }, 'odd names');
  gitIn(repo, 'checkout', '-q', '-b', 'binary', base);
  const binary = commitFiles(repo, { 'docs/blob.bin': '\0\u0001\u0002' }, 'binary');
  gitIn(repo, 'checkout', '-q', 'main');
  const got = await changesMany(repo, gitEnv(), [{ from: base, to: odd }, { from: base, to: base }, { from: base, to: binary }, { from: base, to: odd }], true);
  expect(got.map((c) => c.files)).toEqual([nameOnly(repo, base, odd), [], nameOnly(repo, base, binary), nameOnly(repo, base, odd)]);
  expect(got[0]?.files).toContain('docs/new\nline.txt');
  expect(parseHunks(got[0]?.patch ?? '').get('docs/a.txt')?.ranges).toEqual([[2, 2]]);
  expect(got[1]?.patch).toBe('');
  expect(parseHunks(got[2]?.patch ?? '').has('docs/blob.bin')).toBe(false); // a binary is never proven clean
  const names = await changesMany(repo, gitEnv(), [{ from: base, to: binary }, { from: base, to: odd }], false);
  expect(names.map((c) => [c.files, c.patch])).toEqual([[nameOnly(repo, base, binary), null], [nameOnly(repo, base, odd), null]]);
});
