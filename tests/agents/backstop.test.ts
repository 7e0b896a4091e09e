// The commit-time backstop through the real make: a commit in a session's copy that touches another live
// session's component is refused naming it; its own component and unclaimed paths pass; the repository's
// own pre-commit still runs first and its exit code counts; removal leaves the hooks folder as it was.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const hooksTree = (d: string) => (existsSync(d) ? readdirSync(d).sort().map((f) => `${f}:${createHash('sha256').update(readFileSync(join(d, f))).digest('hex')}`) : []);
function commit(copy: string, file: string): { code: number; stderr: string } {
  writeFileSync(join(copy, file), `${file} ${Math.random()}\n`);
  spawnSync('git', ['add', '--', file], { cwd: copy });
  const r = spawnSync('git', ['commit', '-q', '-m', `change ${file}`], { cwd: copy, encoding: 'utf8' });
  if (r.status !== 0) spawnSync('git', ['reset', '-q'], { cwd: copy });
  return { code: r.status ?? 1, stderr: r.stderr };
}

describe('the commit-time backstop (agent-setup agent=git)', () => {
  it("refuses another live session's component, allows its own and unclaimed paths, chains the repository's pre-commit, and comes out exactly", () => {
    const repo = makeRepo({ files: { 'free.txt': 'nobody\n' }, config: undefined });
    const hooks = join(repo, '.git', 'hooks');
    writeFileSync(join(hooks, 'pre-commit'), '#!/bin/sh\n[ ! -f "$(git rev-parse --show-toplevel)/block-me" ]\n');
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    const before = hooksTree(hooks);
    const preview = make(repo, 'agent-setup', { agent: 'git' });
    expect(preview.code, preview.stderr).toBe(0);
    expect(hooksTree(hooks)).toEqual(before);
    const applied = make(repo, 'agent-setup', { agent: 'git', apply: 1 });
    expect(applied.code, applied.stderr).toBe(0);

    const ui = newSession(repo, 'ui-work', { component: 'ui', shared: 0 });
    newSession(repo, 'server-work', { component: 'server', shared: 0 });
    const copy = ui.path as string;
    const other = commit(copy, 'server/app.py');
    expect(other.code, other.stderr).not.toBe(0);
    expect(other.stderr).toContain('server/app.py is in component server, which session server-work claims');
    expect(commit(copy, 'ui/app.js').code).toBe(0);
    expect(commit(copy, 'free.txt').code).toBe(0);
    // the repository's own hook still runs first, and its failure still stops the commit
    writeFileSync(join(copy, 'block-me'), 'x\n');
    expect(commit(copy, 'ui/app.js').code).not.toBe(0);

    const removed = make(repo, 'agent-setup', { agent: 'git', apply: 1, remove: 1 });
    expect(removed.code, removed.stderr).toBe(0);
    expect(hooksTree(hooks)).toEqual(before);
    expect(existsSync(join(repo, '.git', 'parallel-kit'))).toBe(false);
  });

  it('a clone session gets the backstop in its own hooks when the main checkout has it', () => {
    const repo = makeRepo();
    expect(make(repo, 'agent-setup', { agent: 'git', apply: 1 }).code).toBe(0);
    const ui = newSession(repo, 'ui-clone', { component: 'ui', shared: 0, mode: 'clone' });
    newSession(repo, 'server-work', { component: 'server', shared: 0 });
    const copy = ui.path as string;
    expect(readFileSync(join(copy, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('parallel-kit: the commit-time backstop');
    const other = commit(copy, 'server/app.py');
    expect(other.code, other.stderr).not.toBe(0);
    expect(other.stderr).toContain('server/app.py is in component server, which session server-work claims');
    expect(commit(copy, 'ui/app.js').code).toBe(0);
    // Without the backstop in the main checkout, a clone gets none.
    const plain = newSession(makeRepo(), 'c2', { component: 'ui', mode: 'clone' });
    expect(existsSync(join(plain.path as string, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('a repository without a pre-commit of its own: removal deletes the hook again', () => {
    const repo = makeRepo();
    const hooks = join(repo, '.git', 'hooks');
    const before = hooksTree(hooks);
    expect(make(repo, 'agent-setup', { agent: 'git', apply: 1 }).code).toBe(0);
    expect(existsSync(join(hooks, 'pre-commit'))).toBe(true);
    expect(make(repo, 'agent-setup', { agent: 'git', apply: 1, remove: 1 }).code).toBe(0);
    expect(hooksTree(hooks)).toEqual(before);
  });
});
