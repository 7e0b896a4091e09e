// Ports are leased machine-wide: sessions of different repositories started at the same moment, or of
// another workspace of the same repository, never get the same port.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAsync, makeJson } from '../helpers/make.ts';
import { freePortRange } from '../helpers/ports.ts';
import { commitFiles, DEFAULT_CONFIG, makeRepo } from '../helpers/repo.ts';

const withRange = (low: number, high: number, extra = '') => DEFAULT_CONFIG.replace('8001-8099', `${low}-${high}`) + extra;

describe('machine-wide port leases', () => {
  it('six repositories starting a session at the same moment get six different ports', async () => {
    const low = await freePortRange(12);
    const repos = Array.from({ length: 6 }, () => makeRepo({ config: withRange(low, low + 12) }));
    const results = await Promise.all(repos.map((repo) => makeAsync(repo, 'new-session', { name: 'same', component: 'ui', json: 1 })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ports = results.map((r) => (JSON.parse(r.stdout) as { port: number }).port);
    expect(new Set(ports).size).toBe(6);
  });

  it('a changed workspace: key does not lease again a port a live session of the old workspace holds', async () => {
    const low = await freePortRange(4);
    const repo = makeRepo({ config: withRange(low, low + 4) });
    const first = makeJson<{ port: number }>(repo, 'new-session', { name: 'one', component: 'ui' });
    expect(first.code, first.stderr).toBe(0);
    const config = readFileSync(join(repo, 'parallel.config.yaml'), 'utf8').replace('workspace: sessions', 'workspace: other');
    writeFileSync(join(repo, 'parallel.config.yaml'), config);
    commitFiles(repo, { 'parallel.config.yaml': config }, 'another workspace');
    const second = makeJson<{ port: number }>(repo, 'new-session', { name: 'two', component: 'ui' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.data.port).not.toBe(first.data.port);
  });
});
