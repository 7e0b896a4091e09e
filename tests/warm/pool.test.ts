// The warm pool through the real make targets: copies handed out at the current base, each to one
// session only, copies someone wrote into neither handed out nor removed, size=0 removes the clean ones,
// and no pool copy ever shows as a session.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeAsync, makeJson } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import type { PoolReport } from '../../scripts/lib/warm/fill.ts';

const poolRepo = (n: number) => makeRepo({ config: `${DEFAULT_CONFIG}pool: ${n}\n` });

function pool(repo: string, vars: Record<string, string | number> = {}): PoolReport {
  const r = makeJson<PoolReport>(repo, 'pool', vars);
  expect(r.code, r.stderr).toBe(0);
  return r.data;
}

/** Waits for the filler new-session started in the background to finish (its lock released). */
async function settled(repo: string): Promise<PoolReport> {
  const lock = join(repo, '.parallel', 'locks', 'pool-fill.lock');
  for (let i = 0; i < 600; i++) {
    // A filler new-session started may not have taken the lock yet: wait for its process too.
    if (fillersOf(repo).length) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const p = pool(repo);
    if (!existsSync(lock) && p.copies.every((c) => c.state !== 'filling' && c.state !== 'busy')) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the background filler never finished');
}

/** The pids of the background fillers (dist/cmd/pool.mjs fill=1) of this repository that still run. */
function fillersOf(repo: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.some((a) => a.endsWith('/dist/cmd/pool.mjs')) && args.includes('fill=1') && args.includes(`repo=${repo}`)) pids.push(Number(d));
  }
  return pids;
}

