import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock, withLockSync } from '../../scripts/lib/core/lock.mjs';
import { KIT_DIR } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';

const LOADER = join(KIT_DIR, 'node_modules/tsx/dist/loader.mjs');

function child(script: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', LOADER, '-e', script, '--', ...args], { stdio: 'inherit' });
    p.on('close', (c) => resolve(c ?? 1));
  });
}

describe('cross-process lock', () => {
  it('serializes read-modify-write across processes: no lost increment', async () => {
    const dir = tempDir();
    const counter = join(dir, 'n');
    writeFileSync(counter, '0');
    const script = `
      import { readFileSync, writeFileSync } from 'node:fs';
      import { withLockSync } from ${JSON.stringify(join(KIT_DIR, 'scripts/lib/core/lock.mjs'))};
      const [lock, file] = process.argv.slice(-2);
      for (let i = 0; i < 25; i++) withLockSync(lock, () => { const n = Number(readFileSync(file, 'utf8')); writeFileSync(file, String(n + 1)); });
    `;
    const codes = await Promise.all(Array.from({ length: 6 }, () => child(script, [join(dir, 'locks', 'x.lock'), counter])));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('150');
  });

  it('takes over a lock whose owner process is dead', async () => {
    const dir = tempDir();
    const lock = join(dir, 'dead.lock');
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), token: 'gone', at: Date.now() }));
    expect(await withLock(lock, () => 'got it', { timeoutMs: 2000 })).toBe('got it');
  });

  it('times out with a one-line message naming the holder', () => {
    const dir = tempDir();
    const lock = join(dir, 'held.lock');
    withLockSync(lock, () => {
      expect(() => withLockSync(lock, () => 0, { timeoutMs: 100 })).toThrow(/timed out waiting for the lock .*held by pid \d+/);
    });
  });
});
