// The replay of a one-commit branch (git/replay.ts) makes exactly the commit `git rebase` makes: the
// same commit id, with the committer date held fixed; where that is not sure it declines and the real
// rebase runs; a commit made in the copy meanwhile is never lost.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitFiles, gitIn, tempDir, writeFiles } from '../helpers/repo.ts';
import { applyReplay, probeReplay, replayAllowed, replayPlan, type ReplayPlan } from '../../scripts/lib/git/replay.ts';

const DATE = '1700000000 +0000';
beforeEach(() => {
  process.env.GIT_COMMITTER_DATE = DATE;
});
afterEach(() => {
  delete process.env.GIT_COMMITTER_DATE;
});

/** A repository whose main has `base`, two worktrees (a, b) on branches at one same commit made by `own`, then main moved by `moves`. */
function twins(base: Record<string, string>, own: (dir: string) => void, moves: (repo: string) => void) {
  const repo = join(tempDir('kit-replay-'), 'repo');
  gitIn(tempDir(), 'init', '-q', '-b', 'main', repo);
  commitFiles(repo, base, 'base');
  const a = join(repo, '..', 'a');
  const b = join(repo, '..', 'b');
  gitIn(repo, 'worktree', 'add', '-q', '-b', 'a', a, 'main');
  own(a);
  gitIn(repo, 'worktree', 'add', '-q', '-b', 'b', b, 'a');
  moves(repo);
  return { repo, a, b, onto: gitIn(repo, 'rev-parse', 'main'), head: gitIn(b, 'rev-parse', 'HEAD') };
}

async function plan(dir: string, head: string, onto: string): Promise<ReplayPlan | null> {
  const probe = await probeReplay(dir, head, onto);
  expect(probe).not.toBeNull();
  return replayPlan(probe!, head);
}

