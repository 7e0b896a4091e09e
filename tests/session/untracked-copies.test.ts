import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyPatterns, resolveCopies } from '../../scripts/lib/session/untracked-copies.ts';
import { tempDir, writeFiles } from '../helpers/repo.ts';

function checkout(): string {
  const main = tempDir('kit-copies-');
  writeFiles(main, {
    '.env': 'A=1\n',
    '.env.local': 'B=2\n',
    'config/db.local.json': '{}\n',
    'config/other.json': '{}\n',
    'config/sub/z.local.json': '{}\n',
    'pkg/.env': 'C=3\n',
    'pkg/node_modules/dep/.env': 'nested node_modules are walked\n',
    '.git/config': '[core]\n',
    '.git/.env': 'never\n',
    'node_modules/dep/.env': 'never\n',
    '.parallel/sessions/.env': 'never\n',
    '.worktreeinclude': '# local settings\n\nconfig/*.local.json\n  .env  \n',
  });
  return main;
}

describe('untracked copies', () => {
  it('reads the configured list plus .worktreeinclude, without comments, blanks or repeats', () => {
    expect(copyPatterns(checkout(), ['.env', 'secrets/'])).toEqual(['.env', 'secrets/', 'config/*.local.json']);
    expect(copyPatterns(tempDir(), ['.env'])).toEqual(['.env']);
  });

  it('resolves globs from the repository root: dot files and folders match; .git, node_modules and .parallel are never entered', async () => {
    const main = checkout();
    expect(await resolveCopies(main, ['**/.env'])).toEqual(['.env', 'pkg/.env', 'pkg/node_modules/dep/.env']);
    expect(await resolveCopies(main, ['.env*'])).toEqual(['.env', '.env.local']);
    expect(await resolveCopies(main, ['*'])).toEqual(['.env', '.env.local', '.worktreeinclude', 'config', 'pkg']);
    expect(await resolveCopies(main, ['config/*'])).toEqual(['config/db.local.json', 'config/other.json', 'config/sub']);
    expect(await resolveCopies(main, ['**/*.local.json', 'config/*.local.json'])).toEqual(['config/db.local.json', 'config/sub/z.local.json']);
    expect(await resolveCopies(main, ['.git*', 'node_modules/*', '.parallel/**', '*/.git'])).toEqual([]);
  });

  it('keeps plain paths that exist, drops those that do not or that leave the repository', async () => {
    const main = checkout();
    mkdirSync(join(main, '..', 'outside-sibling'), { recursive: true });
    expect(await resolveCopies(main, ['.env', 'config/', 'missing', '../outside-sibling', '/etc/passwd', '..', '.'])).toEqual(['.env', 'config']);
    expect(await resolveCopies(main, ['../*', '/etc/pass*', './config/*.local.json', 'config/sub/../*.local.json'])).toEqual(['config/db.local.json']);
  });

  it('finds links named by a pattern, and never walks into a link with **', async () => {
    const main = checkout();
    symlinkSync('config', join(main, 'linked'));
    symlinkSync('..', join(main, 'config', 'loop'));
    symlinkSync('/', join(main, 'root'));
    expect(await resolveCopies(main, ['linked/*.local.json'])).toEqual(['linked/db.local.json']);
    const all = await resolveCopies(main, ['**']);
    expect(all).toContain('config/loop');
    expect(all).toContain('root');
    expect(all.filter((p) => p.startsWith('linked/') || p.startsWith('root/') || p.startsWith('config/loop/'))).toEqual([]);
  });
});
