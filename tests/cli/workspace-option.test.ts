// workspace= on the session commands: a plan's sessions live in the plan's workspace, and list-sessions,
// end-session and the rest reach them there; a bad or reserved name is one line, exit 2.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

describe('workspace=', () => {
  it('new-session, list-sessions and end-session in another workspace than the config’s', () => {
    const repo = makeRepo();
    const made = makeJson<{ name: string; workspace: string; path: string }>(repo, 'new-session', { name: 'api', component: 'server', workspace: 'auth' });
    expect(made.code, made.stderr).toBe(0);
    expect(made.data.workspace).toBe('auth');
    expect(makeJson<unknown[]>(repo, 'list-sessions', {}).data).toEqual([]);
    const listed = makeJson<{ name: string }[]>(repo, 'list-sessions', { workspace: 'auth' });
    expect(listed.data.map((r) => r.name)).toEqual(['api']);
    expect(make(repo, 'end-session', { name: 'api' }).code).not.toBe(0);
    const ended = make(repo, 'end-session', { name: 'api', workspace: 'auth' });
    expect(ended.code, ended.stderr).toBe(0);
    expect(existsSync(made.data.path)).toBe(false);
    for (const bad of ['plans', '../x']) {
      const r = make(repo, 'list-sessions', { workspace: bad });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^list-sessions: workspace=/);
    }
  });
});
