import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasMergeTreeStdin, mergeTreeMany, mergeTreeOne, parseGitVersion, parseMergeTreeStdin, scratchObjects } from '../../scripts/lib/git/merge-tree.ts';
import { GIT_HAS_STDIN, GIT_VERSION, MERGE_TREE_MODES, skipWithout } from '../helpers/merge-tree.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { objectFiles } from '../helpers/snapshot.ts';

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

/** Branches x and y change README.md each (they conflict); z changes ui/app.js (it merges with both). */
function threeBranches(): string {
  const repo = makeRepo();
  gitIn(repo, 'checkout', '-q', '-b', 'x');
  commitFiles(repo, { 'README.md': 'x\n' }, 'x');
  gitIn(repo, 'checkout', '-q', '-b', 'y', 'main');
  commitFiles(repo, { 'README.md': 'y\n' }, 'y');
  gitIn(repo, 'checkout', '-q', '-b', 'z', 'main');
  commitFiles(repo, { 'ui/app.js': 'z\n' }, 'z');
  return repo;
}
const PAIRS = [['x', 'y'], ['x', 'z'], ['y', 'x']] as const;
const EXPECTED = [{ clean: false, files: ['README.md'] }, { clean: true, files: [] }, { clean: false, files: ['README.md'] }];

describe.each(MERGE_TREE_MODES)('mergeTreeMany, merging %s', (mode) => {
  it("gives git merge-tree's answers in order, writing objects only into the scratch folder", async ({ skip }) => {
    skipWithout(mode, skip);
    const repo = threeBranches();
    const objects = objectFiles(repo);
    const scope = await scratchObjects(repo);
    const scratch = scope.env.GIT_OBJECT_DIRECTORY as string;
    try {
      expect(await mergeTreeMany(repo, scope.env, PAIRS, mode)).toEqual(EXPECTED);
      expect(readdirSync(scratch, { recursive: true }).length).toBeGreaterThan(0); // the conflicted merge's trees and blob
      expect(objectFiles(repo)).toEqual(objects);
    } finally {
      scope.dispose();
    }
    expect(existsSync(scratch)).toBe(false);
    // The same merge without the scratch folder writes into the repository: the check above can see that.
    await mergeTreeOne(repo, process.env, 'x', 'y');
    expect(objectFiles(repo)).not.toEqual(objects);
  });
});

describe('the scratch folder', () => {
  it('released, is removed in the background', async () => {
    const repo = threeBranches();
    const scope = await scratchObjects(repo);
    const scratch = scope.env.GIT_OBJECT_DIRECTORY as string;
    await mergeTreeMany(repo, scope.env, PAIRS);
    expect(readdirSync(scratch, { recursive: true }).length).toBeGreaterThan(0);
    scope.release();
    for (let i = 0; i < 100 && existsSync(scratch); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(scratch)).toBe(false);
  });
});

describe('where git lacks merge-tree --stdin', () => {
  it('a --stdin merge asked of mergeTreeMany fails as a whole, and every merge is redone one by one', async ({ skip }) => {
    skip(GIT_HAS_STDIN, `git ${GIT_VERSION} has merge-tree --stdin: the stdin case covers it`);
    const repo = threeBranches();
    const scope = await scratchObjects(repo);
    try {
      expect(await mergeTreeMany(repo, scope.env, PAIRS, 'stdin')).toEqual(EXPECTED);
    } finally {
      scope.dispose();
    }
  });
});
