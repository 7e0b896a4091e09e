// The copy step never reads or writes outside the repository and the copy, whatever symbolic links say.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';

describe('copy: and symbolic links', () => {
  it('refuses a copy entry that leads outside the repository through an untracked symlinked folder', () => {
    const repo = makeRepo({ config: DEFAULT_CONFIG.replace('copy: [.env]', 'copy: [.env, "secrets/*"]') });
    const outside = join(dirname(repo), 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'id_rsa'), 'PRIVATE\n');
    symlinkSync(outside, join(repo, 'secrets'));
    const r = make(repo, 'new-session', { name: 'a', component: 'ui' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/secrets.*outside the repository/);
    expect(existsSync(join(dirname(repo), 'repo-sessions', 'a'))).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/a')).toBe('');
  });

  it('refuses to write through a committed symlink of the session branch that points outside the copy', () => {
    const repo = makeRepo({ config: DEFAULT_CONFIG.replace('copy: [.env]', 'copy: [config/.env]') });
    const outside = join(dirname(repo), 'elsewhere');
    mkdirSync(outside);
    gitIn(repo, 'checkout', '-q', '-b', 'linked');
    symlinkSync(outside, join(repo, 'config'));
    gitIn(repo, 'add', 'config');
    gitIn(repo, 'commit', '-q', '-m', 'config is a link');
    gitIn(repo, 'checkout', '-q', 'main');
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', '.env'), 'SECRET=1\n');
    const r = make(repo, 'new-session', { name: 'b', component: 'ui', base: 'linked' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/outside the copy/);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(dirname(repo), 'repo-sessions', 'b'))).toBe(false);
  });
});
