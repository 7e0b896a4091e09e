// The mechanism under cases 1, 2 and 7 of issue #9, on the conflict shapes git has: a failed rebase or
// merge is undone byte for byte without git's abort, the kit's stash round-trips, files in the way are found.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesInTheWay, integrate } from '../../scripts/lib/git/rebase.ts';
import { stashAside, stashBack } from '../../scripts/lib/git/stash.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { snapshot } from '../helpers/snapshot.ts';

/** A repository with `topic` checked out; `topic` and `main` each made their change from the first commit. */
function diverged(topic: (repo: string) => void, main: (repo: string) => void) {
  const repo = makeRepo();
  gitIn(repo, 'checkout', '-q', '-b', 'topic');
  topic(repo);
  gitIn(repo, 'checkout', '-q', 'main');
  main(repo);
  const base = gitIn(repo, 'rev-parse', 'HEAD');
  gitIn(repo, 'checkout', '-q', 'topic');
  return { repo, base, head: gitIn(repo, 'rev-parse', 'HEAD') };
}

const commitAll = (repo: string, message: string) => {
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', message);
};

const shapes: Record<string, [(repo: string) => void, (repo: string) => void]> = {
  'a file becomes a folder': [
    (r) => {
      rmSync(join(r, 'server/app.py'));
      mkdirSync(join(r, 'server/app.py'), { recursive: true });
      writeFileSync(join(r, 'server/app.py/x.py'), 'x\n');
      commitAll(r, 'folder');
    },
    (r) => commitFiles(r, { 'server/app.py': 'changed\n', 'ui/new.js': 'new\n' }, 'main'),
  ],
  'binary files': [
    (r) => {
      writeFileSync(join(r, 'bin.dat'), Buffer.from([0, 1, 2, 3]));
      commitAll(r, 'binary');
    },
    (r) => {
      writeFileSync(join(r, 'bin.dat'), Buffer.from([0, 9, 9, 9]));
      commitAll(r, 'binary too');
    },
  ],
  'renamed here, deleted there': [
    (r) => {
      gitIn(r, 'mv', 'server/app.py', 'server/main.py');
      commitAll(r, 'rename');
      commitFiles(r, { 'docs/x.md': 'x\n' }, 'more');
    },
    (r) => {
      gitIn(r, 'rm', '-q', 'server/app.py');
      commitAll(r, 'delete');
    },
  ],
  'a symlink against a file': [
    (r) => {
      symlinkSync('app.py', join(r, 'server/link'));
      commitAll(r, 'link');
    },
    (r) => commitFiles(r, { 'server/link': 'a file\n' }, 'file'),
  ],
  'modified here, deleted there': [
    (r) => commitFiles(r, { 'ui/app.js': 'topic\n' }, 'modify'),
    (r) => {
      gitIn(r, 'rm', '-q', 'ui/app.js');
      commitAll(r, 'delete');
    },
  ],
};

describe('a failed rebase or merge is undone byte for byte', () => {
  for (const [shape, [topic, main]] of Object.entries(shapes)) {
    for (const strategy of ['rebase', 'merge'] as const) {
      it(`${shape}: ${strategy}`, async () => {
        const { repo, base, head } = diverged(topic, main);
        const before = snapshot(repo);
        const r = await integrate(repo, base, strategy, head, 'refs/heads/topic');
        expect(r).toMatchObject({ ok: false, restored: true, kept: [] });
        expect(snapshot(repo)).toEqual(before);
      });
    }
  }
});

describe('the kit\'s stash', () => {
  it('takes deletions, modes, staged and unstaged changes aside and puts them back exactly; untracked files stay', async () => {
    const repo = makeRepo();
    const ref = 'refs/parallel/autostash/x';
    rmSync(join(repo, 'docs/index.md'));
    chmodSync(join(repo, 'server/app.py'), 0o755);
    mkdirSync(join(repo, 'new/deep'), { recursive: true });
    writeFileSync(join(repo, 'new/deep/a.txt'), 'a\n');
    gitIn(repo, 'add', 'new/deep/a.txt');
    writeFileSync(join(repo, 'new/deep/a.txt'), 'a, changed after add\n');
    writeFileSync(join(repo, 'ui/app.js'), 'staged\n');
    gitIn(repo, 'add', 'ui/app.js');
    writeFileSync(join(repo, 'ui/app.js'), 'staged, then more\n');
    writeFileSync(join(repo, 'untracked.txt'), 'u\n');
    const before = snapshot(repo);

    const sha = await stashAside(repo, ref, 'test');
    expect(gitIn(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('?? untracked.txt');
    expect(gitIn(repo, 'rev-parse', ref)).toBe(sha);
    await expect(stashAside(repo, ref, 'again')).rejects.toThrow(/an earlier autostash of this session is kept in refs\/parallel\/autostash\/x/);
    expect(await stashBack(repo, ref, sha!)).toEqual({ ok: true });
    expect(snapshot(repo)).toEqual(before);
    expect(gitIn(repo, 'for-each-ref', 'refs/parallel/')).toBe('');
    expect(gitIn(repo, 'stash', 'list')).toBe('');
  });
});

describe('files in the way', () => {
  it('finds a file where a folder comes and a folder with files where a file comes; an empty folder is not in the way', async () => {
    const repo = makeRepo();
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    const onto = commitFiles(repo, { 'notes/a.md': 'a\n', cache: 'c\n', 'empty/x': 'x\n' }, 'main');
    gitIn(repo, 'checkout', '-q', head);
    writeFileSync(join(repo, 'notes'), 'a file where a folder comes\n');
    mkdirSync(join(repo, 'cache/sub'), { recursive: true });
    writeFileSync(join(repo, 'cache/sub/f'), 'f\n');
    mkdirSync(join(repo, 'empty'));
    expect(await filesInTheWay(repo, head, onto, 'rebase')).toEqual(['cache', 'notes']);
  });
});
