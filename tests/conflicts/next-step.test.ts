// make conflicts says what to do about each real conflict: with the base, the sync and the rebase to
// resolve it; between two sessions, who resolves it once the other is merged. Clean ones say nothing.
import { describe, expect, it } from 'vitest';
import type { Radar } from '../../scripts/lib/conflicts/radar.ts';
import { asPrinted, make, makeJson } from '../helpers/make.ts';
import { commitFiles, commitOnBranch, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

describe('make conflicts: next steps', () => {
  it('gives next for a session that conflicts with the base and for a pair that really conflicts, and null where nothing clashes', () => {
    const repo = makeRepo();
    const a = newSession(repo, 'a');
    const b = newSession(repo, 'b');
    const c = newSession(repo, 'c', { mode: 'clone' });
    newSession(repo, 'd', { mode: 'branch' });
    commitFiles(a.path!, { 'server/app.py': 'print("a")\n' }, 'a');
    commitFiles(b.path!, { 'server/app.py': 'print("b")\n' }, 'b');
    commitFiles(c.path!, { 'docs/index.md': '# c\n' }, 'c');
    commitOnBranch(repo, 'feature/d', { 'ui/app.js': 'd\n' }, 'd');
    commitFiles(repo, { 'docs/index.md': '# main\n' }, 'main moves');

    const r = makeJson<Radar>(repo, 'conflicts');
    expect(r.code, r.stderr).toBe(0);
    const s = Object.fromEntries(r.data.sessions.map((x) => [x.name, x]));
    expect(s.c?.base_conflict).toBe(true);
    expect(s.c?.next).toBe(`make sync name=c would stop at docs/index.md; to resolve it: cd ${c.path} && git fetch ${repo} main && git rebase FETCH_HEAD; fix the files, git add them, git rebase --continue; then make sync name=c`);
    for (const n of ['a', 'b', 'd']) expect(s[n]?.next, n).toBeNull();
    expect(r.data.pairs).toEqual([
      expect.objectContaining({
        a: 'a',
        b: 'b',
        conflict: true,
        next: 'coordinate: the second of a and b to be merged resolves server/app.py; once a is in main, make sync name=b (or once b is in main, make sync name=a) brings the conflict into its copy to resolve',
      }),
    ]);

    const text = make(repo, 'conflicts');
    expect(text.code).toBe(0);
    const steps = text.stdout.slice(text.stdout.indexOf('\nNext steps:\n'));
    expect(steps.split('\n').filter(Boolean)).toEqual(['Next steps:', `  c: ${asPrinted(s.c?.next ?? '')}`, `  a <-> b: ${asPrinted(r.data.pairs[0]?.next ?? '')}`]);
  });

  it('prints no next steps when nothing conflicts', () => {
    const repo = makeRepo();
    const a = newSession(repo, 'a');
    commitFiles(a.path!, { 'server/a.py': 'a\n' }, 'a');
    const r = makeJson<Radar>(repo, 'conflicts');
    expect(r.data.sessions[0]).toMatchObject({ name: 'a', base_conflict: false, next: null });
    expect(make(repo, 'conflicts').stdout).not.toMatch(/Next steps/);
  });
});
