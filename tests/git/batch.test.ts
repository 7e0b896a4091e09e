import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitBatch, parseBatch, worktreeStatuses } from '../../scripts/lib/git/batch.ts';
import { gitEnv, worktreeStatus } from '../../scripts/lib/git/repo.ts';
import { run } from '../../scripts/lib/core/exec.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

describe('git runs through a few shells', () => {
  it('parses the frames, and stops at one cut short', () => {
    const n = 'f'.repeat(32);
    const out = `a\0b\0\0${n} 0\0\0` + `\0${n} 128\0fatal: no\0` + `half\0${n} 1\0cut`;
    expect(parseBatch(out, n)).toEqual([
      { code: 0, stdout: 'a\0b\0', stderr: '' },
      { code: 128, stdout: '', stderr: 'fatal: no' },
    ]);
    expect(parseBatch('', n)).toEqual([]);
  });

  it('gives each copy the status git status gives it, and a gone copy its own error, in order', async () => {
    const repo = makeRepo();
    const wt = join(tempDir(), 'wt with space');
    gitIn(repo, 'worktree', 'add', '-q', '-b', 'other', wt, 'main');
    writeFileSync(join(wt, 'new file.txt'), 'x\n');
    writeFileSync(join(repo, 'README.md'), 'changed\n');
    const gone = join(tempDir(), 'gone');
    const dirs = [repo, wt, gone, repo, wt];
    const got = await worktreeStatuses(dirs, repo);
    expect(got[0]).toEqual(await worktreeStatus(repo));
    expect(got[1]).toEqual(await worktreeStatus(wt));
    expect(got[1]).toMatchObject({ branch: 'other', untracked: ['new file.txt'] });
    expect(got[2]).toBeInstanceOf(Error);
    expect((got[2] as Error).message).toMatch(/^git status --branch failed: cannot change to .*gone/);
    expect(got.slice(3)).toEqual(got.slice(0, 2));
  });

  it('runs again alone what a shell did not report (it was killed)', async () => {
    const repo = makeRepo();
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    // A git that kills the shell that started it on the second run: the shell reports one run, not three.
    const counter = join(bin, 'count');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho x >> '${counter}'\nif [ "$(wc -l < '${counter}')" -eq 2 ]; then kill -9 $PPID; fi\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const env = gitEnv({ PATH: `${bin}:${process.env.PATH}` });
    const alone: string[][] = [];
    const pairs = [['HEAD', 'HEAD'], ['HEAD', 'HEAD'], ['HEAD', 'HEAD']];
    const runs = await gitBatch('merge-tree', pairs, {
      cwd: repo,
      env,
      drivers: 1,
      alone: (v) => (alone.push([...v]), run('git', ['merge-tree', '--write-tree', '--no-messages', '--name-only', '-z', ...v], { cwd: repo })),
    });
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(alone).toHaveLength(2);
  });
});