/** The id of the worktree a copy is: its administrative folder's name (a pool copy keeps its id when moved). */
const adminOf = (copy: string) => basename(/^gitdir: (.+)$/m.exec(readFileSync(join(copy, '.git'), 'utf8'))![1]!.trim());
const poolWorktrees = (repo: string) => gitIn(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ') && l.includes('/.pool/'));

describe('make pool', () => {
  it('fills to the config\'s size, hands a copy out at the current base, also after the base moved, and refills in the background', async () => {
    const repo = poolRepo(1);
    const filled = pool(repo, { fill: 1 });
    expect(filled.made).toHaveLength(1);
    const [copy] = filled.copies;
    expect(copy).toMatchObject({ state: 'ready', sha: gitIn(repo, 'rev-parse', 'main') });
    // the base moves after the copy was made
    const moved = commitFiles(repo, { 'server/app.py': 'print("moved")\n', 'docs/new.md': 'new\n' }, 'base moves');
    const s = newSession(repo, 'a');
    expect(adminOf(s.path!)).toBe(copy!.id);
    expect(gitIn(s.path!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('feature/a');
    expect(gitIn(s.path!, 'rev-parse', 'HEAD')).toBe(moved);
    expect(readFileSync(join(s.path!, 'server/app.py'), 'utf8')).toBe('print("moved")\n');
    expect(gitIn(s.path!, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(existsSync(copy!.path)).toBe(false);
    // the filler new-session started makes a new copy at the moved base
    const after = await settled(repo);
    expect(after.copies).toHaveLength(1);
    expect(after.copies[0]).toMatchObject({ state: 'ready', sha: moved });
    expect(after.copies[0]!.id).not.toBe(copy!.id);
    // a copy made before the base moves again follows it
    const again = commitFiles(repo, { 'ui/app.js': 'console.log("again")\n' }, 'again');
    expect(pool(repo).copies[0]!.state).toBe('stale');
    const refreshed = pool(repo, { fill: 1 });
    expect(refreshed.refreshed).toEqual([after.copies[0]!.path]);
    expect(refreshed.copies[0]).toMatchObject({ state: 'ready', sha: again });
    expect(readFileSync(join(after.copies[0]!.path, 'ui/app.js'), 'utf8')).toBe('console.log("again")\n');
  });

  it('never hands out or removes a copy someone wrote into (untracked, ignored, changed, committed), until force=1', async () => {
    const repo = poolRepo(4);
    const { copies } = pool(repo, { fill: 1 });
    expect(copies).toHaveLength(4);
    const [untracked, ignored, changed, committed] = copies.map((c) => c.path) as [string, string, string, string];
    writeFileSync(join(untracked, 'notes.txt'), 'mine\n');
    writeFileSync(join(ignored, '.env'), 'SECRET=1\n');
    writeFileSync(join(changed, 'server/app.py'), 'print("edited")\n');
    commitFiles(committed, { 'ui/x.js': 'x\n' }, 'on the detached copy');
    const mine = gitIn(committed, 'rev-parse', 'HEAD');
    for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) {
      const r = makeJson<Created>(repo, 'new-session', { name, component: 'server', shared: 1 });
      expect(r.code, r.stderr).toBe(0);
      expect(copies.map((c) => c.id)).not.toContain(adminOf(r.data.path!));
      if (i === 0) expect((r.data as Created & { warnings: string[] }).warnings.join('\n')).toMatch(/pool copy .* was not used: .*; it is left alone/);
      await settled(repo);
    }
    const shown = pool(repo);
    for (const c of copies) expect(shown.copies.find((x) => x.id === c.id)).toMatchObject({ state: 'stray' });
    // size=0 removes the clean copies the background filler made meanwhile, and only those
    const drained = pool(repo, { size: 0 });
    expect(drained.removed).toHaveLength(4);
    for (const c of copies) expect(drained.removed).not.toContain(c.path);
    expect(readFileSync(join(untracked, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(ignored, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(readFileSync(join(changed, 'server/app.py'), 'utf8')).toBe('print("edited")\n');
    expect(gitIn(committed, 'rev-parse', 'HEAD')).toBe(mine);
    expect(drained.copies.filter((c) => c.state === 'stray')).toHaveLength(4);
    const forced = pool(repo, { size: 0, force: 1 });
    expect(forced.removed.sort()).toEqual(copies.map((c) => c.path).sort());
    expect(poolWorktrees(repo)).toEqual([]);
  });

  it('gives each of several concurrent new-sessions its own copy', async () => {
    const repo = poolRepo(2);
    const ids = pool(repo, { fill: 1 }).copies.map((c) => c.id);
    const runs = await Promise.all(['a', 'b', 'c'].map((name) => makeAsync(repo, 'new-session', { name, component: 'server', shared: 1, json: 1 })));
    const made = runs.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Created;
    });
    const admins = made.map((s) => adminOf(s.path!));
    expect(new Set(admins).size).toBe(3);
    expect(admins.filter((a) => ids.includes(a)).sort()).toEqual([...ids].sort());
    for (const s of made) expect(gitIn(s.path!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(s.branch);
    await settled(repo);
  });

  it('size=0 removes the clean copies, and pool copies never show as sessions, ports or conflicts', () => {
    const repo = poolRepo(2);
    expect(pool(repo, { fill: 1 }).copies).toHaveLength(2);
    expect(poolWorktrees(repo)).toHaveLength(2);
    expect(makeJson<unknown[]>(repo, 'list-sessions').data).toEqual([]);
    expect(make(repo, 'list-sessions').stdout).toMatch(/^no sessions in /);
    const ports = makeJson<{ leases?: unknown[] }>(repo, 'ports').data;
    expect(JSON.stringify(ports)).not.toContain('.pool');
    const conflicts = makeJson<unknown>(repo, 'conflicts').data;
    expect(JSON.stringify(conflicts)).not.toContain('.pool');
    expect(make(repo, 'sync-all').code).toBe(0);
    const drained = pool(repo, { size: 0 });
    expect(drained.removed).toHaveLength(2);
    expect(drained.copies).toEqual([]);
    expect(poolWorktrees(repo)).toEqual([]);
    expect(readdirSync(join(repo, '..', 'repo-sessions', '.pool'))).toEqual([]);
  });

  it('a new-session that fails after claiming a copy gives it back ready, and the next one takes it', async () => {
    const repo = poolRepo(1);
    newSession(repo, 'a');
    const [copy] = (await settled(repo)).copies;
    expect(copy).toMatchObject({ state: 'ready' });
    const refused = make(repo, 'new-session', { name: 'b', component: 'server' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/component 'server' is claimed by session 'a'/);
    expect(existsSync(join(repo, '..', 'repo-sessions', 'b'))).toBe(false);
    expect(pool(repo).copies).toEqual([expect.objectContaining({ id: copy!.id, state: 'ready', path: copy!.path })]);
    expect(gitIn(copy!.path, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    const c = newSession(repo, 'c', { component: 'ui' });
    expect(adminOf(c.path!)).toBe(copy!.id);
    await settled(repo);
  });

  it('size=N is kept from then on without pool: in the config: new-session takes a copy, its filler and fill=1 keep N; size=0 keeps none', async () => {
    const repo = makeRepo();
    const made = pool(repo, { size: 2 });
    expect(made.copies.map((c) => c.state)).toEqual(['ready', 'ready']);
    const s = newSession(repo, 'a');
    expect(made.copies.map((c) => c.id)).toContain(adminOf(s.path!));
    const after = await settled(repo);
    expect(after.size).toBe(2);
    expect(after.copies.filter((c) => c.state === 'ready')).toHaveLength(2);
    const filled = pool(repo, { fill: 1 });
    expect(filled.removed).toEqual([]);
    expect(filled.copies).toHaveLength(2);
    expect(pool(repo, { size: 0 }).copies).toEqual([]);
    const b = newSession(repo, 'b');
    expect(gitIn(b.path!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('feature/b');
    expect(pool(repo, { fill: 1 }).copies).toEqual([]);
    expect(poolWorktrees(repo)).toEqual([]);
  });

  it('make init remove=1, the way out of the kit, removes the clean copies and keeps one someone wrote into', () => {
    const repo = poolRepo(2);
    const [clean, written] = pool(repo, { fill: 1 }).copies.map((c) => c.path) as [string, string];
    writeFileSync(join(written, 'notes.txt'), 'mine\n');
    const r = makeJson<{ pool_removed: string[]; pool_left: string[] }>(repo, 'init', { remove: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.pool_removed).toEqual([clean]);
    expect(r.data.pool_left).toEqual([written]);
    expect(existsSync(clean)).toBe(false);
    expect(readFileSync(join(written, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});
