// The `*` on a component in make list-sessions: shared with a live session, not merely made with shared=1.
import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../scripts/lib/session/list.ts';
import { make, makeJson } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

/** NAME -> the COMPONENT column of the table. */
function components(repo: string): Record<string, string> {
  const r = make(repo, 'list-sessions');
  expect(r.code, r.stderr).toBe(0);
  const [header, ...rows] = r.stdout.trimEnd().split('\n');
  expect(header).toMatch(/^NAME\s+KIND\s+COMPONENT\s/);
  return Object.fromEntries(rows.map((l) => l.split(/\s+/)).map((c) => [c[0], c[2]]));
}

const sharedFlags = (repo: string) => Object.fromEntries(makeJson<SessionRow[]>(repo, 'list-sessions').data.map((s) => [s.name, s.shared]));

describe('make list-sessions: the shared-claim marker', () => {
  it('marks a component claimed by two live sessions on both rows, and drops the marker once the other claimer has ended', () => {
    const repo = makeRepo();
    newSession(repo, 'first', { component: 'server', shared: 0 });
    newSession(repo, 'second', { component: 'server', shared: 1 });
    newSession(repo, 'alone', { component: 'ui', shared: 1 });
    expect(components(repo)).toEqual({ alone: 'ui', first: 'server*', second: 'server*' });

    const ended = make(repo, 'end-session', { name: 'first' });
    expect(ended.code, ended.stderr).toBe(0);
    expect(components(repo)).toEqual({ alone: 'ui', second: 'server' });
    // json=1 keeps what the records say: second was made with shared=1
    expect(sharedFlags(repo)).toEqual({ alone: true, second: true });
  });
});
