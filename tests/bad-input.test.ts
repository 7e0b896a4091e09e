// Every command refuses bad input the same way before it touches anything: exit 2, one line.
import { describe, expect, it } from 'vitest';
import { make } from './helpers/make.ts';
import { makeRepo } from './helpers/repo.ts';

describe('bad input never reaches a file or a session', () => {
  it.each([
    ['end-session', { name: 'b/../b2' }, /name="b\/..\/b2" contains/],
    ['sync', { name: '../x' }, /name="..\/x" starts with/],
    ['new-session', { name: 'ok', component: 'constructor' }, /component="constructor" is not in/],
    ['new-session', { name: 'ok', component: 'server', profile: 'hasOwnProperty' }, /profile="hasOwnProperty"/],
    ['list-sessions', { repo: '/etc/passwd' }, /repo=\/etc\/passwd: no such folder/],
    ['finish-session', { name: 'x', pr: 1, merge: 1 }, /pr=1 and merge=1 do not go together/],
    ['sync-all', { name: 'x' }, /all=1 \(\S*bin\/kit sync-all\) takes no name=/],
  ])('%s %j: exit 2 with one line', (target, vars, re) => {
    const repo = makeRepo();
    const r = make(repo, target, vars as Record<string, string>);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
