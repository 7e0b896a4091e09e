// finish-session merge=1 in a repository without a remote: nothing is pushed, so nothing says to push.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';

const PUSH_ADVICE = /push (it|them|the|your)|git push|push or|or push|is pushed|pushed and/i;

describe('make finish-session merge=1 with no remote', () => {
  it('merges and ends the session, and no line of its output says to push', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'solo');
    const work = commitFiles(s.path!, { 'server/s.py': 's\n' }, 'solo work');
    const r = make(repo, 'finish-session', { name: 'solo', merge: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(work);
    expect(existsSync(s.path!)).toBe(false);
    expect(worklogField(repo, s.uid, 'Status')).toBe('MERGED');
    // its first line says what happened, as the entry does: merged, not waiting for a review
    expect(r.stdout.split('\n')[0]).toMatch(/session solo \(feature\/solo\) is merged into main and ended$/);
    expect(r.stdout).not.toMatch(/READY FOR REVIEW/);
    expect(r.stdout).toMatch(/^ {2}pushed {5}no remote; nothing pushed$/m);
    expect(`${r.stdout}\n${r.stderr}`.replace('nothing pushed', '')).not.toMatch(PUSH_ADVICE);
    expect(r.stderr).not.toMatch(/push the branch/);
  });

  it('a refusal before the base moves says to commit or remove, not to push', () => {
    const repo = makeRepo({ config: 'components: { server: { paths: [server/] } }\ntest: "echo ok > test-report.txt"\n' });
    const s = newSession(repo, 'solo');
    commitFiles(s.path!, { 'server/s.py': 's\n' }, 'solo work');
    const r = make(repo, 'finish-session', { name: 'solo', merge: 1 });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/its copy has test-report.txt, which ending it would lose; commit or remove them, or finish without merge=1/);
    expect(r.stderr).not.toMatch(PUSH_ADVICE);
  });

  it('with a remote, it does push and says so', () => {
    const repo = makeRepo({ origin: true });
    const s = newSession(repo, 'team');
    commitFiles(s.path!, { 'server/t.py': 't\n' }, 'team work');
    const r = make(repo, 'finish-session', { name: 'team', merge: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/push the branch/);
    expect(r.stdout).toMatch(/merged +main \S+ -> \S+ \(fast-forward, pushed to origin\)/);
  });
});
