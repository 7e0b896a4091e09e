// Scenarios where work could be lost or a session half-made: each must refuse, or undo, completely.
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit, make, makeAsync } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

describe('end-session never loses work it cannot see at first glance', () => {
  it('refuses when a clone has commits on another branch, or stashes', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'cl', { mode: 'clone' }).path!;
    gitIn(path, 'switch', '-q', '-c', 'experiment');
    commitFiles(path, { 'server/exp.py': 'e\n' }, 'experiment');
    gitIn(path, 'switch', '-q', 'feature/cl');
    writeFileSync(join(path, 'server/app.py'), 'stashed\n');
    gitIn(path, 'stash', '-q');
    const r = kit(repo, 'end-session', { name: 'cl' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 commit neither merged nor pushed \([0-9a-f]+ experiment\)/);
    expect(r.stderr).toMatch(/1 stash entry in the clone/);
    expect(existsSync(path)).toBe(true);
  });

  it('refuses when a worktree holds commits on a detached HEAD', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'det').path!;
    gitIn(path, 'checkout', '-q', '--detach');
    commitFiles(path, { 'server/d.py': 'd\n' }, 'detached work');
    const r = kit(repo, 'end-session', { name: 'det' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/detached work/);
    expect(existsSync(path)).toBe(true);
  });

  it('refuses when a copied, git-ignored .env was edited in the copy', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.env'), 'KEY=main\n');
    const path = newSession(repo, 'envy').path!;
    writeFileSync(join(path, '.env'), 'KEY=edited\n');
    const r = kit(repo, 'end-session', { name: 'envy' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 uncommitted file \(\.env\)/);
    expect(readFileSync(join(path, '.env'), 'utf8')).toBe('KEY=edited\n');
  });

  it('lets two end-sessions of one session take turns: one ends it, the other finds it gone', async () => {
    const repo = makeRepo();
    newSession(repo, 'twice');
    const [a, b] = await Promise.all([makeAsync(repo, 'end-session', { name: 'twice' }), makeAsync(repo, 'end-session', { name: 'twice' })]);
    expect([a.exit, b.exit].sort()).toEqual([0, 2]);
    expect([a.stderr, b.stderr].join('')).toMatch(/no session named 'twice'/);
    expect(existsSync(join(repo, '.parallel/sessions/twice'))).toBe(false);
    expect(readdirSync(join(repo, '.parallel/archive/sessions'))).toHaveLength(1);
  });
});

describe('a failed step leaves nothing behind', () => {
  it('removes what a failing git worktree add left (a post-checkout hook that fails)', () => {
    const repo = makeRepo();
    const hook = join(repo, '.git/hooks/post-checkout');
    writeFileSync(hook, '#!/bin/sh\nexit 1\n');
    chmodSync(hook, 0o755);
    const r = make(repo, 'new-session', { name: 'hooked', component: 'server' });
    expect(r.exit).toBe(1);
    expect(existsSync(join(repo, '..', 'repo-sessions', 'hooked'))).toBe(false);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(gitIn(repo, 'branch', '--list', 'feature/hooked')).toBe('');
    expect(existsSync(join(repo, '.parallel/sessions/hooked'))).toBe(false);
  });
});

describe('end-session from inside the copy it would remove', () => {
  it('refuses and says where to run it', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'here').path!;
    const r = make(path, 'end-session', { name: 'here' });
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/you are inside the copy of session 'here'/);
    expect(existsSync(path)).toBe(true);
  });
});
