import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PortRow } from '../../scripts/lib/ports/leases.ts';
import { make, makeJson } from '../helpers/make.ts';
import { repoWithFreePorts, spawnServer } from '../helpers/ports.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const linux = process.platform === 'linux';

function ports(repo: string): PortRow[] {
  const r = makeJson<PortRow[]>(repo, 'ports');
  expect(r.code, r.stderr).toBe(0);
  return r.data;
}

describe('make ports', () => {
  it('reports no leases in a repository without sessions', () => {
    const repo = makeRepo();
    expect(ports(repo)).toEqual([]);
    const r = make(repo, 'ports');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no ports leased/);
  });

  it.skipIf(!linux)('flags a leased port held by a foreign process, and tells free and own holders apart', async () => {
    // a range of its own, so that no other test file's server lands on these ports meanwhile
    const { repo, low } = await repoWithFreePorts(5);
    const alpha = newSession(repo, 'alpha', { component: 'server', shared: 0 });
    const beta = newSession(repo, 'beta', { component: 'ui', shared: 0 });
    expect([alpha.port, beta.port]).toEqual([low, low + 1]);

    const before = ports(repo);
    expect(before.map((r) => [r.session, r.port, r.in_use, r.flag, r.holders])).toEqual([
      ['alpha', alpha.port, false, 'free', []],
      ['beta', beta.port, false, 'free', []],
    ]);

    const foreign = await spawnServer(alpha.port, tempDir('kit-foreign-'));
    const own = await spawnServer(beta.port, join(beta.path!, 'ui'));
    try {
      const rows = ports(repo);
      const a = rows.find((r) => r.session === 'alpha');
      const b = rows.find((r) => r.session === 'beta');
      expect(a).toMatchObject({ port: alpha.port, branch: 'feature/alpha', path: alpha.path, in_use: true, flag: 'foreign', note: `held by pid ${foreign.pid} (node) outside the session` });
      expect(a?.holders.map((h) => h.pid)).toEqual([foreign.pid]);
      expect(b).toMatchObject({ port: beta.port, in_use: true, flag: 'ok' });
      expect(b?.holders[0]).toMatchObject({ pid: own.pid, cwd: join(beta.path!, 'ui') });

      const table = make(repo, 'ports');
      expect(table.code, table.stderr).toBe(0);
      const lines = table.stdout.split('\n');
      expect(lines[0]).toMatch(/^PORT\s+SESSION\s+IN-USE\s+PID\s+COMMAND\s+NOTE$/);
      expect(lines.find((l) => l.startsWith(`${alpha.port} `))).toMatch(new RegExp(`alpha\\s+yes\\s+${foreign.pid}\\s+node\\s+FOREIGN: held by pid ${foreign.pid} \\(node\\) outside the session`));
      expect(table.stdout).toMatch(/1 lease needs attention/);
    } finally {
      await foreign.stop();
      await own.stop();
    }
    expect(ports(repo).map((r) => r.flag)).toEqual(['free', 'free']);

    // a lease two sessions share should never happen; when a record says so, both rows are flagged
    const recordFile = join(repo, '.parallel/sessions/beta/session.json');
    writeFileSync(recordFile, JSON.stringify({ ...JSON.parse(readFileSync(recordFile, 'utf8')), port: alpha.port }));
    const dup = ports(repo);
    expect(dup.map((r) => [r.session, r.flag])).toEqual([
      ['alpha', 'duplicate'],
      ['beta', 'duplicate'],
    ]);
    expect(dup[0]?.note).toMatch(/also leased to 'beta'/);

    // an ended session's port is no longer leased
    expect(make(repo, 'end-session', { name: 'alpha' }).code).toBe(0);
    expect(ports(repo).map((r) => r.session)).toEqual(['beta']);
  });

  it('fails with exit 2 and one line for a bad config or option', () => {
    const repo = makeRepo({ config: 'ports: { range: 9000-10 }\n' });
    const r = make(repo, 'ports');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/parallel\.config\.yaml: ports\.range/);
    const bad = make(makeRepo(), 'ports', { colour: 'red' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option colour=/);
  });
});
