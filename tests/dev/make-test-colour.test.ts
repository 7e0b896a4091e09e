// `make test > file` writes no colour codes: vitest colours whatever stdout is unless NO_COLOR is set, so
// the Makefile's test recipe sets it when stdout is not a terminal (FORCE_COLOR and NO_COLOR decide
// first). Run here on a stand-in kit: the real Makefile, the real tsc and vitest, a one-test project.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR, MAKEFILE } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';

const SGR = /\u001b\[[0-9;]*m/;
/** util-linux's script(1) gives the command a terminal (its options differ elsewhere). */
const hasScript = /util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '');

/** A kit folder whose `make test` type-checks one file and runs one test, with nothing to build first. */
function standInKit(): string {
  const kit = tempDir('kit-colour-');
  const files: Record<string, string> = {
    'package.json': '{}\n',
    'package-lock.json': '{}\n',
    'scripts/lib/cli/commands.mjs': '',
    'scripts/lib/cli/usage.mjs': '',
    'scripts/commands-mk.mjs': '',
    'ok.ts': 'export const ok: number = 1;\n',
    'tsconfig.json': '{ "compilerOptions": { "strict": true, "noEmit": true, "types": [], "skipLibCheck": true }, "files": ["ok.ts"] }\n',
    'vitest.config.mjs': "export default { test: { globals: true, include: ['ok.test.mjs'] } };\n",
    'ok.test.mjs': "test('ok', () => expect(1).toBe(1));\n",
    'node_modules/.kit-installed': '',
    'dist/commands.mk': '',
    'dist/.built': '',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(kit, rel, '..'), { recursive: true });
    writeFileSync(join(kit, rel), text);
  }
  copyFileSync(MAKEFILE, join(kit, 'Makefile'));
  mkdirSync(join(kit, 'node_modules/.bin'));
  for (const bin of ['tsc', 'vitest']) symlinkSync(join(KIT_DIR, 'node_modules/.bin', bin), join(kit, 'node_modules/.bin', bin));
  // sources, then the install stamp, then the built files: make has nothing to redo
  const at = (s: number) => new Date(s * 1000);
  for (const f of ['Makefile', 'package.json', 'package-lock.json', 'scripts/lib/cli/commands.mjs', 'scripts/lib/cli/usage.mjs', 'scripts/commands-mk.mjs']) utimesSync(join(kit, f), at(1000), at(1000));
  utimesSync(join(kit, 'node_modules/.kit-installed'), at(2000), at(2000));
  for (const f of ['dist/commands.mk', 'dist/.built']) utimesSync(join(kit, f), at(3000), at(3000));
  return kit;
}

/** `make test` of the stand-in, its stdout a pipe, or a terminal (through script); NO_COLOR and FORCE_COLOR only as given. */
function makeTest(kit: string, env: Record<string, string>, terminal = false): Promise<{ code: number | null; out: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const argv = ['-s', '--no-print-directory', '-f', join(kit, 'Makefile'), 'test'];
  const [cmd, args] = terminal ? ['script', ['-qec', `make ${argv.map((a) => `'${a}'`).join(' ')}`, '/dev/null']] : ['make', argv];
  return new Promise((resolve) => {
    const child = spawn(cmd as string, args as string[], { cwd: kit, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('make test and colour', () => {
  it('into a pipe or a file: no colour codes, unless FORCE_COLOR asks for them (FORCE_COLOR=0 does not)', async () => {
    const kit = standInKit();
    const [plain, forced, forcedOff, both] = await Promise.all([makeTest(kit, {}), makeTest(kit, { FORCE_COLOR: '1' }), makeTest(kit, { FORCE_COLOR: '0' }), makeTest(kit, { FORCE_COLOR: '1', NO_COLOR: '1' })]);
    for (const r of [plain, forced, forcedOff, both]) {
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/1 passed/);
    }
    expect(plain.out).not.toContain('\u001b');
    expect(forcedOff.out).not.toContain('\u001b');
    expect(both.out).not.toContain('\u001b');
    expect(forced.out).toMatch(SGR);
  });

  it.skipIf(!hasScript)('on a terminal: colour, unless NO_COLOR is set', async () => {
    const kit = standInKit();
    const [tty, noColor] = await Promise.all([makeTest(kit, {}, true), makeTest(kit, { NO_COLOR: '1' }, true)]);
    for (const r of [tty, noColor]) {
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/1 passed/);
    }
    expect(tty.out).toMatch(SGR);
    expect(noColor.out).not.toMatch(SGR); // vitest still moves the cursor on a terminal: that is not colour
  });
});
