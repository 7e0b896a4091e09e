// end-session never deletes what it could not account for: ignored files a session made, commits only its
// copy or clone holds, a copy moved by hand or cut off from git. Each case compares files and refs before
// and after, refused and with force=1.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo, writeFiles } from '../helpers/repo.ts';

interface EndJson {
  outcome: string;
  removed_copy: string | null;
  archived_to: string;
  kept_in: string | null;
  kept_files: string[];
  kept_refs: string[];
  discarded: { unpushed: string[]; ignored: string[]; stashes: string[] };
}

function newSession(repo: string, name: string, extra: Record<string, string> = {}): string {
  const r = makeJson<{ path: string }>(repo, 'new-session', { name, component: 'server', shared: '1', ...extra });
  expect(r.code, r.stderr).toBe(0);
  return r.data.path;
}

/** Every file under dir (its .git folder aside) with its content, for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (at: string) => {
    for (const name of readdirSync(at)) {
      const p = join(at, name);
      if (name === '.git' && at === dir) continue;
      if (lstatSync(p).isDirectory()) visit(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  visit(dir);
  return out;
}

const refs = (repo: string) => gitIn(repo, 'for-each-ref', '--format=%(objectname) %(refname)');
const reachable = (repo: string, sha: string) => gitIn(repo, 'for-each-ref', '--contains', sha, '--format=%(refname)').split('\n').filter(Boolean);

function refusedOneLine(r: { exit: number; stderr: string }, re: RegExp): void {
  expect(r.exit, r.stderr).toBe(1);
  expect(r.stderr).toMatch(re);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('case 3: git-ignored files the session made', () => {
  const ignoring = (repo: string) => commitFiles(repo, { '.gitignore': '.parallel/\n.env\n.env.local\n*.log\nnode_modules/\n__pycache__/\ndata/\n' }, 'ignore more');

  it('keeps them in the archive (build output and unchanged copies aside) and says where', () => {
    const repo = makeRepo();
    ignoring(repo);
    writeFileSync(join(repo, '.env'), 'A=1\n');
    const path = newSession(repo, 'notes');
    writeFiles(path, {
      'ui/.env.local': 'SECRET=only-here\n',
      'notes.log': 'what I found out\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      'server/__pycache__/app.cpython-311.pyc': 'bytecode',
    });
    const r = makeJson<EndJson>(repo, 'end-session', { name: 'notes' });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(r.data.kept_in).toBe(join(r.data.archived_to, 'kept'));
    expect(r.data.kept_files.sort()).toEqual(['notes.log', 'ui/.env.local']);
    expect(snapshot(r.data.kept_in as string)).toEqual({ 'notes.log': 'what I found out\n', 'ui/.env.local': 'SECRET=only-here\n' });
    // the plain output says where
    const again = newSession(repo, 'notes2');
    writeFileSync(join(again, 'notes.log'), 'more\n');
    const text = make(repo, 'end-session', { name: 'notes2' });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/kept\s+1 git-ignored path\(s\) in \S+\/archive\/sessions\/notes2-\S+\/kept: notes\.log/);
  });

  it('refuses when they are too big to keep, and force=1 keeps what fits and says what it threw away', () => {
    const repo = makeRepo();
    ignoring(repo);
    const path = newSession(repo, 'big');
    writeFiles(path, { 'ui/.env.local': 'SECRET=1\n', 'data/dump.sql': '' });
    truncateSync(join(path, 'data/dump.sql'), 80 * 1024 * 1024); // sparse: big to stat, cheap to make
    const before = snapshot(path);
    const r = make(repo, 'end-session', { name: 'big' });
    refusedOneLine(r, /git-ignored.*too big to keep.*data\/.*disposable:.*force=1/);
    expect(snapshot(path)).toEqual(before);
    expect(existsSync(join(repo, '.parallel/sessions/big/session.json'))).toBe(true);

    const f = makeJson<EndJson>(repo, 'end-session', { name: 'big', force: 1 });
    expect(f.code, f.stderr).toBe(0);
    expect(f.data.discarded.ignored).toEqual(['data/']);
    expect(snapshot(f.data.kept_in as string)).toEqual({ 'ui/.env.local': 'SECRET=1\n' });
    expect(existsSync(path)).toBe(false);
  });

  it('reads disposable: from the config', () => {
    const repo = makeRepo();
    ignoring(repo);
    writeFileSync(join(repo, 'parallel.config.yaml'), `${readFileSync(join(repo, 'parallel.config.yaml'), 'utf8')}disposable: ['*.log']\n`);
    gitIn(repo, 'commit', '-qam', 'logs are disposable');
    const path = newSession(repo, 'cfg');
    writeFiles(path, { 'notes.log': 'x\n', 'node_modules/a.js': 'a\n' });
    const r = makeJson<EndJson>(repo, 'end-session', { name: 'cfg' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.kept_files).toEqual(['node_modules/']);
    expect(snapshot(r.data.kept_in as string)).toEqual({ 'node_modules/a.js': 'a\n' });
  });
});

describe('case 4: commits only the copy holds, and a copy moved by hand', () => {
  it('a detached commit in a copy moved out of reach: refused, then kept under a ref with force=1', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'det');
    gitIn(path, 'checkout', '-q', '--detach');
    const sha = commitFiles(path, { 'server/d.py': 'd\n' }, 'detached work');
    const away = join(dirname(dirname(path)), 'elsewhere');
    mkdirSync(away);
    renameSync(path, join(away, 'det'));
    const worktrees = gitIn(repo, 'worktree', 'list', '--porcelain');
    const r = make(repo, 'end-session', { name: 'det' });
    refusedOneLine(r, /1 commit neither merged nor pushed \([0-9a-f]+ detached work\).*force=1/);
    expect(gitIn(repo, 'worktree', 'list', '--porcelain')).toBe(worktrees);
    expect(gitIn(repo, 'branch', '--list', 'feature/det')).toContain('feature/det');

    const f = make(repo, 'end-session', { name: 'det', force: 1 });
    expect(f.code, f.stderr).toBe(0);
    const kept = reachable(repo, sha);
    expect(kept).toEqual([expect.stringMatching(/^refs\/parallel\/archive\/sessions\/det-[0-9TZ]+\/HEAD$/)]);
    expect(f.stdout).toContain(kept[0]);
    expect(f.stdout).toMatch(/git branch NAME refs\/parallel\/archive\/sessions\/det-/);
  });

  it('a copy moved by hand beside the others: found, refused; force=1 ends it there', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'mv');
    writeFileSync(join(path, 'server/wip.py'), 'wip\n');
    const moved = `${path}-old`;
    renameSync(path, moved);
    const before = snapshot(moved);
    const r = make(repo, 'end-session', { name: 'mv' });
    refusedOneLine(r, new RegExp(`was moved by hand to ${moved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*mv `));
    expect(snapshot(moved)).toEqual(before);
    expect(gitIn(moved, 'status', '--porcelain')).toBe('?? server/wip.py');

    const f = makeJson<EndJson & { discarded: { uncommitted: string[] } }>(repo, 'end-session', { name: 'mv', force: 1 });
    expect(f.code, f.stderr).toBe(0);
    expect(f.data.removed_copy).toBe(moved);
    expect(f.data.discarded.uncommitted).toEqual(['server/wip.py']);
    expect(existsSync(moved)).toBe(false);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('never prunes another worktree whose folder is away', () => {
    const repo = makeRepo();
    newSession(repo, 'mine');
    const other = newSession(repo, 'other');
    renameSync(other, join(dirname(dirname(other)), 'other-away'));
    const r = make(repo, 'end-session', { name: 'mine' });
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${other}\n`);
    expect(gitIn(join(dirname(dirname(other)), 'other-away'), 'status', '--porcelain=v2', '--branch')).toContain('# branch.head feature/other');
  });
});

describe('case 5: a worktree that lost its .git link', () => {
  it('refuses, even with force=1, and says how to repair it; nothing is deleted', () => {
    const repo = makeRepo({ config: 'worktree_root: .sessions\ncomponents: { server: { paths: [server/] } }\n' });
    writeFileSync(join(repo, '.git/info/exclude'), '/.sessions/\n');
    const path = newSession(repo, 'cut');
    commitFiles(repo, { 'WORK_LOG.md': readFileSync(join(repo, 'WORK_LOG.md'), 'utf8') }, 'work log'); // the main checkout is clean
    writeFileSync(join(path, 'server/app.py'), 'edited\n');
    writeFileSync(join(path, 'server/wip.py'), 'wip\n');
    rmSync(join(path, '.git'));
    const before = snapshot(path);
    for (const force of [0, 1]) {
      const r = make(repo, 'end-session', { name: 'cut', force });
      refusedOneLine(r, /cannot read the copy .*\.sessions\/cut.*git -C \S+ worktree repair;/);
      expect(snapshot(path)).toEqual(before);
    }
    expect(existsSync(join(repo, '.parallel/sessions/cut/session.json'))).toBe(true);
    // the advice works: repaired, the copy's own work is seen again
    gitIn(repo, 'worktree', 'repair');
    refusedOneLine(make(repo, 'end-session', { name: 'cut' }), /2 uncommitted files/);
  });
});

describe('case 6: clone mode checks every ref of the clone against the main repository', () => {
  it('a pushed branch deleted in the main repository: refused, then kept with force=1', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'cl', { mode: 'clone' });
    const sha = commitFiles(path, { 'server/c.py': 'c\n' }, 'clone work');
    gitIn(path, 'push', '-q', 'origin', 'feature/cl');
    gitIn(repo, 'branch', '-q', '-D', 'feature/cl');
    const r = make(repo, 'end-session', { name: 'cl' });
    refusedOneLine(r, /1 commit neither merged nor pushed \([0-9a-f]+ clone work\)/);
    expect(gitIn(path, 'rev-parse', 'HEAD')).toBe(sha);

    const f = makeJson<EndJson>(repo, 'end-session', { name: 'cl', force: 1 });
    expect(f.code, f.stderr).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(reachable(repo, sha)).toEqual([expect.stringMatching(/^refs\/parallel\/archive\/sessions\/cl-[0-9TZ]+\/heads\/feature\/cl$/)]);
    expect(f.data.kept_refs).toEqual(reachable(repo, sha));
  });

  it('commits reachable only from a tag, a note or a stash of the clone: refused, then kept with force=1', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'tags', { mode: 'clone' });
    const tagged = commitFiles(path, { 'server/t.py': 't\n' }, 'tagged only');
    gitIn(path, 'tag', '-a', '-m', 'mark', 'v-local');
    gitIn(path, 'reset', '-q', '--hard', 'HEAD~1');
    gitIn(path, 'notes', 'add', '-m', 'a note', 'HEAD');
    const notes = gitIn(path, 'rev-parse', 'refs/notes/commits');
    writeFileSync(join(path, 'server/app.py'), 'stashed\n');
    gitIn(path, 'stash', '-q');
    const stash = gitIn(path, 'rev-parse', 'refs/stash');
    const mainRefs = refs(repo);
    const r = make(repo, 'end-session', { name: 'tags' });
    refusedOneLine(r, /2 commits neither merged nor pushed \((?=[^)]*tagged only)(?=[^)]*Notes added)[^)]*\) and 1 stash entry/);
    expect(refs(repo)).toBe(mainRefs);
    expect(gitIn(path, 'rev-parse', 'v-local^{commit}')).toBe(tagged);

    const f = makeJson<EndJson>(repo, 'end-session', { name: 'tags', force: 1 });
    expect(f.code, f.stderr).toBe(0);
    expect(reachable(repo, tagged)).toEqual([expect.stringMatching(/\/tags\/v-local$/)]);
    expect(reachable(repo, stash)).toEqual([expect.stringMatching(/\/stash\/0$/)]);
    expect(reachable(repo, notes)).toEqual([expect.stringMatching(/\/notes\/commits$/)]);
  });

  it('a clone whose commits cannot be read is a refusal, not a pass', () => {
    const repo = makeRepo();
    const path = newSession(repo, 'broken', { mode: 'clone' });
    const sha = commitFiles(path, { 'server/b.py': 'b\n' }, 'unreadable');
    rmSync(join(path, '.git/objects', sha.slice(0, 2), sha.slice(2)));
    const r = make(repo, 'end-session', { name: 'broken' });
    expect(r.exit, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(path, 'server/b.py'))).toBe(true);
  });
});
