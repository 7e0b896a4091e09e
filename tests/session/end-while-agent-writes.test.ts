// end-session while the agent keeps writing: what it writes between the kit's check and the removal is
// never lost. The copy is set aside and read again; a copy that changed goes back, nothing removed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { commitFiles, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { agentGit } from '../sync/agent-git.ts';

describe('end-session while an agent writes', () => {
  it('clone mode: files saved after the check make it refuse, with the copy back in place', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'c2', { mode: 'clone', component: 'server' });
    const copy = s.path!;
    const agent = agentGit({ during: 'log', with: '--single-worktree', at: 'before' }, { write: { [join(copy, 'server/new.txt')]: 'new\n', [join(copy, 'server/app.py')]: 'print("edited")\n' } });
    const r = make(repo, 'end-session', { name: 'c2' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/changed while end-session was ending it/);
    expect(readFileSync(join(copy, 'server/new.txt'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(copy, 'server/app.py'), 'utf8')).toBe('print("edited")\n');
  });

  it('worktree mode: an ignored file saved just before the removal makes it refuse, the file kept', () => {
    const repo = makeRepo();
    commitFiles(repo, { '.gitignore': '.parallel/\n.env\n*.log\n' }, 'logs are ignored');
    const s = newSession(repo, 's2', { component: 'ui' });
    const copy = s.path!;
    const agent = agentGit({ during: 'worktree', with: 'move', at: 'before' }, { write: { [join(copy, 'notes.log')]: 'notes\n' } });
    const r = make(repo, 'end-session', { name: 's2' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(readFileSync(join(copy, 'notes.log'), 'utf8')).toBe('notes\n');
    const again = make(repo, 'end-session', { name: 's2' });
    expect(again.code, again.stderr).toBe(0); // once the agent is done, it ends, keeping the notes
    expect(existsSync(copy)).toBe(false);
  });

  it('worktree mode: what is written by its path once the copy is set aside is never removed', () => {
    const repo = makeRepo();
    commitFiles(repo, { '.gitignore': '.parallel/\n.env\n*.log\n' }, 'logs are ignored');
    const s = newSession(repo, 's3', { component: 'ui' });
    const copy = s.path!;
    const agent = agentGit({ during: 'worktree', with: 'move', at: 'after' }, { write: { [join(copy, 'late.log')]: 'late\n' } });
    const r = make(repo, 'end-session', { name: 's3' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(copy, 'late.log'), 'utf8')).toBe('late\n');
  });
});
