import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrate } from '../../scripts/lib/git/rebase.ts';
import { stashAside, stashBack } from '../../scripts/lib/git/stash.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
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
      expect(r).toEqual({ ok: false, conflicts: ['server/app.py'], message: expect.any(String), restored: true, kept: [] });
      expect(snapshot(repo)).toEqual(before);
    });
  }

  it('autostash: a stash that does not apply after the rebase is kept under its ref, nothing lost', async () => {
    const { repo } = diverged();
    gitIn(repo, 'reset', '-q', '--hard', 'HEAD~1'); // topic no longer touches server/app.py: the rebase succeeds
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'server/app.py'), 'print("uncommitted")\n');
    const ref = 'refs/parallel/autostash/topic';
    const stash = await stashAside(repo, ref, 'test');
    expect(stash).toMatch(/^[0-9a-f]{40}$/);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    const r = await integrate(repo, 'main', 'rebase', head, 'refs/heads/topic');
    expect(r.ok).toBe(true);
    const back = await stashBack(repo, ref, stash!);
    expect(back.ok).toBe(false);
    expect(gitIn(repo, 'rev-parse', ref)).toBe(stash);
    expect(gitIn(repo, 'stash', 'list')).toBe('');
    expect(gitIn(repo, 'show', `${ref}:server/app.py`)).toBe('print("uncommitted")');
  });

  it('autostash: a stash is re-applied with its index and its ref dropped', async () => {
    const repo = makeRepo();
    const ref = 'refs/parallel/autostash/main';
    expect(await stashAside(repo, ref, 'nothing')).toBeNull();
    writeFileSync(join(repo, 'server/app.py'), 'staged\n');
    gitIn(repo, 'add', 'server/app.py');
    writeFileSync(join(repo, 'loose.txt'), 'untracked\n');
    const stash = await stashAside(repo, ref, 'test');
    expect(gitIn(repo, 'status', '--porcelain')).toBe('?? loose.txt');
    expect(await stashBack(repo, ref, stash!)).toEqual({ ok: true });
    expect(gitIn(repo, 'diff', '--cached', '--name-only')).toBe('server/app.py');
    expect(readFileSync(join(repo, 'loose.txt'), 'utf8')).toBe('untracked\n');
    expect(gitIn(repo, 'stash', 'list')).toBe('');
    expect(gitIn(repo, 'for-each-ref', 'refs/parallel/')).toBe('');
  });
});
