// sync-all rebases copies in a pool: the same outcome as syncing them one at a time, each copy under its
// own session lock (a copy whose lock someone holds waits; two sync-alls never rebase one copy twice),
// and the summary in name order.
import { cpus } from 'node:os';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeAsync, makeJson } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { withLock } from '../../scripts/lib/core/lock.mjs';
import { lockPath } from '../../scripts/lib/store/paths.ts';

interface Line {
  name: string;
  result: string;
  conflicts: string[];
  dirty: string[];
  after: string | null;
}

/** Five sessions that rebase, conflict, are dirty, are up to date, rebase; then the base moves. */
function scene(): { repo: string; paths: Record<string, string> } {
  const repo = makeRepo();
  const paths: Record<string, string> = {};
  for (const n of ['e', 'a', 'd', 'b', 'c']) paths[n] = newSession(repo, n).path!;
  commitFiles(paths.a!, { 'server/a.py': 'a\n' }, 'a work');
  commitFiles(paths.b!, { 'server/app.py': 'print("b")\n' }, 'b clashes');
  commitFiles(paths.c!, { 'server/c.py': 'c\n' }, 'c work');
  writeFileSync(join(paths.c!, 'server/app.py'), 'print("c, uncommitted")\n');
  commitFiles(paths.e!, { 'ui/e.js': 'e\n' }, 'e work');
  commitFiles(repo, { 'server/app.py': 'print("base")\n', 'docs/base.md': 'base\n' }, 'base moves');
  // d was made after the base moved: up to date
  gitIn(paths.d!, 'reset', '-q', '--hard', 'main');
  return { repo, paths };
}

/** What each copy ends up as: the result, and its tree and own commit messages (ids differ in time). */
function outcome(repo: string, paths: Record<string, string>, lines: Line[]) {
  return Object.fromEntries(
    lines.map((l) => [
      l.name,
      { result: l.result, conflicts: l.conflicts, dirty: l.dirty, tree: gitIn(paths[l.name]!, 'rev-parse', 'HEAD^{tree}'), own: gitIn(paths[l.name]!, 'log', '--format=%s', 'main..HEAD'), status: gitIn(paths[l.name]!, 'status', '--porcelain'), onMain: gitIn(paths[l.name]!, 'merge-base', 'HEAD', 'main') === gitIn(repo, 'rev-parse', 'main') },
    ]),
  );
}

describe('sync-all in a pool', () => {
  it('gives the same result as syncing each session one at a time with git rebase, listed in name order', () => {
    const one = scene();
    const all = makeJson<{ sessions: Line[] }>(one.repo, 'sync-all');
    expect(all.data.sessions.map((l) => l.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const two = scene();
    // one at a time through git rebase itself: a hook the rebase would run keeps the kit from replaying commits
    const hook = join(two.repo, '.git', 'hooks', 'pre-rebase');
    writeFileSync(hook, '#!/bin/sh\nexit 0\n');
    chmodSync(hook, 0o755);
    const single: Line[] = [];
    for (const n of ['a', 'b', 'c', 'd', 'e']) single.push(...makeJson<{ sessions: Line[] }>(two.repo, 'sync', { name: n }).data.sessions);
    const pooled = outcome(one.repo, one.paths, all.data.sessions);
    expect(pooled).toEqual(outcome(two.repo, two.paths, single));
    expect(Object.fromEntries(Object.entries(pooled).map(([n, o]) => [n, o.result]))).toEqual({ a: 'rebased', b: 'conflict', c: 'dirty', d: 'up-to-date', e: 'rebased' });
    expect(pooled.b!.status).toBe('');
    expect(readFileSync(join(one.paths.c!, 'server/app.py'), 'utf8')).toBe('print("c, uncommitted")\n');
  });

  it('waits for a session whose lock another command holds, and two sync-alls at once rebase each copy once', async () => {
    const repo = makeRepo();
    const paths = ['a', 'b', 'c'].map((n) => newSession(repo, n).path!);
    paths.forEach((p, i) => commitFiles(p, { [`server/own${i}.py`]: `${i}\n` }, `own ${i}`));
    // A pre-rebase hook (shared by the worktrees) logs when each rebase starts and ends, slowed down.
    const log = join(repo, '..', 'rebases.log');
    const hook = join(repo, '.git', 'hooks', 'pre-rebase');
    writeFileSync(hook, `#!/bin/sh\necho "start $(basename "$PWD")" >> '${log}'\nsleep 1\necho "end $(basename "$PWD")" >> '${log}'\n`);
    chmodSync(hook, 0o755);
    const before = gitIn(paths[0]!, 'rev-parse', 'HEAD');
    commitFiles(repo, { 'docs/moved.md': 'moved\n' }, 'base moves');
    const main = gitIn(repo, 'rev-parse', 'main');

    let first: Promise<unknown> = Promise.resolve();
    let second: Promise<unknown> = Promise.resolve();
    let aDuring = '';
    await withLock(lockPath(join(repo, '.parallel'), 'session-sessions-a'), async () => {
      first = makeAsync(repo, 'sync-all', { json: 1 });
      second = makeAsync(repo, 'sync-all', { json: 1 });
      // b and c are rebased meanwhile; a waits for its lock
      for (let i = 0; i < 600 && !(gitIn(paths[1]!, 'merge-base', 'HEAD', 'main') === main && gitIn(paths[2]!, 'merge-base', 'HEAD', 'main') === main); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      aDuring = gitIn(paths[0]!, 'rev-parse', 'HEAD');
    });
    expect(aDuring).toBe(before);
    const runs = (await Promise.all([first, second])) as { code: number; stdout: string; stderr: string }[];
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const results = runs.map((r) => (JSON.parse(r.stdout) as { sessions: Line[] }).sessions.map((l) => l.result));
    // each copy was rebased by exactly one of the two; the other found it up to date
    for (let i = 0; i < 3; i++) expect(results.map((r) => r[i]).sort()).toEqual(['rebased', 'up-to-date']);
    for (const p of paths) {
      expect(gitIn(p, 'merge-base', 'HEAD', 'main')).toBe(main);
      expect(gitIn(p, 'log', '--format=%s', 'main..HEAD').split('\n')).toHaveLength(1);
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    // never two rebases of one copy at the same time: each start of a copy is followed by its end first
    const open = new Set<string>();
    let overlapped = false;
    for (const line of lines) {
      const [what, copy] = line.split(' ') as [string, string];
      if (what === 'start') {
        expect(open.has(copy), lines.join('\n')).toBe(false);
        if (open.size) overlapped = true;
        open.add(copy);
      } else open.delete(copy);
    }
    expect(lines.filter((l) => l.startsWith('start'))).toHaveLength(3);
    // with more than one core, different copies are rebased at the same time
    if (cpus().length > 1) expect(overlapped, lines.join('\n')).toBe(true);
    expect(make(repo, 'sync-all').code).toBe(0);
  });
});
