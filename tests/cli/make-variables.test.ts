// make's command-line variables reach the command that make ran, and nothing further: not the setup or
// test commands it runs, not a bin/kit called from another make's recipe.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_BIN, make } from '../helpers/make.ts';
import { DEFAULT_CONFIG, makeRepo, writeFiles } from '../helpers/repo.ts';

describe("make's variables stay with the kit's own command", () => {
  it('the setup command does not inherit MAKEFLAGS (a project make would see name= as an override)', () => {
    const repo = makeRepo({ config: `${DEFAULT_CONFIG}setup: "env > setup-env.txt"\n` });
    const r = make(repo, 'new-session', { name: 'login', component: 'ui' });
    expect(r.code, r.stderr).toBe(0);
    const seen = readFileSync(join(repo, '..', 'repo-sessions', 'login', 'setup-env.txt'), 'utf8');
    expect(seen).not.toMatch(/^(MAKEFLAGS|MFLAGS|MAKELEVEL)=/m);
    expect(seen).not.toContain('name=login');
    expect(seen).toMatch(/^PARALLEL_SESSION=login$/m);
  });

  it("bin/kit in another make's recipe reads only its own arguments: force=1 given to that make does not reach it", () => {
    const repo = makeRepo();
    expect(make(repo, 'new-session', { name: 'wip', component: 'ui' }).code).toBe(0);
    const copy = join(repo, '..', 'repo-sessions', 'wip');
    writeFiles(copy, { 'ui/app.js': 'console.log("a day of work")\n' });
    writeFileSync(join(repo, 'Makefile.ops'), 'cleanup:\n\t"$(KIT)" end-session name=$(S)\n');
    const r = spawnSync('make', ['-s', '-f', 'Makefile.ops', 'cleanup', 'S=wip', 'force=1', `KIT=${KIT_BIN}`], { cwd: repo, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/uncommitted/);
    expect(readFileSync(join(copy, 'ui', 'app.js'), 'utf8')).toBe('console.log("a day of work")\n');
    expect(existsSync(copy)).toBe(true);
  });
});
