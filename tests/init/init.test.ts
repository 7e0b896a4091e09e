import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../scripts/lib/config/config.ts';
import { renderSection } from '../../scripts/lib/init/claude.ts';
import { KIT_DIR, make } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

describe('make init', () => {
  it('writes a starter config with components from top-level folders, and is idempotent', async () => {
    const repo = makeRepo({ config: null });
    writeFileSync(join(repo, 'CLAUDE.md'), '# Project rules\n\nBe kind.\n');
    const r = make(tempDir(), 'init', { repo });
    expect(r.code, r.stderr).toBe(0);
    const config = await loadConfig(repo);
    expect(Object.keys(config.components)).toEqual(['docs', 'server', 'ui']);
    expect(config.components.server?.paths).toEqual(['server/']);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toMatch(/^\.parallel\/$/m);
    expect(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8')).toMatch(/^# Work log/);
    const claude = readFileSync(join(repo, 'CLAUDE.md'), 'utf8');
    expect(claude.startsWith('# Project rules\n\nBe kind.\n')).toBe(true);
    // No kit block in this repository's Makefile: the rules name bin/kit, through the copy's PARALLEL_KIT.
    expect(claude).toContain('`"$PARALLEL_KIT/bin/kit" new-session name=NAME component=COMPONENT`');
    const files = ['parallel.config.yaml', '.gitignore', 'WORK_LOG.md', 'CLAUDE.md'].map((f) => readFileSync(join(repo, f), 'utf8'));
    const again = make(repo, 'init');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing changed/);
    expect(['parallel.config.yaml', '.gitignore', 'WORK_LOG.md', 'CLAUDE.md'].map((f) => readFileSync(join(repo, f), 'utf8'))).toEqual(files);
    expect(gitIn(repo, 'status', '--porcelain')).not.toContain('.parallel/');
  });

  it('leaves an existing config alone', () => {
    const repo = makeRepo();
    const before = readFileSync(join(repo, 'parallel.config.yaml'), 'utf8');
    expect(make(repo, 'init').code).toBe(0);
    expect(readFileSync(join(repo, 'parallel.config.yaml'), 'utf8')).toBe(before);
  });

  it('quotes any folder name and never gives two components one name', async () => {
    const repo = makeRepo({ config: null, files: { 'a b/f': 'x', 'a-b/f': 'x', 'q"x/f': 'x', '-lead/f': 'x' } });
    expect(make(repo, 'init').code).toBe(0);
    const config = await loadConfig(repo);
    const paths = Object.values(config.components).flatMap((c) => c.paths).sort();
    expect(paths).toEqual(['-lead/', 'a b/', 'a-b/', 'docs/', 'q"x/', 'server/', 'ui/']);
  });

  it("the kit's own CLAUDE.md holds the section init writes, word for word (the kit's Makefile has every command)", () => {
    expect(readFileSync(join(KIT_DIR, 'CLAUDE.md'), 'utf8')).toContain(renderSection({ kind: 'make', own: new Set() }));
  });
});
