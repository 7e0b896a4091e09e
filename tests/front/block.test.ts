// The project Makefile's block: written and taken out byte for byte, and the same rule for "the
// project's own targets" in TypeScript (hints) and in project.mk's sed (make itself).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBlock, isKitBlock, withBlock, withCurrentBlock, withoutBlock } from '../../scripts/lib/front/block.ts';
import { commandLine, rewriteHints } from '../../scripts/lib/front/hints.ts';
import { targetsInText } from '../../scripts/lib/front/targets.ts';
import { tempDir } from '../helpers/repo.ts';

const COMMANDS = ['new-session', 'sync', 'sync-all', 'init'];

describe('the Makefile block', () => {
  it.each([
    ['a file with a final newline', 'run:\n\t@echo run\n'],
    ['a file without one', 'run:\n\t@echo run'],
    ['an empty file', ''],
    ['a file that ends in blank lines', 'run:\n\t@echo run\n\n\n'],
    ['no file at all', null],
  ])('comes out of %s leaving it byte for byte as it was', (_, before) => {
    const withIt = withBlock(before, COMMANDS);
    const found = findBlock(withIt);
    expect(found).not.toBeNull();
    expect(isKitBlock(found!, COMMANDS)).toBe(true);
    expect(withIt.startsWith(before ?? '')).toBe(true);
    expect(withoutBlock(withIt, found!)).toBe(before);
  });

  it("knows an older kit's block (fewer commands), brings it up to date and takes it out byte for byte", () => {
    const before = 'run:\n\t@echo run\n';
    const old = withBlock(before, COMMANDS.slice(0, 2));
    const found = findBlock(old)!;
    expect(isKitBlock(found, COMMANDS)).toBe(true);
    const current = withCurrentBlock(old, found, COMMANDS);
    expect(current).toBe(withBlock(before, COMMANDS));
    expect(withoutBlock(old, found)).toBe(before);
  });

  it('keeps what was written after it, and knows a block someone edited', () => {
    const withIt = `${withBlock('run:\n', COMMANDS)}later:\n\t@echo later\n`;
    const found = findBlock(withIt)!;
    expect(withoutBlock(withIt, found)).toBe('run:\nlater:\n\t@echo later\n');
    const edited = withIt.replace('ifeq ($(origin PARALLEL_KIT),undefined)', 'ifeq ($(origin PARALLEL_KIT),file)');
    expect(isKitBlock(findBlock(edited)!, COMMANDS)).toBe(false);
  });
});

describe("the project's own targets", () => {
  const text = [
    'run test: deps',
    '\t@echo run',
    'sync:: ; @echo mine',
    'VERSION := 1.0',
    'FLAGS::=x',
    'OTHER = a:b',
    '# init: a comment',
    '$(BUILD): foo',
    'ui/app.js: ui/src.js',
    'docs: VAR=1',
    '  spaced : x',
    '\tinit: recipe text',
    'export PATH:=/bin',
    '.PHONY: run test',
  ].join('\n');

  it('are read as project.mk reads them with sed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Makefile'), `${text}\n`);
    const sed = spawnSync('sed', ['-n', '-e', '/^[^#=:$]*::*=/d', '-e', 's/^\\([^[:space:]#=:$][^#=:$]*\\):.*/\\1/p', join(dir, 'Makefile')], { encoding: 'utf8' });
    expect(sed.status).toBe(0);
    const bySed = sed.stdout.split(/\s+/).filter(Boolean);
    expect(targetsInText(text)).toEqual(bySed);
    expect(bySed).toEqual(['run', 'test', 'sync', 'ui/app.js', 'docs', '.PHONY']);
  });

  it("give way: a hint names kit-<command> where the project has the command's name", () => {
    const form = { kind: 'make' as const, own: new Set(['sync', 'init']) };
    expect(commandLine(form, 'sync', 'name=x')).toBe('make kit-sync name=x');
    expect(rewriteHints('then make sync name=a, make sync-all and make new-session name=b; make init commit=1', form, COMMANDS)).toBe(
      'then make kit-sync name=a, make sync-all and make new-session name=b; make kit-init commit=1',
    );
    const kit = { kind: 'kit' as const, prefix: '"$PARALLEL_KIT/bin/kit"' };
    expect(rewriteHints('run make sync-all, not make -f x', kit, COMMANDS)).toBe('run "$PARALLEL_KIT/bin/kit" sync-all, not make -f x');
  });
});
