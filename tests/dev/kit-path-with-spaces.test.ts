// The kit installed under a folder whose name has spaces works through make -f, make -C and bin/kit.
import { cpSync, mkdirSync, symlinkSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

describe('a kit folder with spaces', () => {
  it('builds and runs its commands', () => {
    const kit = join(tempDir('kit-spaces-'), 'my tools', 'parallel kit');
    mkdirSync(kit, { recursive: true });
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: KIT_DIR, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
    for (const f of files) cpSync(join(KIT_DIR, f), join(kit, f), { recursive: true });
    symlinkSync(join(KIT_DIR, 'node_modules'), join(kit, 'node_modules')); // installed already: no npm here
    const old = new Date(0);
    for (const f of ['package.json', 'package-lock.json']) utimesSync(join(kit, f), old, old);
    const repo = makeRepo();
    const run = (cmd: string, args: string[], cwd = repo) => spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
    const made = run('make', ['-s', '-f', join(kit, 'Makefile'), 'new-session', 'name=a', 'component=ui']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/session a is ready/);
    const listed = run('make', ['-s', '-C', kit, 'list-sessions', `repo=${repo}`, 'json=1'], '/');
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { name: string }) => s.name)).toEqual(['a']);
    const ended = run(join(kit, 'bin', 'kit'), ['end-session', 'name=a']);
    expect(ended.status, ended.stderr).toBe(0);
    expect(run('make', ['-s', '-f', join(kit, 'Makefile'), 'help']).stdout).toMatch(/^  make -f '[^']*\/my tools\/parallel kit\/Makefile' new-session +start a session/m);
  });
});
