// WORK_LOG.md as people keep it: a symlink into a shared folder, a file with its own mode, CRLF endings.
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { commitFiles, makeRepo } from '../helpers/repo.ts';

describe('WORK_LOG.md kept as people keep it', () => {
  it('a symlinked WORK_LOG.md stays a link to the same file, with its mode, through new-session and end-session', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, 'notes'));
    writeFileSync(join(repo, 'notes', 'log.md'), '# Work log\n\nmine\n');
    chmodSync(join(repo, 'notes', 'log.md'), 0o600);
    symlinkSync(join('notes', 'log.md'), join(repo, 'WORK_LOG.md'));
    commitFiles(repo, { 'notes/log.md': '# Work log\n\nmine\n' }, 'log');
    expect(make(repo, 'new-session', { name: 'a', component: 'ui' }).code).toBe(0);
    expect(lstatSync(join(repo, 'WORK_LOG.md')).isSymbolicLink()).toBe(true);
    const text = readFileSync(join(repo, 'notes', 'log.md'), 'utf8');
    expect(text.startsWith('# Work log\n\nmine\n')).toBe(true);
    expect(text).toMatch(/parallel-session:begin uid=\S+ name=a/);
    expect(statSync(join(repo, 'notes', 'log.md')).mode & 0o777).toBe(0o600);
    expect(make(repo, 'end-session', { name: 'a' }).code).toBe(0);
    expect(lstatSync(join(repo, 'WORK_LOG.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(repo, 'notes', 'log.md'), 'utf8')).toMatch(/\*\*Status:\*\* COMPLETED/);
  });

  it('a CRLF WORK_LOG.md gets CRLF entries, and an undone new-session leaves it byte for byte', () => {
    const repo = makeRepo();
    const original = '# Work log\r\n\r\nOur notes.\r\n';
    writeFileSync(join(repo, 'WORK_LOG.md'), original);
    expect(make(repo, 'new-session', { name: 'a', component: 'ui' }).code).toBe(0);
    const text = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    expect(text.startsWith(original)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(make(repo, 'end-session', { name: 'a' }).code).toBe(0);
    expect(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8').replace(/\r\n/g, '')).not.toContain('\n');
    // A failing setup undoes the session: the entry goes, every other byte stays.
    const before = readFileSync(join(repo, 'WORK_LOG.md'));
    const cfg = join(repo, 'parallel.config.yaml');
    writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}setup: "exit 3"\n`);
    expect(make(repo, 'new-session', { name: 'b', component: 'ui' }).exit).toBe(1);
    expect(readFileSync(join(repo, 'WORK_LOG.md')).equals(before)).toBe(true);
  });
});
