// make end-session merged=1: every session whose work is already in the base ends in one step,
// merged by fast-forward, by squash or by rebase; every other one is left as it was, with the reason.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MergedReport } from '../../scripts/lib/session/merged.ts';
import type { SessionRecord } from '../../scripts/lib/store/schemas.ts';
import { asPrinted, kit, KIT_BIN, make, makeJson } from '../helpers/make.ts';
import { commitFiles, commitOnBranch, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';

const refs = (repo: string) => gitIn(repo, 'for-each-ref', '--format=%(objectname) %(refname)');
const hasBranch = (repo: string, b: string) => gitIn(repo, 'branch', '--list', b) !== '';

/** Everything merged=1 could change: refs, worktrees, WORK_LOG.md, the session records, and each copy. */
function repoState(repo: string, copies: string[]) {
  const sessions = join(repo, '.parallel/sessions');
  return {
    refs: refs(repo),
    worktrees: gitIn(repo, 'worktree', 'list', '--porcelain'),
    worklog: readFileSync(join(repo, 'WORK_LOG.md'), 'utf8'),
    records: readdirSync(sessions).map((n) => [n, existsSync(join(sessions, n, 'session.json')) ? readFileSync(join(sessions, n, 'session.json'), 'utf8') : null]),
    archive: existsSync(join(repo, '.parallel/archive')) ? readdirSync(join(repo, '.parallel/archive'), { recursive: true }).sort() : [],
    copies: copies.map((c) => snapshot(c)),
  };
}

describe('make end-session merged=1', () => {
  it('ends the fast-forwarded, squash-merged and rebase-merged sessions; skips unmerged, dirty, fresh and half-made ones; dry=1 changes nothing', () => {
    const repo = makeRepo();
    const ff = newSession(repo, 'ff');
    const sq = newSession(repo, 'sq', { mode: 'clone' });
    newSession(repo, 'rb', { mode: 'branch' });
    const wip = newSession(repo, 'wip');
    const dirty = newSession(repo, 'dirty');
    const fresh = newSession(repo, 'fresh');

    commitFiles(ff.path!, { 'server/ff.py': 'ff\n' }, 'ff work');
    gitIn(repo, 'merge', '-q', '--ff-only', 'feature/ff');
    // squash: two commits in the clone, pushed to the main checkout, squashed into main there
    commitFiles(sq.path!, { 'server/sq.py': 'sq 1\n' }, 'sq one');
    const sqTip = commitFiles(sq.path!, { 'server/sq.py': 'sq 2\n' }, 'sq two');
    gitIn(sq.path!, 'push', '-q', 'origin', 'feature/sq');
    gitIn(repo, 'merge', '-q', '--squash', 'feature/sq');
    gitIn(repo, 'commit', '-q', '-m', 'Squashed sq');
    // rebase: the branch's commits picked onto main, whose lines main then edits again (merge-tree would see a conflict)
    const rb1 = commitOnBranch(repo, 'feature/rb', { 'server/rb.py': 'rb 1\n' }, 'rb one');
    const rbTip = commitOnBranch(repo, 'feature/rb', { 'server/rb.py': 'rb 2\n' }, 'rb two');
    gitIn(repo, 'cherry-pick', rb1, rbTip);
    commitFiles(repo, { 'server/rb.py': 'rb 3, edited on main\n' }, 'main edits rb');
    // not merged: a commit of its own; dirty: merged, with an uncommitted file; fresh: never committed
    commitFiles(wip.path!, { 'server/wip.py': 'wip\n' }, 'wip work');
    commitFiles(dirty.path!, { 'server/d.py': 'd\n' }, 'd work');
    gitIn(repo, 'merge', '-q', '--no-ff', '-m', 'merge dirty', 'feature/dirty');
    commitFiles(repo, { 'docs/after.md': 'after\n' }, 'main moves on');
    const scratch = join(dirty.path!, 'server/scratch.py');
    writeFileSync(scratch, 'not committed\n');
    // a session being created right now (its creator alive) is left alone
    const making: SessionRecord = { ...(JSON.parse(readFileSync(join(repo, '.parallel/sessions/fresh/session.json'), 'utf8')) as SessionRecord), name: 'making', uid: 'making-uid', state: 'creating', creator: { pid: process.pid, host: hostname() }, path: join(repo, '..', 'repo-sessions', 'making') };
    mkdirSync(join(repo, '.parallel/sessions/making'));
    writeFileSync(join(repo, '.parallel/sessions/making/session.json'), JSON.stringify(making));

    const copies = [ff.path!, sq.path!, wip.path!, dirty.path!, fresh.path!];
    const before = repoState(repo, copies);
    const dry = makeJson<MergedReport>(repo, 'end-session', { merged: 1, dry: 1 });
    expect(dry.code, dry.stderr).toBe(0);
    expect(repoState(repo, copies)).toEqual(before);
    const expectedEnded = [
      { name: 'ff', branch: 'feature/ff', why: 'merged into main' },
      { name: 'rb', branch: 'feature/rb', why: 'its commits are in main (rebase merge)' },
      { name: 'sq', branch: 'feature/sq', why: 'its changes are in main (squash or rebase merge)' },
    ];
    expect(dry.data).toEqual({
      dry: true,
      ended: expectedEnded.map((e) => ({ ...e, kept_refs: [] })),
      skipped: [
        { name: 'dirty', why: 'merged into main, but it has 1 uncommitted file (server/scratch.py)' },
        { name: 'fresh', why: 'no commits of its own yet: nothing was merged' },
        { name: 'making', why: 'still being created' },
        { name: 'wip', why: expect.stringMatching(/^not merged into main: 1 commit of its own \([0-9a-f]{7,} wip work\)$/) },
      ],
      warnings: [],
    });
    const dryText = make(repo, 'end-session', { merged: 1, dry: 1 });
    expect(dryText.code, dryText.stderr).toBe(0);
    expect(dryText.stdout).toMatch(/^ff\s+would end\s+merged into main$/m);
    expect(dryText.stdout).toMatch(/^wip\s+would skip\s+not merged into main/m);
    expect(dryText.stdout).toMatch(/dry run: nothing was changed/);
    expect(repoState(repo, copies)).toEqual(before);

    const r = makeJson<MergedReport>(repo, 'end-session', { merged: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.dry).toBe(false);
    expect(r.data.ended.map((e) => e.name)).toEqual(['ff', 'rb', 'sq']);
    expect(r.data.skipped.map((s) => s.name)).toEqual(['dirty', 'fresh', 'making', 'wip']);
    for (const e of r.data.ended) expect(e.why).toMatch(new RegExp(`^${expectedEnded.find((x) => x.name === e.name)!.why.replace(/[()]/g, '\\$&')}; ${e.name === 'rb' ? '' : 'copy removed, '}branch deleted`));
    // copies gone, branches deleted, and the squash- and rebase-merged tips kept where they can be got back
    expect(existsSync(ff.path!)).toBe(false);
    expect(existsSync(sq.path!)).toBe(false);
    for (const b of ['feature/ff', 'feature/sq', 'feature/rb']) expect(hasBranch(repo, b), b).toBe(false);
    const kept = Object.fromEntries(r.data.ended.map((e) => [e.name, e.kept_refs]));
    expect(kept.ff).toEqual([]);
    for (const [name, tip] of [['sq', sqTip], ['rb', rbTip]] as const) {
      expect(kept[name]).toHaveLength(1);
      expect(kept[name]![0]).toMatch(new RegExp(`^refs/parallel/archive/sessions/${name}-[^/]+/`));
      expect(gitIn(repo, 'rev-parse', kept[name]![0]!)).toBe(tip);
      expect(r.data.ended.find((e) => e.name === name)?.why).toContain(`its old tip kept at ${kept[name]![0]}`);
    }
    for (const s of [ff, sq]) expect(worklogField(repo, s.uid, 'Status')).toBe('COMPLETED');
    // the others exactly as they were
    for (const s of [wip, dirty, fresh]) expect(worklogField(repo, s.uid, 'Status')).toBe('IN PROGRESS');
    expect([wip, dirty, fresh].map((s) => snapshot(s.path!))).toEqual(before.copies.slice(2));
    expect(readFileSync(scratch, 'utf8')).toBe('not committed\n');
    expect(makeJson<{ name: string }[]>(repo, 'list-sessions').data.map((s) => s.name)).toEqual(['dirty', 'fresh', 'making', 'wip']);

    const again = make(repo, 'end-session', { merged: 1 });
    expect(again.code, again.stderr).toBe(0);
    const rows = again.stdout.trim().split('\n').slice(1);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['dirty skipped', 'fresh skipped', 'making skipped', 'wip skipped']);
  });

  it('takes name= or merged=1, not both, and dry=1 only with merged=1', () => {
    const repo = makeRepo();
    const none = kit(repo, 'end-session');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(asPrinted('end-session: name= is required: make end-session name=NAME (one session) or make end-session merged=1 (every session already merged)\n'));
    expect(kit(repo, 'end-session', { merged: 1, name: 'x' }).stderr).toContain(`end-session: merged=1 ends every merged session and takes no name=; use ${KIT_BIN} end-session name=NAME`);
    expect(kit(repo, 'end-session', { merged: 1, name: 'x' }).code).toBe(2);
    expect(kit(repo, 'end-session', { name: 'x', dry: 1 }).code).toBe(2);
    expect(kit(repo, 'end-session', { merged: 1, force: 1 }).code).toBe(2);
    const empty = kit(repo, 'end-session', { merged: 1 });
    expect(empty.code, empty.stderr).toBe(0);
  });
});
