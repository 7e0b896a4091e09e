// The prebuilt bundles (scripts/build.mjs): every command runs through its door (dist/cmd/<s>.mjs), which
// runs the command's one CommonJS bundle (dist/cmd/main/<s>.cjs) through V8's code cache; and
// new-session carries neither the YAML parser nor Handlebars nor gray-matter (they are required from
// node_modules on a config or template cache miss only).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../scripts/lib/cli/commands.mjs';
import { KIT_DIR, make } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

const CMD = join(KIT_DIR, 'dist', 'cmd');
const buildOf = (file: string) => /^\/\/ kit build ([0-9a-f]{16})\n/.exec(readFileSync(file, 'utf8'))?.[1];

describe('the command bundles', () => {
  beforeAll(() => {
    expect(make(KIT_DIR, 'build').code).toBe(0);
  });

  it('each command of the registry has its door and its bundle, of one build', () => {
    const scripts = [...new Set(COMMANDS.filter((c) => !('alone' in c && c.alone)).map((c) => c.script))];
    expect(scripts.length).toBeGreaterThan(15);
    const builds = new Set<string | undefined>();
    for (const s of scripts) {
      const door = readFileSync(join(CMD, `${s}.mjs`), 'utf8');
      const id = buildOf(join(CMD, 'main', `${s}.cjs`));
      expect(id, s).toBeDefined();
      expect(door, s).toContain(`const BUILD = '${id}';`);
      expect(door, s).toContain(`const MAIN = "main/${s}.cjs";`);
      builds.add(id);
    }
    expect(builds.size).toBe(1);
    // No chunks of an older kit's ES module bundles are left.
    expect(readdirSync(CMD).filter((f) => !f.endsWith('.mjs') && f !== 'main')).toEqual([]);
  });

  it("a command's first run writes its code cache; it answers the same with it", () => {
    const id = buildOf(join(CMD, 'main', 'ports.cjs'));
    const cache = `.ports-${id}.cache`;
    const [cwd, home] = [makeRepo(), tempDir()];
    const run = () => spawnSync(process.execPath, [join(CMD, 'ports.mjs'), 'json=1'], { cwd, encoding: 'utf8', env: { ...process.env, HOME: home } });
    // Another test's run may have written it already: start without one.
    rmSync(join(CMD, 'main', cache), { force: true });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    // Its first four bytes count the writes (another test's ports run in the meantime may have added one).
    expect(readFileSync(join(CMD, 'main', cache)).readUInt32LE(0)).toBeGreaterThanOrEqual(1);
    const second = run();
    expect([second.status, second.stdout, second.stderr]).toEqual([first.status, first.stdout, first.stderr]);
    expect(readFileSync(join(CMD, 'main', cache)).length).toBeGreaterThan(10_000);
  });

  it("new-session with its caches warm loads neither yaml nor Handlebars' compiler nor gray-matter", () => {
    const text = readFileSync(join(CMD, 'main', 'new-session.cjs'), 'utf8');
    // esbuild names each module in a comment, by its path from where the build ran: they are not in the bundle.
    expect(text).toMatch(/^\/\/ (?:\S*\/)?scripts\/lib\/session\/create\.ts$/m);
    expect(text).not.toMatch(/^\/\/ (?:\S*\/)?node_modules\/(yaml|gray-matter|handlebars\/dist\/cjs\/handlebars\/compiler)\//m);
    // And the second session (config and WORK_LOG template read and cached by the first) requires none of them.
    const repo = makeRepo();
    const home = { HOME: tempDir() };
    expect(make(repo, 'init', {}, home).code).toBe(0);
    expect(make(repo, 'new-session', { name: 'warm1', component: 'server' }, home).code).toBe(0);
    const r = make(repo, 'new-session', { name: 'warm2', component: 'docs' }, { ...home, NODE_DEBUG: 'module' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^MODULE \d+:/m);
    expect(r.stderr).not.toMatch(/Module\._load REQUEST (yaml|handlebars|gray-matter)\b/);
    expect(r.stderr).not.toMatch(/handlebars\/dist\/cjs\/handlebars\/compiler/);
  });
});
