// Atomic writes: never a half file, never a temporary file left behind, links and modes kept.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../scripts/lib/core/files.ts';
import { tempDir } from '../helpers/repo.ts';

/** Runs fn on a 64 KiB tmpfs (root only): a real full disk. False where mounting is not allowed. */
export function onTinyFileSystem(fn: (dir: string) => void): boolean {
  const dir = join(tempDir('kit-full-'), 'fs');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return false;
  try {
    fn(dir);
  } finally {
    spawnSync('umount', ['-l', dir]);
  }
  return true;
}

describe('writeFileAtomic', () => {
  it('on a full disk: throws, leaves the old file whole and no temporary file', (ctx) => {
    const mounted = onTinyFileSystem((fs) => {
      const file = join(fs, 'status.json');
      writeFileAtomic(file, '{"ok":true}\n');
      expect(() => writeFileAtomic(file, 'x'.repeat(200_000))).toThrow(/ENOSPC|no space/i);
      expect(readFileSync(file, 'utf8')).toBe('{"ok":true}\n');
      expect(readdirSync(fs)).toEqual(['status.json']);
    });
    if (!mounted) ctx.skip('cannot mount a tmpfs here (needs root); the full-disk case is not checked');
  });

  it('when the rename fails: no temporary file is left', () => {
    const dir = tempDir();
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true }); // a non-empty folder: rename onto it fails
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('writes through a symlink, which stays a link, and keeps the file mode', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'shared'));
    const real = join(dir, 'shared', 'WORK_LOG.md');
    writeFileSync(real, 'old\n');
    chmodSync(real, 0o640);
    const link = join(dir, 'WORK_LOG.md');
    symlinkSync(join('shared', 'WORK_LOG.md'), link);
    writeFileAtomic(link, 'new\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('shared', 'WORK_LOG.md'));
    expect(readFileSync(real, 'utf8')).toBe('new\n');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'shared'))).toEqual(['WORK_LOG.md']);
  });
});
