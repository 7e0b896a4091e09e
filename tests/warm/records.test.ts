// Pool records are checked by hand (no zod on new-session's path): what a well-formed record is, what is
// refused, and that readPool and wantedSize pass over what is not one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/repo.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPoolRecord, poolDir, readPool, rememberSize, wantedSize, writePoolRecord, type PoolRecord } from '../../scripts/lib/warm/records.ts';

const good: PoolRecord = { version: 1, id: 'p-1a2b', path: '/x/.pool/p-1a2b', base: 'main', sha: 'abc', state: 'ready', pid: null, host: null, at: '2026-12-01T20:00:00+00:00', reason: null };

describe('pool records', () => {
  it('accepts a record of every state, keeping only its own keys', () => {
    for (const state of ['filling', 'ready', 'busy', 'stray'] as const) expect(asPoolRecord({ ...good, state })).toEqual({ ...good, state });
    expect(asPoolRecord({ ...good, pid: 42, host: 'h', sha: null, reason: 'why' })).toEqual({ ...good, pid: 42, host: 'h', sha: null, reason: 'why' });
    expect(asPoolRecord({ ...good, extra: 1 })).toEqual(good);
  });

  it('refuses anything else', () => {
    const bad: Record<string, unknown>[] = [
      { version: 2 }, { id: 'Has Caps' }, { id: '' }, { path: '' }, { base: '' }, { base: 3 }, { sha: 1 }, { state: 'gone' },
      { pid: 0 }, { pid: -1 }, { pid: 1.5 }, { pid: '1' }, { host: 1 }, { at: null }, { reason: false },
    ];
    for (const b of bad) expect(asPoolRecord({ ...good, ...b }), JSON.stringify(b)).toBeNull();
    const { reason: _, ...missing } = good;
    for (const v of [missing, null, [], 'text', 3, undefined]) expect(asPoolRecord(v)).toBeNull();
  });

  it('readPool passes over files that are not records; wantedSize over a size file that is not one', () => {
    const root = tempDir('pool-records-');
    expect(readPool(root)).toEqual([]);
    expect(wantedSize(root, 3)).toBe(3);
    writePoolRecord(root, good);
    mkdirSync(poolDir(root), { recursive: true });
    writeFileSync(join(poolDir(root), 'broken.json'), '{"version": 1');
    writeFileSync(join(poolDir(root), 'other.json'), JSON.stringify({ ...good, id: 'p-2', state: 'lost' }));
    expect(readPool(root)).toEqual([good]);
    rememberSize(root, 0);
    expect(wantedSize(root, 3)).toBe(0);
    rememberSize(root, 5);
    expect(wantedSize(root, 3)).toBe(5);
    for (const text of ['{"version":1,"size":21}', '{"version":1,"size":-1}', '{"version":1,"size":1.5}', '{"size":2}', 'nope']) {
      writeFileSync(join(poolDir(root), 'size.json'), text);
      expect(wantedSize(root, 3), text).toBe(3);
    }
    rememberSize(root, null);
    expect(wantedSize(root, 3)).toBe(3);
  });
});
