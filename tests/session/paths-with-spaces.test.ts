// Paths with spaces: what new-session prints and writes can be pasted into a shell as it is.
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

describe('paths with spaces', () => {
  it('the printed "Load its environment" command and the env file header work as pasted', () => {
    const made = makeRepo();
    const parent = join(dirname(made), 'my projects');
    mkdirSync(parent);
    const repo = join(parent, 'the repo');
    renameSync(made, repo);
    const r = make(repo, 'new-session', { name: 'a', component: 'ui' });
    expect(r.code, r.stderr).toBe(0);
    const load = /^Load its environment:\s+(.+)$/m.exec(r.stdout)?.[1];
    expect(load).toBeTruthy();
    const out = spawnSync('/bin/sh', ['-c', `${load} && echo "$PORT $PARALLEL_SESSION"`], { cwd: '/', encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toMatch(/^\d+ a$/);
    const envFile = join(parent, 'the repo-sessions', 'a', '.parallel-session.env');
    const header = /^# session a: load with\s+(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
    const viaHeader = spawnSync('/bin/sh', ['-c', `${header} && echo "$PARALLEL_SESSION"`], { cwd: '/', encoding: 'utf8' });
    expect(viaHeader.stdout.trim()).toBe('a');
  });
});
