// createTrackingBranch: the new branch tracks its base, and its commit is the same whether read from the
// loose ref git wrote or asked of git (a git folder without that file, as with reftable, is asked).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTrackingBranch } from '../../scripts/lib/git/worktrees.ts';
import { locateRepo } from '../../scripts/lib/git/repo.ts';
import { commitFiles, gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

describe('createTrackingBranch', () => {
  it('returns the new branch\'s commit from the loose ref, or from git when there is none', async () => {
    const repo = makeRepo();
    commitFiles(repo, { 'a.txt': 'a\n' }, 'a');
    const { commonDir } = await locateRepo(repo);
    const root = join(repo, '.parallel');
    const head = gitIn(repo, 'rev-parse', 'main').trim();
    expect(await createTrackingBranch(repo, root, 'feature/one', 'main', commonDir)).toBe(head);
    expect(await createTrackingBranch(repo, root, 'feature/two', 'main', tempDir('no-refs-'))).toBe(head);
    expect(await createTrackingBranch(repo, root, 'feature/three', 'main')).toBe(head);
    for (const b of ['one', 'two', 'three']) expect(gitIn(repo, 'rev-parse', '--abbrev-ref', `feature/${b}@{upstream}`).trim()).toBe('main');
  });
});
