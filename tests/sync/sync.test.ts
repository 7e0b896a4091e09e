import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, commitOnBranch, gitIn, makeRepo, originOf, pushFromElsewhere } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';

interface Line {
  name: string;
  result: string;
  ok: boolean;
  onto: string | null;
  before: string | null;
  after: string | null;
  conflicts: string[];
  dirty: string[];
  message: string | null;
}
interface Summary {
  ok: boolean;
  fetch: { remote: boolean; fetched: boolean };
  targets: { base: string; ref: string; sha: string }[];
  sessions: Line[];
}

const byName = (s: Summary) => Object.fromEntries(s.sessions.map((l) => [l.name, l]));
const contains = (cwd: string, ancestor: string, ref = 'HEAD') => {
  try {
    gitIn(cwd, 'merge-base', '--is-ancestor', ancestor, ref);
    return true;
  } catch {
    return false;
  }
};

describe('make sync-all', () => {
  it('fetches, then rebases worktree, clone and branch sessions onto origin/<base> without moving the local base', () => {
    const repo = makeRepo({ origin: true });
    const bare = originOf(repo);
    const wt = newSession(repo, 'wt');
    const cl = newSession(repo, 'cl', { mode: 'clone' });
    newSession(repo, 'br', { mode: 'branch' });
    const wtWork = commitFiles(wt.path!, { 'server/wt.py': 'wt\n' }, 'wt work');
    commitFiles(cl.path!, { 'server/cl.py': 'cl\n' }, 'cl work');
    commitOnBranch(repo, 'feature/br', { 'server/br.py': 'br\n' }, 'br work');
    const localMain = gitIn(repo, 'rev-parse', 'main');
    const teammate = pushFromElsewhere(bare, { 'docs/team.md': 'team\n' });

    const r = makeJson<Summary>(repo, 'sync-all');
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.ok).toBe(true);
    expect(r.data.fetch).toMatchObject({ remote: true, fetched: true });
    expect(r.data.targets).toEqual([{ base: 'main', ref: 'origin/main', sha: teammate }]);
    const lines = byName(r.data);
    for (const n of ['wt', 'cl', 'br']) expect(lines[n]).toMatchObject({ result: 'rebased', ok: true, onto: teammate });
    expect(contains(wt.path!, teammate)).toBe(true);
    expect(gitIn(wt.path!, 'log', '-1', '--format=%s')).toBe('wt work');
    expect(gitIn(wt.path!, 'rev-parse', 'HEAD')).not.toBe(wtWork);
    expect(contains(cl.path!, teammate)).toBe(true);
    expect(readFileSync(join(cl.path!, 'server/cl.py'), 'utf8')).toBe('cl\n');
    expect(contains(repo, teammate, 'feature/br')).toBe(true);
    expect(gitIn(repo, 'log', '-1', '--format=%s', 'feature/br')).toBe('br work');
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(localMain);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(2); // main + wt: no leftover temporary worktree

    const rec = JSON.parse(readFileSync(join(repo, '.parallel/sessions/wt/session.json'), 'utf8'));
    expect(rec.last_sync).toMatchObject({ result: 'rebased', onto: teammate });
    expect(worklogField(repo, wt.uid, 'Last sync')).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d rebased onto ${teammate.slice(0, 7)}$`));

    const again = make(repo, 'sync-all');
    expect(again.code, again.stderr).toBe(0);
    for (const n of ['wt', 'cl', 'br']) expect(again.stdout).toMatch(new RegExp(`^${n}\\s+up to date\\s`, 'm'));
  });

  it('aborts a conflict leaving the copy byte-identical, skips a dirty copy, reports a removed one, and exits non-zero', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.env'), 'SECRET=1\n');
    const conf = newSession(repo, 'conf');
    const dirty = newSession(repo, 'dirty');
    const gone = newSession(repo, 'gone');
    const fine = newSession(repo, 'fine');
    newSession(repo, 'brc', { mode: 'branch' });
    newSession(repo, 'held', { mode: 'branch' });
    // conf: a first commit that applies, then one that conflicts, so the rebase stops half-way
    commitFiles(conf.path!, { 'server/new.py': 'new\n' }, 'conf 1');
    commitFiles(conf.path!, { 'server/app.py': 'print("conf")\n' }, 'conf 2');
    writeFileSync(join(dirty.path!, 'server/app.py'), 'uncommitted\n');
    writeFileSync(join(dirty.path!, 'scratch.txt'), 'scratch\n');
    commitFiles(fine.path!, { 'server/fine.py': 'fine\n' }, 'fine');
    const brc = commitOnBranch(repo, 'feature/brc', { 'server/app.py': 'print("brc")\n' }, 'brc');
    gitIn(repo, 'worktree', 'add', '-q', join(repo, '..', 'held-by-hand'), 'feature/held');
    rmSync(gone.path!, { recursive: true, force: true });
    commitFiles(repo, { 'server/app.py': 'print("main")\n', 'ui/other.js': 'other\n' }, 'main moves');

    const before = { conf: snapshot(conf.path!), dirty: snapshot(dirty.path!) };
    const r = makeJson<Summary>(repo, 'sync-all');
    expect(r.code).not.toBe(0);
    expect(r.data.ok).toBe(false);
    const lines = byName(r.data);
    expect(lines.conf).toMatchObject({ result: 'conflict', ok: false, conflicts: ['server/app.py'] });
    expect(lines.dirty).toMatchObject({ result: 'dirty', ok: false });
    expect(lines.dirty?.dirty.sort()).toEqual(['scratch.txt', 'server/app.py']);
    expect(lines.gone).toMatchObject({ result: 'missing', ok: false });
    expect(lines.fine).toMatchObject({ result: 'rebased', ok: true });
    expect(lines.brc).toMatchObject({ result: 'conflict', conflicts: ['server/app.py'] });
    expect(lines.held).toMatchObject({ result: 'error' });
    expect(lines.held?.message).toMatch(/checked out in .*held-by-hand/);

    expect(snapshot(conf.path!)).toEqual(before.conf);
    expect(snapshot(dirty.path!)).toEqual(before.dirty);
    expect(existsSync(join(conf.path!, 'ui/other.js'))).toBe(false);
    expect(gitIn(repo, 'rev-parse', 'feature/brc')).toBe(brc);
    expect(readdirSync(join(repo, '.parallel/tmp'))).toEqual([]);
    expect(worklogField(repo, conf.uid, 'Last sync')).toMatch(/conflict onto [0-9a-f]{7} in server\/app.py \(left as it was\)$/);

    const table = make(repo, 'sync-all');
    expect(table.code).not.toBe(0);
    expect(table.stdout).toMatch(/^conf\s+conflict\s+[0-9a-f]{7}\s+in server\/app.py/m);
    expect(table.stdout).toMatch(/^dirty\s+skipped: dirty\s/m);
    expect(table.stdout).toMatch(/^gone\s+missing\s/m);
    expect(table.stdout).toMatch(/^fine\s+up to date\s/m);
    expect(table.stderr).toMatch(/5 of 6 session\(s\) did not sync/);
    expect(snapshot(conf.path!)).toEqual(before.conf);
  });

  it('autostash=1 keeps staged, unstaged and untracked work across the rebase; strategy=merge merges', () => {
    const repo = makeRepo();
    const st = newSession(repo, 'st');
    const mg = newSession(repo, 'mg');
    commitFiles(mg.path!, { 'server/mg.py': 'mg\n' }, 'mg work');
    writeFileSync(join(st.path!, 'server/app.py'), 'staged\n');
    gitIn(st.path!, 'add', 'server/app.py');
    writeFileSync(join(st.path!, 'README.md'), 'unstaged\n');
    writeFileSync(join(st.path!, 'new.txt'), 'untracked\n');
    const moved = commitFiles(repo, { 'docs/more.md': 'more\n' }, 'main moves');

    const r = makeJson<Summary>(repo, 'sync', { name: 'st', autostash: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.sessions).toEqual([expect.objectContaining({ name: 'st', result: 'rebased' })]);
    expect(gitIn(st.path!, 'rev-parse', 'HEAD')).toBe(moved);
    expect(gitIn(st.path!, 'diff', '--cached', '--name-only')).toBe('server/app.py');
    expect(gitIn(st.path!, 'diff', '--name-only')).toBe('README.md');
    expect(gitIn(st.path!, 'ls-files', '--others', '--exclude-standard')).toBe('new.txt');
    expect(readFileSync(join(st.path!, 'new.txt'), 'utf8')).toBe('untracked\n');
    expect(gitIn(repo, 'stash', 'list')).toBe('');

    const m = makeJson<Summary>(repo, 'sync', { name: 'mg', strategy: 'merge' });
    expect(m.code, m.stderr).toBe(0);
    expect(m.data.sessions[0]).toMatchObject({ result: 'merged', ok: true });
    expect(gitIn(mg.path!, 'log', '-1', '--format=%P').split(' ')).toHaveLength(2);
    expect(gitIn(mg.path!, 'log', '-1', '--format=%s')).toMatch(/^Merge main \([0-9a-f]{7}\) into feature\/mg$/);
  });

  it('refuses bad usage with exit code 2', () => {
    const repo = makeRepo();
    expect(make(repo, 'sync').stderr).toMatch(/name= is required/);
    expect(make(repo, 'sync').code).toBe(2);
    expect(make(repo, 'sync', { name: 'x', strategy: 'squash' }).stderr).toMatch(/strategy=squash: expected/);
    const none = make(repo, 'sync', { name: 'nope' });
    expect(none.stderr).toMatch(/no session named 'nope'/);
    expect(none.stderr).not.toMatch(/\n\s+at /);
  });
});
