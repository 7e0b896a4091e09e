// The commit cache (<state folder>/.cache/commits.json): the radar's answers with it are the answers
// without it, on real conflicts, clean pairs and tips that moved; only what moved is computed again; a
// file broken by hand is ignored and rebuilt; writers at the same moment leave a valid file; the bound holds.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conflictRadar, type Radar } from '../../scripts/lib/conflicts/radar.ts';
import { CommitCache, commitCacheFile } from '../../scripts/lib/conflicts/commit-cache.ts';
import { loadContext, type Context } from '../../scripts/lib/config/context.ts';
import { writeSession } from '../../scripts/lib/store/sessions.ts';
import { KIT_DIR } from '../helpers/make.ts';
import { MERGE_TREE_MODES, skipWithout } from '../helpers/merge-tree.ts';
import { commitFiles, gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

beforeAll(() => ensureBuilt());

const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
const edit = (at: number, text: string) => `${lines.map((l, i) => (i === at ? text : l)).join('\n')}\n`;

/** Branch sessions: a and b conflict in shared.txt, c merges cleanly with both (far lines), d conflicts with the base. */
async function sample(): Promise<{ repo: string; ctx: Context }> {
  const repo = makeRepo({ files: { 'docs/shared.txt': `${lines.join('\n')}\n`, 'docs/base.txt': 'base\n' } });
  const ctx = await loadContext(repo, { cwd: repo, env: {} });
  const changes: Record<string, Record<string, string>> = {
    a: { 'docs/shared.txt': edit(2, 'a'), 'server/a.py': 'a\n' },
    b: { 'docs/shared.txt': edit(2, 'b') },
    c: { 'docs/shared.txt': edit(15, 'c'), 'ui/c.js': 'c\n' },
    d: { 'docs/base.txt': 'd\n' },
    e: {},
  };
  for (const [n, files] of Object.entries(changes)) {
    gitIn(repo, 'checkout', '-q', '-b', `feature/${n}`, 'main');
    if (Object.keys(files).length) commitFiles(repo, files, n);
    writeSession(ctx.root, { version: 1, name: n, uid: `uid-${n}`, workspace: 'sessions', kind: 'feature', component: 'docs', shared: true, branch: `feature/${n}`, base: 'main', mode: 'branch', path: null, port: 8100, profile: null, created: '2026-01-01T00:00:00.000+00:00', state: 'active', copied: [], env_file: join(ctx.root, n, 'session.env') });
  }
  gitIn(repo, 'checkout', '-q', 'main');
  commitFiles(repo, { 'docs/base.txt': 'main moved\n' }, 'main moves');
  return { repo, ctx };
}

/** The answers, without the counts of how they were found. */
const answers = (r: Radar) => ({ ...r, merges: 0, cached: 0 });

describe.each(MERGE_TREE_MODES)('the commit cache, merging %s', (mode) => {
  it('gives the answers the radar gives without it, and computes again only what moved', async ({ skip }) => {
    skipWithout(mode, skip);
    const { repo, ctx } = await sample();
    const fresh = await conflictRadar(ctx, undefined, { mergeTree: mode, commitCache: false, cache: false });
    expect(fresh.pairs.map((p) => `${p.a}-${p.b}:${p.conflict}`)).toEqual(['a-b:true', 'a-c:false', 'b-c:false']);
    expect(fresh.sessions.find((s) => s.name === 'd')?.base_conflict).toBe(true);
    const cold = await conflictRadar(ctx, undefined, { mergeTree: mode });
    const warm = await conflictRadar(ctx, undefined, { mergeTree: mode });
    expect(answers(cold)).toEqual(answers(fresh));
    expect(answers(warm)).toEqual(answers(fresh));
    expect(cold.cached).toBe(0);
    expect(warm.merges).toBe(0);
    expect(warm.cached).toBe(cold.pairs.length + cold.sessions.filter((s) => s.changed.length).length);

    // b's tip moves (its conflict with a goes away): only b's pairs and b against the base are asked again.
    gitIn(repo, 'checkout', '-q', 'feature/b');
    commitFiles(repo, { 'docs/shared.txt': edit(2, 'a') }, 'b takes a');
    gitIn(repo, 'checkout', '-q', 'main');
    const moved = await conflictRadar(ctx, undefined, { mergeTree: mode });
    const truth = await conflictRadar(ctx, undefined, { mergeTree: mode, commitCache: false, cache: false });
    expect(answers(moved)).toEqual(answers(truth));
    expect(moved.pairs.find((p) => p.a === 'a' && p.b === 'b')?.conflict).toBe(false);
    const asked = moved.pairs.length + moved.sessions.filter((s) => s.changed.length).length;
    const ofB = moved.pairs.filter((p) => p.a === 'b' || p.b === 'b').length + 1;
    expect(moved.cached).toBe(asked - ofB);
  });
});

describe('the commit cache file', () => {
  it('broken by hand (not JSON, then a wrong entry) is ignored and rebuilt with the same answers', async () => {
    const { ctx } = await sample();
    const truth = answers(await conflictRadar(ctx, undefined, { commitCache: false, cache: false }));
    const file = commitCacheFile(ctx.root);
    await conflictRadar(ctx);
    writeFileSync(file, '{"version":1,"entries":{"m 12');
    const r1 = await conflictRadar(ctx);
    expect(answers(r1)).toEqual(truth);
    expect(r1.cached).toBe(0);
    const rebuilt = JSON.parse(readFileSync(file, 'utf8'));
    expect(rebuilt.version).toBe(1);
    expect(Object.keys(rebuilt.entries).length).toBeGreaterThan(0);

    // Every merge entry made to say "clean" with files that are not a list: not believed, recomputed.
    for (const e of Object.values(rebuilt.entries) as { m?: unknown; d?: unknown }[]) {
      if (e.m) e.m = { clean: true, files: 'nothing' };
      if (e.d) e.d = { mb: 42, files: [] };
    }
    writeFileSync(file, JSON.stringify(rebuilt));
    const r2 = await conflictRadar(ctx);
    expect(answers(r2)).toEqual(truth);
    expect(r2.cached).toBe(0);
  });

  it('several radars writing at once leave one valid file that answers everything', async () => {
    const { repo, ctx } = await sample();
    const runs = Array.from({ length: 4 }, () => new Promise<number>((done) => {
      const p = spawn(process.execPath, [join(KIT_DIR, 'dist', 'cmd', 'conflicts.mjs'), 'json=1'], { cwd: repo, stdio: 'ignore', env: { ...process.env, PARALLEL_DIR: ctx.root } });
      p.on('exit', (code) => done(code ?? 1));
    }));
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    const parsed = JSON.parse(readFileSync(commitCacheFile(ctx.root), 'utf8'));
    expect(parsed.version).toBe(1);
    const r = await conflictRadar(ctx);
    expect(r.merges).toBe(0);
    expect(r.cached).toBe(r.pairs.length + r.sessions.filter((s) => s.changed.length).length);
  });

  it('keeps at most its bound of entries, the least recently used going first', async () => {
    const root = tempDir('commit-cache-');
    let now = 1_000_000;
    const tick = () => (now += 60 * 60_000);
    const sha = (n: number) => n.toString(16).padStart(40, '0');
    for (let n = 0; n < 12; n++) {
      const c = new CommitCache(root, { maxEntries: 5, now: tick });
      c.setMerge(sha(n), sha(n + 100), { clean: n % 2 === 0, files: n % 2 ? ['f'] : [] });
      if (n === 11) expect(c.merge(sha(6), sha(106))).not.toBeNull(); // used again: outlives 7, which is newer
      await c.save();
    }
    const entries = JSON.parse(readFileSync(commitCacheFile(root), 'utf8')).entries as Record<string, unknown>;
    expect(Object.keys(entries)).toHaveLength(5);
    const c = new CommitCache(root);
    expect(c.merge(sha(11), sha(111))).toEqual({ clean: false, files: ['f'] });
    expect(c.merge(sha(6), sha(106))).toEqual({ clean: true, files: [] });
    expect(c.merge(sha(7), sha(107))).toBeNull();

    const small = tempDir('commit-cache-');
    const s = new CommitCache(small, { maxBytes: 2000 });
    for (let n = 0; n < 100; n++) s.setChanged(sha(n), sha(n + 1), { mb: sha(n), files: [`file-${n}.txt`] });
    await s.save();
    expect(readFileSync(commitCacheFile(small), 'utf8').length).toBeLessThanOrEqual(2000);
  });
});
