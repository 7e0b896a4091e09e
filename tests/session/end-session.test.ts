import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit, make, makeJson } from '../helpers/make.ts';
import { repoWithFreePorts } from '../helpers/ports.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const statusLine = (repo: string) => readFileSync(join(repo, 'WORK_LOG.md'), 'utf8').match(/Status:\**\s*(.*)/)?.[1];

describe('make end-session', () => {
  it('refuses with exit 1 and changes nothing when the copy has uncommitted changes', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'dirty').path!;
    writeFileSync(join(path, 'server/app.py'), 'edited\n');
    writeFileSync(join(path, 'notes.txt'), 'mine\n');
    const worklog = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    const r = make(repo, 'end-session', { name: 'dirty' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/2 uncommitted files \((notes.txt, server\/app.py|server\/app.py, notes.txt)\).*force=1/);
    expect(readFileSync(join(path, 'server/app.py'), 'utf8')).toBe('edited\n');
    expect(readFileSync(join(path, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8')).toBe(worklog);
    expect(existsSync(join(repo, '.parallel/sessions/dirty/session.json'))).toBe(true);
    // run directly, the command's own exit code shows (make turns every failure into 2)
    const direct = kit(repo, 'end-session', { name: 'dirty' });
    expect(direct.code).toBe(1);
    expect(direct.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses when the branch has commits neither merged nor pushed, and allows it once pushed', () => {
    const repo = makeRepo({ origin: true });
    const path = newSession(repo, 'ahead').path!;
    commitFiles(path, { 'server/new.py': 'x\n' }, 'add new');
    const r = make(repo, 'end-session', { name: 'ahead' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/1 commit neither merged nor pushed \([0-9a-f]+ add new\)/);
    expect(existsSync(path)).toBe(true);
    gitIn(path, 'push', '-q', 'origin', 'feature/ahead');
    const ok = makeJson<{ branch_deleted: boolean; branch_kept_reason: string }>(repo, 'end-session', { name: 'ahead' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.data.branch_deleted).toBe(false);
    expect(ok.data.branch_kept_reason).toMatch(/not merged/);
    expect(existsSync(path)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/ahead')).toContain('feature/ahead');
  });

  it('removes the copy, deletes the merged branch, releases port and component, keeps the logs', async () => {
    const { repo, low } = await repoWithFreePorts(2);
    writeFileSync(join(repo, '.env'), 'A=1\n');
    const path = newSession(repo, 'done', { shared: 0 }).path!; // claims server: the session after it proves the claim released
    commitFiles(path, { 'server/x.py': 'x\n' }, 'work');
    gitIn(repo, 'merge', '-q', '--ff-only', 'feature/done');
    // someone ticks a box and writes a note in the entry meanwhile
    const before = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    const edited = before.replace('- [ ]', '- [x]') + '\nA note outside the entry.\n';
    writeFileSync(join(repo, 'WORK_LOG.md'), edited);
    expect(makeJson<{ port: number }[]>(repo, 'list-sessions').data[0]?.port).toBe(low);
    const r = makeJson<{ outcome: string; branch_deleted: boolean; archived_to: string }>(repo, 'end-session', { name: 'done' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.outcome).toBe('COMPLETED');
    expect(r.data.branch_deleted).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/done')).toBe('');
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    const after = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    expect(statusLine(repo)).toBe('COMPLETED');
    expect(after.replace(/Status:\**\s*COMPLETED/, 'X')).toBe(edited.replace(/Status:\**\s*IN PROGRESS/, 'X'));
    expect(existsSync(join(r.data.archived_to, 'log.jsonl'))).toBe(true);
    expect(existsSync(join(repo, '.parallel/sessions/done'))).toBe(false);
    // port and component are free: a new session gets the same port again, and the name can be reused
    const again = makeJson<{ port: number }>(repo, 'new-session', { name: 'done', component: 'server' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.data.port).toBe(low);
  });

  it('force=1 throws the work away, says what, and marks the entry ABANDONED', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'junk').path!;
    commitFiles(path, { 'server/y.py': 'y\n' }, 'throwaway');
    writeFileSync(join(path, 'scratch.txt'), 's\n');
    const r = make(repo, 'end-session', { name: 'junk', force: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ABANDONED/);
    expect(r.stdout).toMatch(/threw away 1 uncommitted file\(s\): scratch.txt/);
    expect(r.stdout).toMatch(/threw away 1 unpushed commit\(s\): [0-9a-f]+ throwaway/);
    expect(r.stdout).toMatch(/recover with: git branch feature\/junk [0-9a-f]+/);
    expect(existsSync(path)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/junk')).toBe('');
    expect(statusLine(repo)).toBe('ABANDONED');
  });

  it('ends a session whose folder was deleted by hand', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'gone').path!;
    rmSync(path, { recursive: true, force: true });
    const list = makeJson<{ name: string; state: string }[]>(repo, 'list-sessions');
    expect(list.code).toBe(0);
    expect(list.data).toEqual([expect.objectContaining({ name: 'gone', state: 'missing' })]);
    const r = make(repo, 'end-session', { name: 'gone' });
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('ends a clone session only when its commits reached the main repository', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'cl', { mode: 'clone' }).path!;
    commitFiles(path, { 'server/c.py': 'c\n' }, 'clone work');
    expect(make(repo, 'end-session', { name: 'cl' }).exit).toBe(1);
    gitIn(path, 'push', '-q', 'origin', 'feature/cl');
    gitIn(repo, 'merge', '-q', '--ff-only', 'feature/cl');
    const r = makeJson<{ branch_deleted: boolean }>(repo, 'end-session', { name: 'cl' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.branch_deleted).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('gives a usage error for a missing or unknown name', () => {
    const repo = makeRepo();
    expect(make(repo, 'end-session').exit).toBe(2);
    const r = make(repo, 'end-session', { name: 'nobody' });
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/no session named 'nobody'/);
    expect(readdirSync(repo)).not.toContain('WORK_LOG.md');
  });
});