/** Rebases a with git and replays b; both must end on the same commit with the same files. */
async function same(t: ReturnType<typeof twins>) {
  gitIn(t.a, 'rebase', '-q', 'main');
  const p = await plan(t.b, t.head, t.onto);
  expect(p).not.toBeNull();
  expect(await applyReplay(t.b, p!, t.head, t.onto, 'refs/heads/b')).toEqual({ ok: true, head: gitIn(t.a, 'rev-parse', 'HEAD') });
  expect(gitIn(t.b, 'rev-parse', 'HEAD')).toBe(gitIn(t.a, 'rev-parse', 'HEAD'));
  expect(gitIn(t.b, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  expect(gitIn(t.b, 'rev-parse', 'ORIG_HEAD')).toBe(t.head);
  expect(gitIn(t.b, 'ls-files', '-s')).toBe(gitIn(t.a, 'ls-files', '-s'));
}

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i}${i === 0 ? tag : ''}\n`).join('');

describe('replaying one commit', () => {
  it('makes the commit git rebase makes: author, date and an unusual message kept byte for byte', async () => {
    const t = twins(
      { 'src/app.py': lines(30), 'docs/a.md': 'a\n' },
      (dir) => {
        writeFiles(dir, { 'src/app.py': lines(30).replace('line 29', 'line 29 own'), 'src/new.py': 'new\n' });
        gitIn(dir, 'add', '-A');
        writeFileSync(join(dir, '..', 'msg'), '  own work  \n\n\n# not a comment\nbody\t\n\n\n');
        sh(dir, ['commit', '-q', '--cleanup=verbatim', '-F', join(dir, '..', 'msg')], { GIT_AUTHOR_NAME: 'Zoë Ünïcode', GIT_AUTHOR_EMAIL: 'zoe@example.org', GIT_AUTHOR_DATE: '1600000000 +0530' });
      },
      (repo) => commitFiles(repo, { 'src/app.py': lines(30, ' base'), 'docs/b.md': 'b\n' }, 'base moves'),
    );
    await same(t);
    expect(readFileSync(join(t.b, 'src/app.py'), 'utf8')).toBe(lines(30, ' base').replace('line 29', 'line 29 own'));
  });

  it('follows a file the base renamed, as the rebase does; a folder the base renamed is a conflict for both', async () => {
    const t = twins(
      { 'old/a.txt': lines(20), 'old/b.txt': 'b\n' },
      (dir) => commitFiles(dir, { 'old/a.txt': lines(20).replace('line 19', 'line 19 own') }, 'edits a'),
      (repo) => {
        gitIn(repo, 'mv', 'old/a.txt', 'old/renamed.txt');
        gitIn(repo, 'commit', '-qm', 'renames a');
      },
    );
    await same(t);
    expect(readFileSync(join(t.b, 'old/renamed.txt'), 'utf8')).toContain('line 19 own');

    const moved = twins({ 'old/a.txt': 'a\n' }, (d) => commitFiles(d, { 'old/c.txt': 'c\n' }, 'adds into old/'), (r) => {
      gitIn(r, 'mv', 'old', 'new');
      gitIn(r, 'commit', '-qm', 'renames old/ to new/');
    });
    expect(() => gitIn(moved.a, 'rebase', '-q', 'main')).toThrow();
    expect(await plan(moved.b, moved.head, moved.onto)).toBeNull();
  });

  it('declines a conflict, a commit already in the base, two commits, an empty result; and where hooks or signing would act', async () => {
    const conflict = twins({ 'f.txt': 'x\n' }, (d) => commitFiles(d, { 'f.txt': 'own\n' }), (r) => commitFiles(r, { 'f.txt': 'base\n' }));
    expect(await plan(conflict.b, conflict.head, conflict.onto)).toBeNull();
    // the base took the commit and reverted it: git rebase drops the commit as already applied
    const picked = twins({ 'f.txt': lines(5) }, (d) => commitFiles(d, { 'f.txt': lines(5, ' fix') }, 'fix'), (r) => {
      gitIn(r, 'cherry-pick', 'a');
      gitIn(r, 'revert', '--no-edit', 'HEAD');
    });
    expect(await plan(picked.b, picked.head, picked.onto)).toBeNull();
    gitIn(picked.a, 'rebase', '-q', 'main');
    expect(gitIn(picked.a, 'rev-parse', 'HEAD')).toBe(picked.onto);
    const two = twins({ 'f.txt': 'x\n' }, (d) => {
      commitFiles(d, { 'g.txt': '1\n' });
      commitFiles(d, { 'h.txt': '2\n' });
    }, (r) => commitFiles(r, { 'i.txt': 'base\n' }));
    expect(await plan(two.b, two.head, two.onto)).toBeNull();
    const empty = twins({ 'f.txt': 'x\n' }, (d) => gitIn(d, 'commit', '-q', '--allow-empty', '-m', 'nothing'), (r) => commitFiles(r, { 'i.txt': 'base\n' }));
    expect(await plan(empty.b, empty.head, empty.onto)).toBeNull();

    expect(await replayAllowed(conflict.repo, {})).toBe(true);
    expect(await replayAllowed(conflict.repo, { GIT_NOTES_REWRITE_REF: 'refs/notes/commits' })).toBe(false);
    gitIn(conflict.repo, 'config', 'commit.gpgSign', 'true');
    expect(await replayAllowed(conflict.repo, {})).toBe(false);
    gitIn(conflict.repo, 'config', '--unset', 'commit.gpgSign');
    // A message git rebase would clean up: commit.cleanup (and the comment character it strips by).
    for (const [key, value] of [['commit.cleanup', 'strip'], ['core.commentChar', ';']]) {
      gitIn(conflict.repo, 'config', key as string, value as string);
      expect(await replayAllowed(conflict.repo, {}), key).toBe(false);
      gitIn(conflict.repo, 'config', '--unset', key as string);
    }
    expect(await replayAllowed(conflict.repo, {})).toBe(true);
    // Hooks git rebase runs: the replay would run none of them.
    for (const name of ['pre-rebase', 'prepare-commit-msg', 'post-commit']) {
      const hook = join(conflict.repo, '.git', 'hooks', name);
      writeFileSync(hook, '#!/bin/sh\nexit 0\n');
      chmodSync(hook, 0o755);
      expect(await replayAllowed(conflict.repo, {}), name).toBe(false);
      rmSync(hook);
    }
    expect(await replayAllowed(conflict.repo, {})).toBe(true);
  });

  it('a commit made in the copy after the probe stays: the branch goes back to it, its files as committed', async () => {
    const t = twins({ 'f.txt': 'x\n' }, (d) => commitFiles(d, { 'g.txt': 'own\n' }, 'own'), (r) => commitFiles(r, { 'i.txt': 'base\n' }, 'base'));
    const p = await plan(t.b, t.head, t.onto);
    const agents = commitFiles(t.b, { 'g.txt': 'the agent carries on\n' }, 'agent');
    const r = await applyReplay(t.b, p!, t.head, t.onto, 'refs/heads/b');
    expect(r).toMatchObject({ ok: false, restored: true });
    expect(gitIn(t.b, 'rev-parse', 'HEAD')).toBe(agents);
    expect(readFileSync(join(t.b, 'g.txt'), 'utf8')).toBe('the agent carries on\n');
    expect(gitIn(t.b, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('a file changed after the probe that the replay would write: nothing is changed and the caller rebases', async () => {
    const t = twins({ 'f.txt': 'x\n' }, (d) => commitFiles(d, { 'g.txt': 'own\n' }, 'own'), (r) => commitFiles(r, { 'f.txt': 'base\n' }, 'base'));
    const p = await plan(t.b, t.head, t.onto);
    writeFileSync(join(t.b, 'f.txt'), 'the agent writes\n');
    expect(await applyReplay(t.b, p!, t.head, t.onto, 'refs/heads/b')).toBeNull();
    expect(gitIn(t.b, 'rev-parse', 'HEAD')).toBe(t.head);
    expect(readFileSync(join(t.b, 'f.txt'), 'utf8')).toBe('the agent writes\n');
  });
});

function sh(cwd: string, args: string[], env: Record<string, string>): void {
  execFileSync('git', args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
}
