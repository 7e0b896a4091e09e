// end-session on a session whose branch is pushed but not merged: the entry says it awaits review, the
// branch stays; merged, it is COMPLETED as before.
import { describe, expect, it } from 'vitest';
import type { EndReport } from '../../scripts/lib/session/end.ts';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';

describe('make end-session: pushed but not merged', () => {
  it('sets the entry to AWAITING REVIEW, keeps the branch, and says so in one line', () => {
    const repo = makeRepo({ origin: true });
    const s = newSession(repo, 'review');
    commitFiles(s.path!, { 'server/r.py': 'r\n' }, 'review me');
    gitIn(s.path!, 'push', '-q', 'origin', 'feature/review');
    const r = make(repo, 'end-session', { name: 'review' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe("✓ ended 'review': pushed, awaiting review (branch kept: feature/review)");
    expect(worklogField(repo, s.uid, 'Status')).toBe('AWAITING REVIEW');
    expect(gitIn(repo, 'branch', '--list', 'feature/review')).toContain('feature/review');
  });

  it('a clone whose branch reached the main checkout unmerged awaits review too; a merged one is COMPLETED', () => {
    const repo = makeRepo();
    const cl = newSession(repo, 'cl', { mode: 'clone' });
    commitFiles(cl.path!, { 'server/c.py': 'c\n' }, 'clone work');
    gitIn(cl.path!, 'push', '-q', 'origin', 'feature/cl');
    const r = makeJson<EndReport>(repo, 'end-session', { name: 'cl' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data).toMatchObject({ outcome: 'COMPLETED', status: 'AWAITING REVIEW', branch_deleted: false });
    expect(worklogField(repo, cl.uid, 'Status')).toBe('AWAITING REVIEW');

    const done = newSession(repo, 'done');
    commitFiles(done.path!, { 'server/d.py': 'd\n' }, 'done work');
    gitIn(repo, 'merge', '-q', '--ff-only', 'feature/done');
    const m = makeJson<EndReport>(repo, 'end-session', { name: 'done' });
    expect(m.data).toMatchObject({ outcome: 'COMPLETED', status: 'COMPLETED', branch_deleted: true });
    expect(worklogField(repo, done.uid, 'Status')).toBe('COMPLETED');
  });
});
