import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidatePairs, strays } from '../../scripts/lib/conflicts/overlap.ts';
import { prArgv, shellQuote } from '../../scripts/lib/finish/pull-request.ts';
import { hasMergeTreeStdin, parseGitVersion, parseMergeTreeStdin } from '../../scripts/lib/git/merge-tree.ts';
import { integrate, stashPush, stashRestore } from '../../scripts/lib/git/rebase.ts';
import { describeSync } from '../../scripts/lib/sync/sync.ts';
import { emptySync } from '../../scripts/lib/sync/session.ts';
import { commitFiles, gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { snapshot } from '../helpers/snapshot.ts';

/** main and a branch `topic` that both changed server/app.py; topic is checked out. */
function diverged(): { repo: string; base: string; head: string } {
  const repo = makeRepo();
  gitIn(repo, 'checkout', '-q', '-b', 'topic');
  commitFiles(repo, { 'server/extra.py': 'extra\n' }, 'applies');
  const head = commitFiles(repo, { 'server/app.py': 'print("topic")\n' }, 'conflicts');
  gitIn(repo, 'checkout', '-q', 'main');
  const base = commitFiles(repo, { 'server/app.py': 'print("main")\n', 'ui/new.js': 'new\n' }, 'main moves');
  gitIn(repo, 'checkout', '-q', 'topic');
  return { repo, base, head };
}

describe('integrate', () => {
  for (const strategy of ['rebase', 'merge'] as const) {
    it(`${strategy}: a conflict is aborted and the checkout is byte-identical to before`, async () => {
      const { repo, base, head } = diverged();
      const before = snapshot(repo);
      const r = await integrate(repo, base, strategy, head, 'refs/heads/topic');
      expect(r).toEqual({ ok: false, conflicts: ['server/app.py'], message: expect.any(String), restored: true });
      expect(snapshot(repo)).toEqual(before);
    });
  }

  it('autostash: a stash that does not apply after the rebase is kept, nothing lost', async () => {
    const { repo } = diverged();
    gitIn(repo, 'reset', '-q', '--hard', 'HEAD~1'); // topic no longer touches server/app.py: the rebase succeeds
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'server/app.py'), 'print("uncommitted")\n');
    const root = join(repo, '.parallel');
    mkdirSync(root, { recursive: true });
    const stash = await stashPush(repo, root, 'test');
    expect(stash).toMatch(/^[0-9a-f]{40}$/);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    const r = await integrate(repo, 'main', 'rebase', head, 'refs/heads/topic');
    expect(r.ok).toBe(true);
    const back = await stashRestore(repo, root, stash!);
    expect(back.ok).toBe(false);
    expect(gitIn(repo, 'stash', 'list', '--format=%H')).toBe(stash);
    expect(gitIn(repo, 'show', `${stash}:server/app.py`)).toBe('print("uncommitted")');
  });

  it('autostash: a stash is re-applied with its index and dropped', async () => {
    const repo = makeRepo();
    const root = join(repo, '.parallel');
    mkdirSync(root, { recursive: true });
    expect(await stashPush(repo, root, 'nothing')).toBeNull();
    writeFileSync(join(repo, 'server/app.py'), 'staged\n');
    gitIn(repo, 'add', 'server/app.py');
    writeFileSync(join(repo, 'loose.txt'), 'untracked\n');
    const stash = await stashPush(repo, root, 'test');
    expect(await stashRestore(repo, root, stash!)).toEqual({ ok: true });
    expect(gitIn(repo, 'diff', '--cached', '--name-only')).toBe('server/app.py');
    expect(readFileSync(join(repo, 'loose.txt'), 'utf8')).toBe('untracked\n');
    expect(gitIn(repo, 'stash', 'list')).toBe('');
  });
});

describe('merge-tree helpers', () => {
  it('parses --stdin output, and stops at a record cut short', () => {
    const tree = 'a'.repeat(40);
    const out = `0\0${tree}\0README.md\0ui/app.js\0\0` + `1\0${tree}\0\0` + `0\0${tree}\0x\0`;
    expect(parseMergeTreeStdin(out)).toEqual([
      { clean: false, files: ['README.md', 'ui/app.js'] },
      { clean: true, files: [] },
    ]);
    expect(parseMergeTreeStdin('')).toEqual([]);
  });

  it('knows which git has merge-tree --stdin', () => {
    expect(hasMergeTreeStdin(parseGitVersion('git version 2.39.5'))).toBe(false);
    expect(hasMergeTreeStdin(parseGitVersion('git version 2.40.0'))).toBe(true);
    expect(hasMergeTreeStdin(parseGitVersion('git version 3.0.1.windows.1'))).toBe(true);
  });
});

describe('conflict overlap', () => {
  it('pairs only sessions whose changes meet, a file against a folder included', () => {
    const pairs = candidatePairs([['a/x.py', 'README.md'], ['a/y.py'], ['README.md'], null, ['a/x.py/inner'], []]);
    expect(pairs).toEqual([
      { i: 0, j: 2, files: ['README.md'], crossed: false },
      { i: 0, j: 4, files: [], crossed: true },
    ]);
  });

  it('finds files outside the own component and inside other sessions\' components', () => {
    const config = { components: { server: { paths: ['server/'], description: '' }, ui: { paths: ['ui/'], description: '' } } };
    const sessions = [
      { name: 'me', component: 'server' },
      { name: 'front', component: 'ui' },
      { name: 'mate', component: 'server' },
    ];
    expect(strays(config, sessions[0]!, ['server/a.py', 'ui/b.js', 'README.md'], sessions)).toEqual({
      outside: ['ui/b.js', 'README.md'],
      others: [{ session: 'front', component: 'ui', files: ['ui/b.js'] }],
    });
  });
});

describe('describeSync and the gh command', () => {
  it('writes the Last sync line', () => {
    const s = { ...emptySync({ name: 'a', mode: 'worktree', branch: 'feature/a' }, { base: 'main', ref: 'main', sha: 'abcdef1234567890' }), result: 'conflict' as const, conflicts: ['x.py', 'y.py'] };
    expect(describeSync(s, '2026-11-21T23:40:12.000+01:00')).toBe('2026-11-21 23:40 conflict onto abcdef1 in x.py, y.py (left as it was)');
    expect(describeSync({ ...s, result: 'rebased' }, '2026-11-21T23:40:12.000+01:00')).toBe('2026-11-21 23:40 rebased onto abcdef1');
  });

  it('quotes the printed command so that a shell gives back exactly the arguments', () => {
    const body = "It's a \"body\" with $HOME, `ticks`, \\ and\nnew lines; rm -rf /\n";
    const argv = prArgv('main', 'feature/x', "Don't $(panic)", body);
    const command = argv.map(shellQuote).join(' ');
    const echoed = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${command.replace(/^gh /, '')}`], { cwd: tempDir(), encoding: 'utf8' });
    expect(echoed.split('\0').slice(0, -1)).toEqual(argv.slice(1));
    expect(shellQuote('feature/x')).toBe('feature/x');
  });
});
