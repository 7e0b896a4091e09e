import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conflictMarks, conflictRadar, type Radar } from '../../scripts/lib/conflicts/radar.ts';
import { loadContext } from '../../scripts/lib/config/context.ts';
import type { SessionRecord } from '../../scripts/lib/store/schemas.ts';
import { writeSession } from '../../scripts/lib/store/sessions.ts';
import { make, makeJson } from '../helpers/make.ts';
import { GIT_HAS_STDIN, GIT_VERSION, MERGE_TREE_MODES, skipWithout } from '../helpers/merge-tree.ts';
import { commitFiles, commitOnBranch, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { objectFiles, snapshot } from '../helpers/snapshot.ts';

function record(name: string, component: string, root: string): SessionRecord {
  return { version: 1, name, uid: `uid-${name}`, workspace: 'sessions', kind: 'feature', component, shared: true, branch: `feature/${name}`, base: 'main', mode: 'branch', path: null, port: 8001, profile: null, created: '2026-01-01T00:00:00.000+00:00', state: 'active', copied: [], env_file: join(root, name, 'session.env') };
}

describe.each(MERGE_TREE_MODES)('the conflicts radar, merging %s', (mode) => {
  it('make conflicts finds real conflicts between sessions and with the base, strays into components, and changes nothing', ({ skip }) => {
    skipWithout(mode, skip);
    const env = { PARALLEL_MERGE_TREE: mode };
    const repo = makeRepo({ files: { 'docs/long.md': Array.from({ length: 12 }, (_, i) => `line ${i}\n`).join('') } });
    const a = newSession(repo, 'a');
    const b = newSession(repo, 'b');
    const c = newSession(repo, 'c', { mode: 'clone', component: 'ui', shared: '0' });
    newSession(repo, 'd', { mode: 'branch', component: 'docs', shared: '0' });
    commitFiles(a.path!, { 'server/app.py': 'print("a")\n', 'docs/long.md': 'LINE 0\n' + Array.from({ length: 11 }, (_, i) => `line ${i + 1}\n`).join('') }, 'a');
    commitFiles(b.path!, { 'server/app.py': 'print("b")\n' }, 'b');
    commitFiles(c.path!, { 'ui/app.js': 'c\n', 'docs/long.md': Array.from({ length: 11 }, (_, i) => `line ${i}\n`).join('') + 'LINE 11\n' }, 'c (clone only)');
    commitOnBranch(repo, 'feature/d', { 'docs/index.md': '# d\n', 'ui/app.js': 'd\n' }, 'd');
    commitFiles(repo, { 'docs/index.md': '# main\n' }, 'main moves');
    writeFileSync(join(b.path!, 'server/app.py'), 'uncommitted edits are not looked at\n');

    const before = { a: snapshot(a.path!), c: snapshot(c.path!), objects: objectFiles(repo), cObjects: objectFiles(c.path!), worktrees: gitIn(repo, 'worktree', 'list', '--porcelain'), refs: gitIn(repo, 'for-each-ref') };
    const r = makeJson<Radar>(repo, 'conflicts', {}, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.merge_tree).toBe(mode);
    const pairs = r.data.pairs.map((p) => ({ pair: `${p.a}-${p.b}`, files: p.files, conflict: p.conflict, conflict_files: p.conflict_files }));
    expect(pairs).toEqual([
      { pair: 'a-b', files: ['server/app.py'], conflict: true, conflict_files: ['server/app.py'] },
      { pair: 'a-c', files: ['docs/long.md'], conflict: false, conflict_files: [] },
      { pair: 'c-d', files: ['ui/app.js'], conflict: true, conflict_files: ['ui/app.js'] },
    ]);
    const s = Object.fromEntries(r.data.sessions.map((x) => [x.name, x]));
    expect(s.d).toMatchObject({ base_conflict: true, base_conflict_files: ['docs/index.md'], outside_component: ['ui/app.js'], in_other_components: [{ session: 'c', component: 'ui', files: ['ui/app.js'] }] });
    expect(s.a).toMatchObject({ base_conflict: false, changed: ['docs/long.md', 'server/app.py'], outside_component: ['docs/long.md'], in_other_components: [{ session: 'd', component: 'docs', files: ['docs/long.md'] }] });
    expect(s.c).toMatchObject({ mode: 'clone', changed: ['docs/long.md', 'ui/app.js'], error: null });

    expect(snapshot(a.path!)).toEqual(before.a);
    expect(snapshot(c.path!)).toEqual(before.c);
    // the merges wrote trees and blobs, but into a scratch folder: not one object file more in either repository
    expect(objectFiles(repo)).toEqual(before.objects);
    expect(objectFiles(c.path!)).toEqual(before.cObjects);
    expect(gitIn(repo, 'worktree', 'list', '--porcelain')).toBe(before.worktrees);
    expect(gitIn(repo, 'for-each-ref')).toBe(before.refs);

    const table = make(repo, 'conflicts', {}, env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^a <-> b\s+server\/app.py\s+CONFLICT in server\/app.py$/m);
    expect(table.stdout).toMatch(/^a <-> c\s+docs\/long.md\s+merges cleanly$/m);
    expect(table.stdout).toMatch(/^d\s+2\s+CONFLICT in docs\/index.md\s+ui\/app.js\s+c \(ui\): ui\/app.js$/m);
  });

  it('checks all pairs of 50 sessions, skipping the pairs that cannot clash', async ({ skip }) => {
    skipWithout(mode, skip);
    const long = Array.from({ length: 12 }, (_, i) => `line ${i}\n`);
    const repo = makeRepo({ files: { 'docs/long.md': long.join('') } });
    const ctx = await loadContext(repo, { cwd: process.cwd(), env: process.env });
    const names = Array.from({ length: 50 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const extra: Record<string, Record<string, string>> = {
      s00: { 'README.md': 'zero\n' },
      s01: { 'README.md': 'one\n' },
      s02: { 'docs/long.md': ['FIRST\n', ...long.slice(1)].join('') },
      s03: { 'docs/long.md': [...long.slice(0, 11), 'LAST\n'].join('') },
      s04: { 'ui/app.js': 'mine\n' },
      s06: { 'server/x': 'a file\n' },
      s07: { 'server/x/y.py': 'a file in a folder\n' },
    };
    for (const n of names) {
      gitIn(repo, 'checkout', '-q', '-b', `feature/${n}`, 'main');
      commitFiles(repo, { [`server/${n}.py`]: `${n}\n`, ...(extra[n] ?? {}) }, n);
    }
    gitIn(repo, 'checkout', '-q', 'main');
    commitFiles(repo, { 'ui/app.js': 'main\n' }, 'main moves');
    const records = names.map((n) => record(n, n === 's49' ? 'ui' : 'server', ctx.root));
    for (const r of records) writeSession(ctx.root, r);

    const objects = objectFiles(repo);
    const radar = await conflictRadar(ctx, undefined, { mergeTree: mode });
    expect(radar.merge_tree).toBe(mode);
    expect(radar.sessions).toHaveLength(50);
    expect(radar.pairs.map((p) => [p.a, p.b, p.files, p.conflict])).toEqual([
      ['s00', 's01', ['README.md'], true],
      ['s02', 's03', ['docs/long.md'], false],
      ['s06', 's07', [], true],
    ]);
    // Of 1225 pairs, 3 can clash; merging per merge, the far-apart edits of s02/s03 are proven clean without git.
    // And each session is merged against the moved base.
    expect(radar.merges).toBe((mode === 'stdin' ? 3 : 2) + 50);
    expect(radar.sessions.filter((s) => s.base_conflict).map((s) => s.name)).toEqual(['s04']);
    expect(radar.sessions.find((s) => s.name === 's04')?.in_other_components).toEqual([{ session: 's49', component: 'ui', files: ['ui/app.js'] }]);
    expect(radar.sessions.every((s) => s.error === null)).toBe(true);

    const marks = await conflictMarks(ctx, records, { mergeTree: mode });
    const marked = Object.fromEntries([...marks].filter(([, v]) => v.length));
    expect(marked).toEqual({ s00: ['s01'], s01: ['s00'], s04: ['base'], s06: ['s07'], s07: ['s06'] });
    expect(marks.get('s10')).toEqual([]);
    expect(objectFiles(repo)).toEqual(objects);
  });
});

describe('where git lacks merge-tree --stdin', () => {
  it('make conflicts refuses PARALLEL_MERGE_TREE=stdin with one line', ({ skip }) => {
    skip(GIT_HAS_STDIN, `git ${GIT_VERSION} has merge-tree --stdin`);
    const r = make(makeRepo(), 'conflicts', {}, { PARALLEL_MERGE_TREE: 'stdin' });
    expect(r.exit).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/git merge-tree --stdin needs git 2\.40 or later; this is git 2\.\d+$/m);
  });
});

it('make conflicts takes PARALLEL_MERGE_TREE=stdin or per-merge, and nothing else', () => {
  const r = make(makeRepo(), 'conflicts', {}, { PARALLEL_MERGE_TREE: 'pairs' });
  expect(r.exit).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/PARALLEL_MERGE_TREE="pairs": expected one of stdin, per-merge$/m);
});
