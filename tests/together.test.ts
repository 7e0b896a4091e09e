// Many commands at the same moment on one repository: the end state is whole and consistent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../scripts/lib/session/list.ts';
import { makeAsync, makeJson } from './helpers/make.ts';
import { gitIn, makeRepo } from './helpers/repo.ts';
import { newSession } from './helpers/session.ts';

describe('commands running together', () => {
  it('new-session, end-session, sync-all, list-sessions, conflicts and track at once leave a consistent state', async () => {
    const repo = makeRepo({ config: 'components:\n  server: { paths: [server/] }\n' });
    const first = ['s0', 's1', 's2', 's3'];
    const paths: Record<string, string> = {};
    for (const name of first) paths[name] = newSession(repo, name).path!;
    const runs = await Promise.all([
      ...['n0', 'n1', 'n2', 'n3', 'n4'].map((name) => makeAsync(repo, 'new-session', { name, component: 'server', shared: 1 })),
      makeAsync(repo, 'end-session', { name: 's0' }),
      makeAsync(repo, 'end-session', { name: 's1' }),
      makeAsync(repo, 'sync-all'),
      makeAsync(repo, 'list-sessions', { json: 1 }),
      makeAsync(repo, 'conflicts', { json: 1 }),
      ...[10, 20, 30].map((progress) => makeAsync(paths.s2 as string, 'track', { event: 'heartbeat', progress })),
    ]);
    runs.forEach((r, i) => {
      expect(r.stderr).not.toMatch(/unexpected error|\bat .*:\d+:\d+\)?$/m);
      // sync-all (the 8th) may meet a session that end-session removes meanwhile and say so; all else succeeds
      if (i === 7) expect([0, 1]).toContain(r.exit);
      else expect(r.exit, r.stderr).toBe(0);
    });

    const list = makeJson<SessionRow[]>(repo, 'list-sessions');
    expect(list.data.map((s) => [s.name, s.state])).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 's2', 's3'].map((n) => [n, 'active']));
    expect(new Set(list.data.map((s) => s.port)).size).toBe(7);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(8);
    const log = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    expect(log.match(/parallel-session:begin /g)).toHaveLength(9);
    expect(log.match(/parallel-session:end /g)).toHaveLength(9);
    expect(log.match(/- \*\*Status:\*\* COMPLETED/g)).toHaveLength(2);
    expect(log.match(/- \*\*Status:\*\* IN PROGRESS/g)).toHaveLength(7);
    const status = JSON.parse(readFileSync(join(repo, '.parallel/sessions/s2/status.json'), 'utf8'));
    expect(status.state).toBe('running');
    expect([10, 20, 30]).toContain(status.progress_pct);
    const events = readFileSync(join(repo, '.parallel/sessions/s2/log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events.filter((e: string) => e === 'heartbeat')).toHaveLength(3);
  });
});
