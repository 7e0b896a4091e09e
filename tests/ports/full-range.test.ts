// A port range with no port left: new-session says exactly why, from what really holds each port.
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { listenHere, repoWithFreePorts } from '../helpers/ports.ts';

/** new-session name=NAME, which must fail; its one-line error. */
function refused(repo: string, name: string): string {
  const r = make(repo, 'new-session', { name, component: 'ui', shared: 1 });
  expect(r.exit, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

function start(repo: string, name: string): number {
  const r = makeJson<{ port: number }>(repo, 'new-session', { name, component: 'ui', shared: 1 });
  expect(r.code, r.stderr).toBe(0);
  return r.data.port;
}

/** Holds the ports with servers of this process while fn runs. */
async function holding(ports: number[], fn: () => void): Promise<void> {
  const servers = await Promise.all(ports.map((p) => listenHere(p)));
  try {
    fn();
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

describe('new-session on a full port range', () => {
  it('all ports leased to sessions', async () => {
    const { repo, low } = await repoWithFreePorts(3);
    expect([start(repo, 'a'), start(repo, 'b'), start(repo, 'c')]).toEqual([low, low + 1, low + 2]);
    expect(refused(repo, 'd')).toBe(`new-session: no free port in ${low}-${low + 2} (all 3 leased to sessions); end a session or widen ports.range`);
  });

  it('all ports in use by other processes', async () => {
    const { repo, low } = await repoWithFreePorts(3);
    await holding([low, low + 1, low + 2], () => {
      expect(refused(repo, 'a')).toBe(`new-session: no free port in ${low}-${low + 2} (all 3 in use by other processes); stop those processes or widen ports.range`);
    });
  });

  it('some leased, the rest in use, with the counts', async () => {
    const { repo, low } = await repoWithFreePorts(3);
    expect([start(repo, 'a'), start(repo, 'b')]).toEqual([low, low + 1]);
    await holding([low + 2], () => {
      expect(refused(repo, 'c')).toBe(`new-session: no free port in ${low}-${low + 2} (2 leased to sessions, 1 in use by another process); end a session, stop that process or widen ports.range`);
    });
  });
});
