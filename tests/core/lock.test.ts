import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
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
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), token: 'gone', at: Date.now() }));
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

/** A copy of the kit's plain-Node steps in a folder of its own, so that its lock files are the test's alone. */
function kitCopy(): string {
  const kit = tempDir('kit-copy-');
  cpSync(join(KIT_DIR, 'scripts'), join(kit, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(KIT_DIR, f), join(kit, f));
  return kit;
}

/** A live process that is not the test, and a lock file in its name made an hour ago (far older than any stale limit). */
function heldByLiveProcess(lock: string): ChildProcess {
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: hostname(), token: 'live-holder', at: Date.now() - 3_600_000 }));
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(lock, hourAgo, hourAgo);
  return holder;
}

function run(script: string): { child: ChildProcess; exited: Promise<number>; stderr: () => string } {
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { child, exited, stderr: () => stderr };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stillRunning = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

describe('the install and build steps share the careful lock', () => {
  it('the build waits for a build lock whose owner is alive, however old, and takes it over once the owner is dead', async () => {
    const kit = kitCopy();
    symlinkSync(join(KIT_DIR, 'node_modules'), join(kit, 'node_modules'));
    const lock = join(kit, '.build.lock');
    const holder = heldByLiveProcess(lock);
    const build = run(join(kit, 'scripts', 'build.mjs'));
    try {
      await pause(1500);
      expect(stillRunning(build.child), build.stderr()).toBe(true);
      expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe('live-holder');
      expect(existsSync(join(kit, 'dist', '.built'))).toBe(false);
      holder.kill('SIGKILL');
      expect(await build.exited, build.stderr()).toBe(0);
      expect(existsSync(join(kit, 'dist', '.built'))).toBe(true);
      expect(existsSync(join(kit, 'dist', 'track.mjs'))).toBe(true);
      expect(existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
      build.child.kill('SIGKILL');
    }
  });

  it('the install waits for a live installer, then finds its work done once that one has ended', async () => {
    const kit = kitCopy();
    mkdirSync(join(kit, 'node_modules'));
    const lock = join(kit, '.install.lock');
    const holder = heldByLiveProcess(lock);
    const install = run(join(kit, 'scripts', 'install-deps.mjs'));
    try {
      await pause(1500);
      expect(stillRunning(install.child), install.stderr()).toBe(true);
      expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe('live-holder');
      // The holder finishes its install (the stamp), then dies without removing its lock.
      writeFileSync(join(kit, 'node_modules', '.kit-installed'), 'done by the holder\n');
      holder.kill('SIGKILL');
      expect(await install.exited, install.stderr()).toBe(0);
      expect(install.stderr()).not.toMatch(/npm ci/);
      expect(readFileSync(join(kit, 'node_modules', '.kit-installed'), 'utf8')).toBe('done by the holder\n');
      expect(existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
      install.child.kill('SIGKILL');
    }
  });
});
