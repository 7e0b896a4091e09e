// The guide's own commands in a project that has its own Makefile, with targets that clash with the kit's
// (`sync`, `init`): make init makefile=1 puts the kit's commands there, the project's targets stay its
// own, every copy can use them, a stray word stops make before anything runs, and the block comes out
// byte for byte. Everything goes through the real make, in the project and in a session's copy.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_BIN, KIT_DIR, make } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

const PROJECT_MAKEFILE = ['.PHONY: run test sync init', 'run:', '\t@echo project-run', 'test:', '\t@echo project-test', 'sync:', '\t@echo project-sync', 'init:', '\t@echo project-init', ''].join('\n');

/** A home of the test's own: the pointer file init writes goes there, never into the user's. */
function home(): NodeJS.ProcessEnv {
  const h = tempDir('kit-home-');
  return { HOME: h, XDG_CONFIG_HOME: join(h, '.config'), PARALLEL_KIT: undefined };
}

/** The project's own make, as a person types it in `cwd`. */
function projectMake(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync('make', ['--no-print-directory', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A command line as printed, run by a shell in `cwd` with the session's environment loaded. */
function runPrinted(cwd: string, command: string, env: NodeJS.ProcessEnv) {
  const script = `set -a; [ -f .parallel-session.env ] && . ./.parallel-session.env; set +a; ${command}`;
  const r = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function setUp() {
  const repo = makeRepo({ files: { Makefile: PROJECT_MAKEFILE } });
  const env = home();
  const r = make(repo, 'init', { makefile: 1, commit: 1 }, env);
  expect(r.code, r.stderr).toBe(0);
  return { repo, env, copy: join(`${repo}-sessions`, 'add-auth') };
}

describe("the kit's commands in the project's own Makefile", () => {
  it("work from the project's root and from a copy, and the project's own targets stay its own", () => {
    const { repo, env, copy } = setUp();
    // init committed exactly its files; the config was committed already
    expect(gitIn(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['.gitignore', 'CLAUDE.md', 'Makefile', 'WORK_LOG.md']);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    for (const t of ['run', 'test', 'sync', 'init']) expect(projectMake(repo, [t], env).stdout).toBe(`project-${t}\n`);

    const created = projectMake(repo, ['new-session', 'name=add-auth', 'component=server'], env);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stderr).not.toMatch(/warning/);
    expect(existsSync(join(copy, 'server/app.py'))).toBe(true);
    const listed = projectMake(copy, ['list-sessions', 'json=1'], env);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { name: string }) => s.name)).toEqual(['add-auth']);
    for (const args of [['sync-all'], ['monitor', 'json=1'], ['conflicts'], ['kit-sync', 'name=add-auth'], ['kit-help']]) {
      const r = projectMake(copy, args, env);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(projectMake(copy, ['sync'], env).stdout).toBe('project-sync\n');
    expect(projectMake(copy, ['kit-help'], env).stdout).toMatch(/^ {2}make kit-sync +rebase one session/m);
    expect(projectMake(copy, ['kit-nothing'], env).stderr).toMatch(/the kit has no command 'nothing'; make kit-help lists them/);
    // the rules reached the copy, in the form that works there
    const rules = readFileSync(join(copy, 'CLAUDE.md'), 'utf8');
    expect(rules).toContain('`make new-session name=NAME component=COMPONENT`');
    expect(rules).toContain('`make kit-sync name=NAME`');
  });

  it('comes out again leaving the Makefile byte for byte as before, and init commits that too', () => {
    const { repo, env } = setUp();
    // through the project's own make, whose block is the one coming out
    const r = projectMake(repo, ['kit-init', 'remove=1', 'commit=1'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(repo, 'Makefile'), 'utf8')).toBe(PROJECT_MAKEFILE);
    expect(gitIn(repo, 'show', 'HEAD:Makefile') + '\n').toBe(PROJECT_MAKEFILE);
    // the rules and init's own last line now name bin/kit: the project's make has no kit commands any more
    expect(readFileSync(join(repo, 'CLAUDE.md'), 'utf8')).toContain('`"$PARALLEL_KIT/bin/kit" sync name=NAME`');
    expect(r.stdout).toContain(`Next: ${KIT_BIN} new-session name=NAME component=COMPONENT`);
    expect(projectMake(repo, ['new-session', 'name=x', 'component=ui'], env).stderr).toMatch(/No rule to make target 'new-session'/);
  });

  it("an older kit's block (before the kit gained commands) is the kit's: init brings it up to date, remove=1 takes it out", () => {
    const { repo, env } = setUp();
    const current = readFileSync(join(repo, 'Makefile'), 'utf8');
    const older = current.replace(/^(else ifneq \(\$\(filter kit-% )([^,\n]*)(,)/m, (_, a: string, names: string, c: string) => `${a}${names.split(' ').slice(0, 5).join(' ')}${c}`);
    expect(older).not.toBe(current);
    writeFileSync(join(repo, 'Makefile'), older);
    const refreshed = make(repo, 'init', { makefile: 1 }, env);
    expect(refreshed.stdout).toMatch(/updated +Makefile/);
    expect(readFileSync(join(repo, 'Makefile'), 'utf8')).toBe(current);
    writeFileSync(join(repo, 'Makefile'), older);
    expect(make(repo, 'init', { remove: 1 }, env).code).toBe(0);
    expect(readFileSync(join(repo, 'Makefile'), 'utf8')).toBe(PROJECT_MAKEFILE);
  });

  it('a Makefile init created is deleted again', () => {
    const repo = makeRepo();
    gitIn(repo, 'rm', '-q', 'Makefile');
    gitIn(repo, 'commit', '-q', '-m', 'a project without a Makefile');
    const env = home();
    expect(make(repo, 'init', { makefile: 1 }, env).code).toBe(0);
    expect(projectMake(repo, ['list-sessions'], env).status).toBe(0);
    expect(make(repo, 'init', { remove: 1 }, env).code).toBe(0);
    expect(existsSync(join(repo, 'Makefile'))).toBe(false);
  });

  it('a half-typed command does nothing: a word that is neither a command nor key=value stops make first', () => {
    const { repo, env } = setUp();
    const viaProject = projectMake(repo, ['new-session', 'name=my', 'feature', 'component=server'], env);
    const viaKit = spawnSync('make', ['-s', '-f', join(KIT_DIR, 'Makefile'), 'new-session', 'name=my', 'feature', 'component=server'], { cwd: repo, encoding: 'utf8' });
    const viaBin = spawnSync(KIT_BIN, ['new-session', 'name=my', 'feature', 'component=server'], { cwd: repo, encoding: 'utf8' });
    for (const [how, r] of [['project', viaProject], ['make -f', { status: viaKit.status, stderr: viaKit.stderr }], ['bin/kit', { status: viaBin.status, stderr: viaBin.stderr }]] as const) {
      expect(r.status, how).toBe(2);
      expect(r.stderr.trim().split('\n'), how).toHaveLength(1);
      expect(r.stderr, how).toMatch(/feature.*quote a value that holds spaces/);
    }
    expect(gitIn(repo, 'branch', '--list', 'feature/my')).toBe('');
    expect(existsSync(join(repo, '.parallel', 'sessions', 'my'))).toBe(false);
  });

  it('without the kit found (no PARALLEL_KIT, no init on this machine) says so in one line; the project runs as before', () => {
    const { repo } = setUp();
    const stranger = home();
    const r = projectMake(repo, ['new-session', 'name=x', 'component=ui'], stranger);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^make: new-session: the parallel sessions kit is not found here; set PARALLEL_KIT to its folder/);
    expect(projectMake(repo, ['kit-list-sessions'], stranger).stderr).toMatch(/kit-list-sessions: the parallel sessions kit is not found/);
    expect(projectMake(repo, ['test'], stranger).stdout).toBe('project-test\n');
    expect(projectMake(repo, ['sync'], stranger).stdout).toBe('project-sync\n');
    // PARALLEL_KIT finds it without the pointer file
    expect(projectMake(repo, ['list-sessions'], { ...stranger, PARALLEL_KIT: KIT_DIR }).status).toBe(0);
  });
});

describe('every hint the kit prints works where it is printed', () => {
  /** The commands in a text: `make <command> ...` or `<...>/bin/kit <command> ...`, up to two spaces or a bracket. */
  const commandsIn = (text: string) => [...text.matchAll(/(?:^|[:;,(] +|\(|`)((?:make|[^\s`]*bin\/kit"?) [a-z][a-z-]*(?: [a-z_]+=(?:'[^']*'|[^\s`,;)]+))*)/gm)].map((m) => m[1] as string);

  it("through the project's make: new-session's next steps, init's, and the rules in CLAUDE.md, run in the copy", () => {
    const { repo, env, copy } = setUp();
    const created = projectMake(repo, ['new-session', 'name=add-auth', 'component=server'], env);
    expect(created.status, created.stderr).toBe(0);
    gitIn(copy, 'commit', '-q', '--allow-empty', '-m', 'work');
    const printed = commandsIn(created.stdout);
    expect(printed).toEqual([expect.stringMatching(/^make track event=heartbeat/), 'make finish-session name=add-auth', 'make kit-sync name=add-auth']);
    const rules = commandsIn(readFileSync(join(copy, 'CLAUDE.md'), 'utf8'));
    expect(rules).toContain('make conflicts');
    for (const c of [...printed, 'make conflicts', 'make monitor', 'make track']) {
      const r = runPrinted(copy, c === 'make track' ? "make track event=heartbeat message='x'" : c, env);
      expect(r.status, `${c}: ${r.stderr}`).toBe(0);
    }
    // init's own hint names the kit's init, which the project's `init` would shadow
    const again = projectMake(repo, ['kit-init'], env);
    expect(again.stdout).not.toMatch(/make init/);
  });

  it("remove=1 without commit=1: its last line names the command that commits the removal, and that command does", () => {
    const { repo, env } = setUp();
    const removed = projectMake(repo, ['kit-init', 'remove=1'], env);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).not.toMatch(/initialised/);
    const last = removed.stdout.trim().split('\n').at(-1) as string;
    expect(last).toMatch(/Makefile/);
    const printed = commandsIn(last);
    expect(printed).toEqual([`${KIT_BIN} init remove=1 commit=1`]);
    const r = runPrinted(repo, printed[0] as string, env);
    expect(r.status, r.stderr).toBe(0);
    expect(gitIn(repo, 'show', 'HEAD:Makefile') + '\n').toBe(PROJECT_MAKEFILE);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    // a Makefile init created and remove=1 deleted: the commit deletes it too
    const bare = makeRepo();
    gitIn(bare, 'rm', '-q', 'Makefile');
    gitIn(bare, 'commit', '-q', '-m', 'a project without a Makefile');
    expect(make(bare, 'init', { makefile: 1, commit: 1 }, env).code).toBe(0);
    expect(make(bare, 'init', { remove: 1 }, env).code).toBe(0);
    expect(make(bare, 'init', { remove: 1, commit: 1 }, env).code).toBe(0);
    expect(gitIn(bare, 'ls-tree', '--name-only', 'HEAD', 'Makefile')).toBe('');
    expect(gitIn(bare, 'status', '--porcelain')).toBe('');
  });

  it('without the block: bin/kit through the copy\'s PARALLEL_KIT, and an error\'s next step runs as printed', () => {
    const repo = makeRepo({ files: { Makefile: PROJECT_MAKEFILE } });
    const env = home();
    const init = make(repo, 'init', {}, env);
    const initHints = commandsIn(init.stdout);
    expect(initHints[0]).toMatch(new RegExp(`bin/kit init commit=1$`));
    expect(runPrinted(repo, initHints[0] as string, env).status).toBe(0);
    expect(gitIn(repo, 'show', '--name-only', '--format=', 'HEAD')).toContain('CLAUDE.md');
    const created = make(repo, 'new-session', { name: 'add-auth', component: 'server' }, env);
    expect(created.code, created.stderr).toBe(0);
    const copy = join(`${repo}-sessions`, 'add-auth');
    const printed = commandsIn(created.stdout);
    expect(printed[0]).toMatch(/^"\$PARALLEL_KIT\/bin\/kit" track event=heartbeat/);
    expect(runPrinted(copy, printed[0] as string, env).status).toBe(0);
    const rules = commandsIn(readFileSync(join(copy, 'CLAUDE.md'), 'utf8'));
    expect(rules).toContain('"$PARALLEL_KIT/bin/kit" conflicts');
    expect(runPrinted(copy, '"$PARALLEL_KIT/bin/kit" conflicts', env).status).toBe(0);
    // a refusal's next step, printed where the user is (the main checkout, PARALLEL_KIT unset there)
    gitIn(copy, 'commit', '-q', '--allow-empty', '-m', 'unpushed work');
    const refused = make(repo, 'end-session', { name: 'add-auth' }, env);
    expect(refused.exit).toBe(1);
    const next = commandsIn(refused.stderr).find((c) => c.includes('force=1'));
    expect(next).toBe(`${KIT_BIN} end-session name=add-auth force=1`);
    expect(runPrinted(repo, next as string, env).status).toBe(0);
    expect(existsSync(copy)).toBe(false);
  });
});
