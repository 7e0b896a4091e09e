// new-session leaves the state folder ready for the parsed config's cache (config/cached.ts), so that a
// repository where only new-session runs does not parse its YAML with zod at every start; a config
// changed afterwards is read afresh.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, makeRepo, withPorts } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { configCacheFile } from '../../scripts/lib/config/cached.ts';

describe('new-session and the config cache', () => {
  it('keeps the parsed config in the state folder from the first session on, and a changed config is parsed again', () => {
    const repo = makeRepo();
    const file = configCacheFile(join(repo, '.parallel'));
    expect(existsSync(file)).toBe(false);
    newSession(repo, 'one');
    expect(existsSync(file)).toBe(true);
    newSession(repo, 'two');
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { key: string; data: { ports: { range: number[] } } };
    expect(kept.data.ports.range).toHaveLength(2);
    writeFileSync(join(repo, 'parallel.config.yaml'), withPorts(DEFAULT_CONFIG, 9100, 9199));
    const three = newSession(repo, 'three');
    expect(three.port).toBeGreaterThanOrEqual(9100);
    expect(three.port).toBeLessThanOrEqual(9199);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { key: string }).key).not.toBe(kept.key);
  });
});
