import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../scripts/lib/session/list.ts';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

describe('make list-sessions', () => {
  it('shows ahead/behind the base, uncommitted files, tracker state, and a table without colour', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.env'), 'A=1\n');
    const a = newSession(repo, 'alpha', { shared: 0 }).path!;
    const b = newSession(repo, 'beta', { component: 'ui', kind: 'debug', shared: 0 }).path!;
    commitFiles(a, { 'server/one.py': '1\n' }, 'one');
    commitFiles(a, { 'server/two.py': '2\n' }, 'two');
    commitFiles(repo, { 'README.md': 'moved on\n' }, 'base moves');
    writeFileSync(join(b, 'ui/app.js'), 'changed\n');
    writeFileSync(join(b, 'ui/new.js'), 'new\n');
    const r = makeJson<SessionRow[]>(repo, 'list-sessions');
    expect(r.code, r.stderr).toBe(0);
    const [alpha, beta] = r.data;
    expect(alpha).toMatchObject({ name: 'alpha', kind: 'feature', component: 'server', branch: 'feature/alpha', mode: 'worktree', state: 'active', tracker_state: 'created', ahead: 2, behind: 1, uncommitted: 0 });
    expect(beta).toMatchObject({ name: 'beta', kind: 'debug', branch: 'debug/beta', ahead: 0, behind: 1, uncommitted: 2 });
    expect(Object.keys(alpha as object).sort()).toEqual(
      ['name', 'kind', 'component', 'shared', 'branch', 'base', 'mode', 'port', 'state', 'tracker_state', 'progress_pct', 'message', 'ahead', 'behind', 'uncommitted', 'last_heartbeat', 'heartbeat_age_s', 'path', 'created', 'conflicts', 'error', 'agent', 'state_since', 'state_for_s', 'window'].sort(),
    );
    const table = make(repo, 'list-sessions');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+KIND\s+COMPONENT\s+BRANCH/);
    expect(table.stdout).toMatch(/alpha\s+feature\s+server\s+feature\/alpha\s+worktree\s+\d+\s+active\s+created\s+\d+[smh]\s+-\s+-\s+\+2\/-1\s+0/);
    expect(table.stdout).not.toMatch(/\u001b\[/);
  });

  it('reports a corrupt record and goes on', () => {
    const repo = makeRepo();
    newSession(repo, 'ok');
    newSession(repo, 'broken', { component: 'ui' });
    writeFileSync(join(repo, '.parallel/sessions/broken/session.json'), '{"name": "broken", ');
    const r = makeJson<SessionRow[]>(repo, 'list-sessions');
    expect(r.code).toBe(0);
    expect(r.data.map((s) => [s.name, s.state])).toEqual([
      ['broken', 'corrupt'],
      ['ok', 'active'],
    ]);
  });

  it('says how to start when there are no sessions', () => {
    const repo = makeRepo();
    const r = make(repo, 'list-sessions');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no sessions .*; start one with \S*bin\/kit new-session name=NAME component=server$/m);
  });
});
