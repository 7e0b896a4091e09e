// repo= and dir= as the user typed them: ~ is HOME, a relative path is from the user's folder, and under
// make -C (which leaves that folder) a relative path is refused instead of being read from the kit's folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KIT_BIN, KIT_DIR, MAKEFILE } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

interface Ran {
  /** The command's own exit code (make's "Error N", or the program's). */
  exit: number;
  stdout: string;
  stderr: string;
}

/** Runs a program in `cwd` as a shell there would: PWD is that folder. */
function runIn(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, PWD: cwd, ...env }, timeout: 120_000 });
  const made = /^make(?:\[\d+\])?: \*\*\* \[.*\] Error (\d+)$/m.exec(r.stderr);
  return { exit: r.status === 0 ? 0 : made ? Number(made[1]) : (r.status ?? 1), stdout: r.stdout, stderr: r.stderr.replace(/^make(\[\d+\])?: \*\*\* .*\n?/gm, '') };
}
const makeC = (cwd: string, args: string[], env?: NodeJS.ProcessEnv) => runIn(cwd, 'make', ['-s', '--no-print-directory', '-C', KIT_DIR, ...args], env);
const makeF = (cwd: string, args: string[], env?: NodeJS.ProcessEnv) => runIn(cwd, 'make', ['-s', '--no-print-directory', '-f', MAKEFILE, ...args], env);
const names = (r: Ran) => (JSON.parse(r.stdout) as { name: string }[]).map((s) => s.name);
const kitStatus = () => gitIn(KIT_DIR, 'status', '--porcelain', '--untracked-files=all');

describe('path options', () => {
  // <tmp>/repo with one session; its parent is where the user stands.
  let repo: string;
  let parent: string;
  beforeAll(() => {
    repo = makeRepo();
    parent = dirname(repo);
    newSession(repo, 'a');
  });

  it('make -C KIT refuses a relative repo= with one line, and writes nothing anywhere', () => {
    const before = kitStatus();
    const listed = makeC(parent, ['list-sessions', 'repo=repo']);
    expect(listed.exit).toBe(2);
    expect(listed.stderr.trim()).toBe('list-sessions: repo=repo is relative and make -C changed the folder; pass an absolute path (repo=/abs/... or repo=~/...)');
    expect(listed.stdout).toBe('');
    const target = makeRepo({ config: null });
    const inited = makeC(dirname(target), ['init', `repo=../${basename(dirname(target))}/repo`]);
    expect(inited.exit).toBe(2);
    expect(inited.stderr).toMatch(/^init: repo=\.\.\/.*\/repo is relative and make -C changed the folder; pass an absolute path/);
    for (const f of ['parallel.config.yaml', 'WORK_LOG.md', 'CLAUDE.md', '.parallel']) expect(existsSync(join(target, f)), f).toBe(false);
    expect(gitIn(target, 'status', '--porcelain')).toBe('');
    expect(makeC(repo, ['list-sessions', 'repo=.']).exit).toBe(2); // even "here" is the kit's folder to make -C
    expect(kitStatus()).toBe(before);
  });

  it('make -C KIT refuses a relative dir= for track and monitor, and makes no state folder', () => {
    const before = kitStatus();
    const where = tempDir();
    const state = `state-${process.pid}`;
    const track = makeC(where, ['track', `dir=${state}`, 'workspace=w', 'session=s', 'event=start']);
    const strayed = existsSync(join(KIT_DIR, state));
    rmSync(join(KIT_DIR, state), { recursive: true, force: true }); // the old way's state folder, never left in the kit
    expect(strayed).toBe(false);
    expect(track.exit).toBe(2);
    expect(track.stderr.trim()).toBe(`track: dir=${state} is relative and make -C changed the folder; pass an absolute path (dir=/abs/... or dir=~/...)`);
    expect(makeC(where, ['monitor', `dir=${state}`]).stderr).toMatch(/^monitor: dir=state-\d+ is relative and make -C/);
    expect(readdirSync(where)).toEqual([]);
    expect(kitStatus()).toBe(before);
    // an absolute one is fine under make -C
    expect(makeC(where, ['track', `dir=${join(where, state)}`, 'workspace=w', 'session=s', 'event=start']).exit).toBe(0);
    expect(existsSync(join(where, state, 'w', 's', 'status.json'))).toBe(true);
  });

  it('make -f KIT/Makefile reads a relative repo= from the folder it was run in', () => {
    const r = makeF(parent, ['list-sessions', 'repo=repo', 'json=1']);
    expect(r.exit, r.stderr).toBe(0);
    expect(names(r)).toEqual(['a']);
    const sub = makeF(join(repo, 'server'), ['list-sessions', 'repo=../ui', 'json=1']);
    expect(names(sub)).toEqual(['a']);
    expect(makeF(parent, ['list-sessions', 'repo=nope']).stderr).toMatch(new RegExp(`^list-sessions: repo=${join(parent, 'nope')}: no such folder`));
  });

  it('repo="~/..." is the HOME of the command, under make -f, make -C and bin/kit', () => {
    const home = { HOME: parent };
    const elsewhere = tempDir();
    for (const r of [makeF(elsewhere, ['list-sessions', 'repo=~/repo', 'json=1'], home), makeC(elsewhere, ['list-sessions', 'repo=~/repo', 'json=1'], home), runIn(elsewhere, KIT_BIN, ['list-sessions', 'repo=~/repo', 'json=1'], home)]) {
      expect(r.exit, r.stderr).toBe(0);
      expect(names(r)).toEqual(['a']);
    }
    const lone = makeF(elsewhere, ['list-sessions', 'repo=~', 'json=1'], { HOME: repo });
    expect(names(lone)).toEqual(['a']);
    const other = runIn(elsewhere, KIT_BIN, ['list-sessions', 'repo=~someone/repo']);
    expect(other.exit).toBe(2);
    expect(other.stderr).toMatch(/^list-sessions: repo=~someone\/repo: only ~ and ~\/ are expanded/);
  });

  it('bin/kit reads relative paths from the folder it was run in, whatever make ran it', () => {
    const r = runIn(parent, KIT_BIN, ['list-sessions', 'repo=repo', 'json=1']);
    expect(r.exit, r.stderr).toBe(0);
    expect(names(r)).toEqual(['a']);
    // inside a make recipe that runs in the user's folder: bin/kit is not fooled by the make around it
    const outer = join(tempDir(), 'outer');
    mkdirSync(outer);
    const viaMake = runIn(parent, KIT_BIN, ['list-sessions', 'repo=repo', 'json=1'], { MAKELEVEL: '1', PWD: outer });
    expect(names(viaMake)).toEqual(['a']);
    const where = tempDir();
    const track = runIn(where, KIT_BIN, ['track', 'dir=state', 'workspace=w', 'session=s', 'event=start']);
    expect(track.exit, track.stderr).toBe(0);
    expect(existsSync(join(where, 'state', 'w', 's', 'status.json'))).toBe(true);
  });
});
