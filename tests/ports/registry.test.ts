// The machine-wide list of state folders that lease ports forgets the folders that are gone, and only those.
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeJson } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

const asRoot = process.getuid?.() === 0;

/** A registry file of the test's own, and new-session run with it. */
function registry() {
  const file = join(tempDir('kit-reg-'), 'roots');
  const env = { PARALLEL_PORT_REGISTRY: file };
  const start = (repo: string, name: string) => {
    const r = makeJson<{ port: number }>(repo, 'new-session', { name, component: 'ui', shared: 1 }, env);
    expect(r.code, r.stderr).toBe(0);
    return r.data;
  };
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { file, start, lines };
}

describe('the machine-wide port registry', () => {
  it('drops a state folder that no longer exists the next time it is read, and keeps one that cannot be looked at', () => {
    const reg = registry();
    const gone = makeRepo();
    const stays = makeRepo();
    reg.start(gone, 'one');
    reg.start(stays, 'two');
    expect(reg.lines()).toEqual([join(gone, '.parallel'), join(stays, '.parallel')]);

    // a folder whose path cannot be followed now (a symbolic link loop) is not known to be gone
    const loop = join(tempDir('kit-loop-'), 'loop');
    symlinkSync(loop, loop);
    writeFileSync(reg.file, `${reg.lines().join('\n')}\n${join(loop, '.parallel')}\n`);

    rmSync(dirname(gone), { recursive: true, force: true }); // the repository, its copies and its state folder
    reg.start(stays, 'three');
    expect(reg.lines()).toEqual([join(stays, '.parallel'), join(loop, '.parallel')]);
  });

  it.skipIf(asRoot)('keeps a state folder it has no permission to look at (not testable as root)', () => {
    const reg = registry();
    const hidden = makeRepo();
    const other = makeRepo();
    reg.start(hidden, 'one');
    chmodSync(hidden, 0o000);
    try {
      reg.start(other, 'two');
    } finally {
      chmodSync(hidden, 0o755);
    }
    expect(reg.lines()).toEqual([join(hidden, '.parallel'), join(other, '.parallel')]);
  });

  it('leaves a registry it cannot read as it is, and says that ports are then unique within the repository only', () => {
    const reg = registry();
    mkdirSync(reg.file); // something at the registry's place that is not a readable list
    const repo = makeRepo();
    const r = makeJson<{ port: number; warnings: string[] }>(repo, 'new-session', { name: 'one', component: 'ui' }, { PARALLEL_PORT_REGISTRY: reg.file });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.warnings).toEqual([`could not read the machine-wide port registry ${reg.file}; ports are unique within this repository only`]);
    expect(statSync(reg.file).isDirectory()).toBe(true);
  });
});
