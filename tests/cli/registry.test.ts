// The command registry (scripts/lib/cli/commands.mjs) is the one list of commands: make's targets and
// help, bin/kit and the build come from it. These tests hold each of them to it.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleOf, COMMANDS, type CommandSpec } from '../../scripts/lib/cli/commands.mjs';
import { optionUsage } from '../../scripts/lib/cli/usage.mjs';
import { KIT_BIN, KIT_DIR, kit, make, makeAsync } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

const commands: readonly CommandSpec[] = COMMANDS;
/** Scripts that are no command of the kit: export-schemas (run by hand with tsx), and the agents' hook (built alone by build.mjs). */
const DEV_SCRIPTS = ['export-schemas', 'hook', 'plan-runner'];

/** bin/kit ARGS without blocking; its own exit code. */
function kitAsync(cwd: string, argv: string[]): Promise<{ exit: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(KIT_BIN, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ exit: code ?? 1, stderr }));
  });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The help of one target on a help screen whose lines start with `prefix` (`make -f KIT/Makefile`, bin/kit). */
const helpRow = (screen: string, name: string, prefix = `make -f ${join(KIT_DIR, 'Makefile')}`) => new RegExp(`^  ${esc(prefix)} ${name} +(\\S.*)$`, 'm').exec(screen)?.[1];

describe('the command registry', () => {
  it('names a script that exists for every command, and every command script is in it under its own name', () => {
    for (const c of commands) expect(existsSync(join(KIT_DIR, 'scripts', `${c.script}.ts`)), `${c.name}: scripts/${c.script}.ts`).toBe(true);
    const scripts = readdirSync(join(KIT_DIR, 'scripts')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(scripts.length).toBeGreaterThan(10);
    for (const s of scripts.filter((f) => !DEV_SCRIPTS.includes(f))) {
      expect(commands.some((c) => c.script === s), `scripts/${s}.ts is the script of no registry command`).toBe(true);
      expect(readFileSync(join(KIT_DIR, 'scripts', `${s}.ts`), 'utf8')).toContain(`runCommand('${s}'`);
    }
  });

  it('every command has a make target that runs its script, and bin/kit runs the same with its own exit code', async () => {
    const dir = tempDir();
    const runs = commands.flatMap((c) => [
      makeAsync(dir, c.name, { zz_probe: 1 }).then((r) => ({ c, how: 'make', r })),
      kitAsync(dir, [c.name, 'zz_probe=1']).then((r) => ({ c, how: 'bin/kit', r })),
    ]);
    for (const { c, how, r } of await Promise.all(runs)) {
      expect(r.exit, `${how} ${c.name}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), `${how} ${c.name}`).toEqual([expect.stringMatching(new RegExp(`^${c.script}: unknown option zz_probe=; it takes `))]);
    }
    expect(existsSync(join(KIT_DIR, bundleOf(commands.find((c) => c.name === 'track') as CommandSpec)))).toBe(true);
    // sync-all is the sync script with all=1: it refuses a name, as sync would not.
    // The hint in it is written the way it works where the user is: outside a project, through bin/kit.
    expect(make(dir, 'sync-all', { name: 'x' }).stderr).toMatch(new RegExp(`^sync: all=1 \\(${esc(KIT_BIN)} sync-all\\) takes no name=`));
    expect(kit(dir, 'sync-all', { name: 'x' }).stderr).toMatch(new RegExp(`^sync: all=1 \\(${esc(KIT_BIN)} sync-all\\) takes no name=`));
  });

  it('make help and bin/kit help list every command with each of its options, and bin/kit help COMMAND explains them', () => {
    const screen = make(tempDir(), 'help');
    expect(screen.code).toBe(0);
    for (const c of commands) {
      const row = helpRow(screen.stdout, c.name);
      expect(row, `make help lists ${c.name}`).toBeDefined();
      expect(row?.startsWith(c.help)).toBe(true);
      for (const o of c.options) expect(row, `${c.name} ${o.name}`).toContain(optionUsage(o));
    }
    for (const t of ['help', 'test', 'typecheck', 'build', 'deps']) expect(helpRow(screen.stdout, t), t).toBeDefined();
    // bin/kit help: the same commands, written as bin/kit takes them (the housekeeping targets are make's).
    const viaKit = spawnSync(KIT_BIN, ['help'], { encoding: 'utf8' }).stdout;
    for (const c of commands) expect(helpRow(viaKit, c.name, KIT_BIN), c.name).toBe(helpRow(screen.stdout, c.name));
    expect(helpRow(viaKit, 'test', KIT_BIN)).toBeUndefined();
    for (const c of commands) {
      const one = spawnSync(KIT_BIN, ['help', c.name], { encoding: 'utf8' });
      expect(one.status).toBe(0);
      expect(one.stdout.split('\n')[0]).toMatch(new RegExp(`^make ${c.name}\\b`));
      for (const o of c.options) expect(one.stdout).toMatch(new RegExp(`^  ${optionUsage(o).replace(/[|[\]]/g, '\\$&')} +${o.required ? 'required: ' : ''}\\S`, 'm'));
    }
  });

  it('make help into a reader that goes away (| head, | true) stops quietly', () => {
    const r = spawnSync('sh', ['-c', `make -s -f '${join(KIT_DIR, 'Makefile')}' help | true`], { encoding: 'utf8', cwd: tempDir() });
    expect(r.stderr).toBe('');
  });

  it('bin/kit refuses an unknown command with one line and exit 2', () => {
    for (const argv of [['lsit-sessions'], ['help', 'lsit-sessions'], ['sync-al', 'name=x']]) {
      const r = spawnSync(KIT_BIN, argv, { encoding: 'utf8', cwd: tempDir() });
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr).toBe(`kit: unknown command '${argv.at(-1) === 'name=x' ? 'sync-al' : 'lsit-sessions'}'; bin/kit help lists them\n`);
    }
  });

  it('an entry whose script does not exist stops make, with one line naming it', () => {
    const copy = tempDir('kit-copy-');
    cpSync(join(KIT_DIR, 'scripts'), join(copy, 'scripts'), { recursive: true });
    cpSync(join(KIT_DIR, 'Makefile'), join(copy, 'Makefile'));
    const run = () => spawnSync('make', ['-s', '-f', join(copy, 'Makefile'), 'help'], { encoding: 'utf8', cwd: copy });
    expect(run().status, run().stderr).toBe(0);
    const registry = join(copy, 'scripts', 'lib', 'cli', 'commands.mjs');
    const text = readFileSync(registry, 'utf8');
    const ghost = "{ name: 'ghost', script: 'ghost', help: 'haunts', example: '', options: [] },\n    {\n      name: 'init',";
    expect(text).toContain("{\n      name: 'init',");
    writeFileSync(registry, text.replace("{\n      name: 'init',", ghost));
    const r = run();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/command ghost: no script scripts\/ghost\.ts/);
    expect(r.stdout).toBe('');
  });
});

describe('the Makefile', () => {
  it("never lets a command-line value stand in for the kit's own variables", () => {
    const repo = makeRepo();
    const marker = join(tempDir(), 'pwned');
    for (const v of ['KIT_DIR', 'KIT_BUNDLES', 'KIT_STAMP', 'KIT_SOURCES', 'KIT_REGISTRY']) {
      const r = make(repo, 'list-sessions', { [v]: `$(shell touch ${marker})` });
      expect(r.code, `${v}: ${r.stderr}`).toBe(0);
      expect(existsSync(marker), v).toBe(false);
    }
  });
});
