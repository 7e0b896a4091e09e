// init's files reach every copy: commit=1 commits exactly what init made or changed, and nothing else;
// without it init says what to commit, and new-session warns while the base lacks them. On a terminal
// init asks whether to add the Makefile block.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPrinted, KIT_DIR, make } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

const home = () => {
  const h = tempDir('kit-home-');
  return { HOME: h, XDG_CONFIG_HOME: join(h, '.config') };
};

describe('make init commit=1', () => {
  it("commits init's change and nothing else: not what is staged, not a person's own edits in the same file", () => {
    const repo = makeRepo({ config: null });
    writeFileSync(join(repo, 'other.txt'), 'staged by someone\n');
    gitIn(repo, 'add', 'other.txt');
    const committedIgnore = readFileSync(join(repo, '.gitignore'), 'utf8');
    writeFileSync(join(repo, '.gitignore'), `${committedIgnore}my-own-line\n`);
    writeFileSync(join(repo, 'server/app.py'), 'print("edited")\n');
    const before = gitIn(repo, 'rev-parse', 'HEAD');
    const r = make(repo, 'init', { commit: 1 }, home());
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(repo, 'rev-parse', 'HEAD~1')).toBe(before);
    expect(gitIn(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['.gitignore', 'CLAUDE.md', 'WORK_LOG.md', 'parallel.config.yaml']);
    expect(gitIn(repo, 'show', 'HEAD:.gitignore') + '\n').toBe(`${committedIgnore}.parallel-session.env\n`);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe(`${committedIgnore}my-own-line\n.parallel-session.env\n`);
    // still staged, and still only in the working tree
    expect(gitIn(repo, 'diff', '--cached', '--name-only')).toBe('other.txt');
    expect(gitIn(repo, 'diff', '--name-only').split('\n')).toEqual(['.gitignore', 'server/app.py']);
    expect(r.stdout).toMatch(/committed [0-9a-f]{12} on the current branch/);
  });

  it("without it, says which files and the command; new-session warns until they are committed", () => {
    const repo = makeRepo({ config: null });
    const env = home();
    const r = make(repo, 'init', {}, env);
    const last = r.stdout.trim().split('\n').at(-1) as string;
    expect(last).toBe(asPrinted("new copies get these files only once they are committed (agents read CLAUDE.md in their copy): make init commit=1 commits parallel.config.yaml .gitignore WORK_LOG.md CLAUDE.md and nothing else"));
    const first = make(repo, 'new-session', { name: 'a', component: 'server' }, env);
    expect(first.code, first.stderr).toBe(0);
    const warnings = first.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual([asPrinted("new-session: warning: main has no committed parallel.config.yaml and no CLAUDE.md's Parallel sessions section, so this copy lacks them and its agent does not see the rules; make init commit=1 commits them for the next sessions")]);
    expect(make(repo, 'init', { commit: 1 }, env).code).toBe(0);
    const second = make(repo, 'new-session', { name: 'b', component: 'ui' }, env);
    expect(second.stderr).not.toMatch(/warning/);
    expect(readFileSync(join(`${repo}-sessions`, 'b', 'CLAUDE.md'), 'utf8')).toContain('## Parallel sessions');
  });

  it('a CLAUDE.md that links to AGENTS.md stays a link: the rules go into AGENTS.md, in the commit too, and new-session sees them', () => {
    const repo = makeRepo({ config: null });
    writeFileSync(join(repo, 'AGENTS.md'), '# Agents\n\nBe nice.\n');
    symlinkSync('AGENTS.md', join(repo, 'CLAUDE.md'));
    gitIn(repo, 'add', 'AGENTS.md', 'CLAUDE.md');
    gitIn(repo, 'commit', '-q', '-m', 'one file of rules for every agent');
    const env = home();
    const r = make(repo, 'init', { commit: 1 }, env);
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    expect(gitIn(repo, 'ls-tree', 'HEAD', 'CLAUDE.md')).toMatch(/^120000 /);
    expect(gitIn(repo, 'show', 'HEAD:AGENTS.md')).toMatch(/^# Agents\n\nBe nice\.\n[^]*## Parallel sessions/);
    const s = make(repo, 'new-session', { name: 'a', component: 'server' }, env);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).not.toMatch(/warning/);
    expect(readFileSync(join(`${repo}-sessions`, 'a', 'CLAUDE.md'), 'utf8')).toContain('## Parallel sessions');
  });

  it("the rules also go into the AGENTS.md and GEMINI.md a repository has (what Codex, OpenCode and Gemini read), never into a new one", () => {
    const repo = makeRepo({ config: null });
    writeFileSync(join(repo, 'AGENTS.md'), '# Agents\n');
    gitIn(repo, 'add', 'AGENTS.md');
    gitIn(repo, 'commit', '-q', '-m', 'rules for codex');
    const env = home();
    expect(make(repo, 'init', { commit: 1 }, env).code).toBe(0);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    expect(gitIn(repo, 'show', 'HEAD:AGENTS.md')).toMatch(/^# Agents\n\n<!-- parallel-kit:begin[^]*## Parallel sessions/);
    expect(existsSync(join(repo, 'GEMINI.md'))).toBe(false);
    expect(make(repo, 'new-session', { name: 'a', component: 'server' }, env).code).toBe(0);
    expect(readFileSync(join(`${repo}-sessions`, 'a', 'AGENTS.md'), 'utf8')).toContain('## Parallel sessions');
  });

  it('leaves a section someone edited as it is, and says so', () => {
    const repo = makeRepo();
    const env = home();
    make(repo, 'init', {}, env);
    const edited = readFileSync(join(repo, 'CLAUDE.md'), 'utf8').replace('Several AI sessions', 'Several AI sessions (and Ann)');
    writeFileSync(join(repo, 'CLAUDE.md'), edited);
    const r = make(repo, 'init', { makefile: 1 }, env);
    expect(r.stdout).toMatch(/unchanged +CLAUDE\.md: its Parallel sessions section was edited by hand; left as it is/);
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toBe(edited);
  });

  it('rewrites its own section when the Makefile block changes the form of the commands', () => {
    const repo = makeRepo();
    const env = home();
    make(repo, 'init', {}, env);
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toContain('`"$PARALLEL_KIT/bin/kit" sync name=NAME`');
    make(repo, 'init', { makefile: 1 }, env);
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toContain('`make kit-sync name=NAME`'); // the project has a sync of its own
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toContain('`make conflicts`');
    make(repo, 'init', { remove: 1 }, env);
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toContain('`"$PARALLEL_KIT/bin/kit" sync name=NAME`');
  });

  it('asks on a terminal whether to add the Makefile block', () => {
    const repo = makeRepo();
    const env = { ...process.env, ...home() };
    const typed = `make -s -f '${join(KIT_DIR, 'Makefile')}' init`;
    const r = spawnSync('script', ['-qec', typed, '/dev/null'], { cwd: repo, input: 'y\n', encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Add the kit's commands to the project's Makefile, so that make new-session \.\.\. works in the project and its copies\? \[y\/N\]/);
    expect(readFileSync(join(repo, 'Makefile'), 'utf8')).toMatch(/\t@echo project-init\n\n# >>> parallel-kit >>>/);
  });
});
