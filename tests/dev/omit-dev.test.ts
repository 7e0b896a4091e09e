// The commands need only package.json's dependencies: a copy of the kit installed without its
// devDependencies (npm's omit=dev, which the kit's own `npm ci` honours) runs the demo and a
// session's whole life. The install comes from npm's cache when it can (prefer-offline).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR } from '../helpers/make.ts';
import { gitIn, tempDir } from '../helpers/repo.ts';

const pkg = JSON.parse(readFileSync(join(KIT_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The kit's files as git sees them (tracked, or new and not ignored): no node_modules, no dist. */
function copyKit(): string {
  const kit = join(tempDir('kit-omit-dev-'), 'kit');
  const files = gitIn(KIT_DIR, 'ls-files', '--cached', '--others', '--exclude-standard', '-z').split('\0').filter(Boolean);
  for (const f of files) {
    const from = join(KIT_DIR, f);
    if (!existsSync(from)) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(kit, f)), { recursive: true });
    copyFileSync(from, join(kit, f));
    if (statSync(from).mode & 0o111) spawnSync('chmod', ['+x', join(kit, f)]);
  }
  return kit;
}

const ENV = { npm_config_omit: 'dev', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

function makeIn(cwd: string, kit: string, target: string, ...vars: string[]) {
  const r = spawnSync('make', ['-s', '--no-print-directory', '-f', join(kit, 'Makefile'), target, ...vars], { cwd, encoding: 'utf8', env: { ...process.env, ...ENV }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('an install without devDependencies', () => {
  it('runs make demo and a session from init to end-session', () => {
    const kit = copyKit();
    expect(existsSync(join(kit, 'node_modules'))).toBe(false);
    const started = Date.now();
    const deps = makeIn(kit, kit, 'deps');
    expect(deps.code, deps.stderr).toBe(0);
    const installed = Date.now();
    for (const name of Object.keys(pkg.devDependencies)) expect(existsSync(join(kit, 'node_modules', name)), `${name} is a devDependency`).toBe(false);
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(kit, 'node_modules', name)), `${name} is a dependency`).toBe(true);

    const demo = makeIn(kit, kit, 'demo');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('The demo ran as designed: server completed, ui failed (on purpose), docs completed.');
    const demoDone = Date.now();

    const repo = tempDir('kit-omit-dev-repo-');
    writeFileSync(join(repo, 'README.md'), 'hi\n');
    gitIn(repo, 'init', '-q', '-b', 'main');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'start');
    const init = makeIn(repo, kit, 'init');
    expect(init.code, init.stderr).toBe(0);
    // the config (yaml), a glob in the copy list (core/glob) and the WORK_LOG template (handlebars, gray-matter)
    writeFileSync(join(repo, 'parallel.config.yaml'), readFileSync(join(repo, 'parallel.config.yaml'), 'utf8').replace('copy: [.env]', 'copy: [".env*"]'));
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'kit');
    writeFileSync(join(repo, '.env.local'), 'SECRET=1\n');
    const created = makeIn(repo, kit, 'new-session', 'name=lean', 'component=app', 'json=1');
    expect(created.code, created.stderr).toBe(0);
    const session = JSON.parse(created.stdout) as { path: string; branch: string };
    expect(readFileSync(join(session.path, '.env.local'), 'utf8')).toBe('SECRET=1\n');
    expect(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8')).toContain(`- **Branch:** \`${session.branch}\` (from \`main\`)`);
    const list = makeIn(repo, kit, 'list-sessions', 'json=1');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name)).toEqual(['lean']);
    const ended = makeIn(repo, kit, 'end-session', 'name=lean');
    expect(ended.code, ended.stderr).toBe(0);
    expect(existsSync(session.path)).toBe(false);
    process.stderr.write(`omit-dev: npm ci ${installed - started} ms, make demo ${demoDone - installed} ms, init to end-session ${Date.now() - demoDone} ms\n`);
  });
});
