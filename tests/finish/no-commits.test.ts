// finish-session on a session with nothing of its own refuses: no empty branch pushed, no READY FOR REVIEW.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo, originOf } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';

const state = (repo: string, name: string) => ({
  worklog: readFileSync(join(repo, 'WORK_LOG.md'), 'utf8'),
  record: readFileSync(join(repo, `.parallel/sessions/${name}/session.json`), 'utf8'),
  refs: gitIn(repo, 'for-each-ref', '--format=%(objectname) %(refname)'),
  remote: gitIn(originOf(repo), 'for-each-ref', '--format=%(objectname) %(refname)'),
});

describe('make finish-session on a session with no commits of its own', () => {
  it.each([
    ['worktree', (p: string | null) => `in ${p}`],
    ['clone', (p: string | null) => `in ${p}`],
    ['branch', () => 'on its branch feature/idle'],
  ] as const)('%s mode: refuses with exit 1, pushes nothing, changes nothing, even after the base moved', (mode, where) => {
    const repo = makeRepo({ origin: true });
    const s = newSession(repo, 'idle', { mode });
    commitFiles(repo, { 'docs/more.md': 'more\n' }, 'main moves'); // a rebase would fast-forward the branch to it
    gitIn(repo, 'push', '-q', 'origin', 'main');
    const before = state(repo, 'idle');
    const copy = s.path ? snapshot(s.path) : null;
    const r = kit(repo, 'finish-session', { name: 'idle', pr: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`finish-session: nothing to finish: session 'idle' has no commits of its own (commit your work ${where(s.path)} first)`);
    expect(r.stdout).not.toMatch(/READY FOR REVIEW/);
    expect(state(repo, 'idle')).toEqual(before);
    if (s.path) expect(snapshot(s.path)).toEqual(copy);
  });

  it('goes on once there is a commit', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'busy');
    commitFiles(s.path!, { 'server/b.py': 'b\n' }, 'busy work');
    const r = kit(repo, 'finish-session', { name: 'busy' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/READY FOR REVIEW/);
  });
});
