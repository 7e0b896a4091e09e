// Locks under faults: never empty, an unreadable one does not stall the kit, a full disk leaves nothing behind.
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit, make } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));

describe('locks under faults', () => {
  it('an empty lock file left by a crash holds nothing up for more than a few seconds', () => {
    const repo = makeRepo();
    const lock = join(repo, '.parallel', 'locks', 'sessions.lock');
    mkdirSync(join(repo, '.parallel', 'locks'), { recursive: true });
    writeFileSync(lock, '');
    const tenSecondsAgo = new Date(Date.now() - 10_000);
    utimesSync(lock, tenSecondsAgo, tenSecondsAgo);
    const r = make(repo, 'new-session', { name: 'a', component: 'ui' });
    expect(r.code, r.stderr).toBe(0);
  });

  it('a state folder on a full disk: a one-line error, no lock and no temporary file left, and the next run works', (ctx) => {
    const dir = join(tempDir('kit-full-'), 'state');
    mkdirSync(dir);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', dir]).status !== 0) return ctx.skip('cannot mount a tmpfs here (needs root)');
    try {
      const vars = { dir, workspace: 'w', session: 's' };
      expect(kit(dir, 'track', { ...vars, event: 'start' }).exit).toBe(0);
      spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k', 'count=1000'], { stdio: 'ignore' }); // fills it up
      const before = walk(join(dir, 'w')).sort();
      const r = kit(dir, 'track', { ...vars, event: 'heartbeat', progress: 50, message: 'x'.repeat(20_000) });
      expect(r.exit).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(walk(join(dir, 'w')).sort()).toEqual(before); // no lock, no temporary file, nothing half-written
      rmSync(join(dir, 'filler'));
      const again = kit(dir, 'track', { ...vars, event: 'heartbeat', progress: 60, json: 1 });
      expect(again.exit, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).progress_pct).toBe(60);
    } finally {
      spawnSync('umount', ['-l', dir]);
    }
  });
});
