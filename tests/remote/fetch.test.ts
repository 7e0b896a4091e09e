// The one fetch (scripts/lib/remote/): what it brings, what it prunes, and a remote that does not answer.
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchArgs, fetchOnce, fetchRemote, publishedRef } from '../../scripts/lib/remote/fetch.ts';
import { fetchedBranches, readFetchedRefs } from '../../scripts/lib/remote/refs.ts';
import { branchRefs } from '../../scripts/lib/git/base.ts';

/** A fresh command's view of the refs (remote/refs.ts memoizes per Context). */
const refsCtx = (main: string) => ({ main, config: { remote: 'origin', base: 'main' } });
import { matchesBranch, validBranchPattern } from '../../scripts/lib/remote/patterns.ts';
import { commitOnBranch, gitIn, makeRepo, originOf } from '../helpers/repo.ts';
import { allRefs, closedPort, webClone } from './web.ts';

const PATTERNS = ['claude/*', 'codex/*'];
const req = { remote: 'origin', branches: PATTERNS, env: process.env };
const hasRef = (repo: string, ref: string) => gitIn(repo, 'for-each-ref', '--format=%(refname)', ref) === ref;

/** A published ref on the remote, made directly with git (a commit of an empty tree). */
function publish(bare: string, path: string): string {
  const tree = gitIn(bare, 'hash-object', '-t', 'tree', '-w', '/dev/null');
  const sha = gitIn(bare, 'commit-tree', tree, '-m', path);
  gitIn(bare, 'update-ref', `refs/parallel/${path}`, sha);
  return sha;
}

describe('fetchRemote', () => {
  it('brings the matched branches and refs/parallel/* in one fetch, leaves FETCH_HEAD and the rest alone, pushes nothing', async () => {
    const repo = makeRepo({ origin: true });
    const bare = originOf(repo);
    const web = webClone(bare);
    const fix = web.push('claude/fix-x', { 'server/web.py': 'x\n' });
    const deep = web.push('codex/a/b', { 'ui/web.js': 'y\n' });
    web.push('feature/other', { 'docs/o.md': 'o\n' });
    const pub = publish(bare, 'sessions/laptop/sessions/login');
    publish(bare, 'claims/sessions/server');
    const bareBefore = allRefs(bare);
    const r = await fetchRemote(repo, req);
    expect(r).toEqual({ remote: 'origin', reached: true, warning: null, error: null, missing: false });
    expect(gitIn(repo, 'rev-parse', 'refs/remotes/origin/claude/fix-x')).toBe(fix);
    expect(gitIn(repo, 'rev-parse', 'refs/remotes/origin/codex/a/b')).toBe(deep);
    expect(hasRef(repo, 'refs/remotes/origin/feature/other')).toBe(false);
    expect(gitIn(repo, 'rev-parse', publishedRef('origin', 'sessions/laptop/sessions/login'))).toBe(pub);
    expect(hasRef(repo, 'refs/parallel-remote/origin/claims/sessions/server')).toBe(true);
    expect(existsSync(join(repo, '.git/FETCH_HEAD'))).toBe(false);
    expect(allRefs(bare)).toBe(bareBefore);
    const listed = await fetchedBranches(refsCtx(repo), PATTERNS);
    expect(listed.map((b) => [b.branch, b.tip, b.author])).toEqual([['claude/fix-x', fix, 'Web Agent'], ['codex/a/b', deep, 'Web Agent']]);
    expect(listed[0]?.committed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('a branch deleted on the remote and a removed published ref drop out on the next fetch', async () => {
    const repo = makeRepo({ origin: true });
    const bare = originOf(repo);
    const web = webClone(bare);
    web.push('claude/gone', { 'server/g.py': 'g\n' });
    web.push('claude/stays', { 'server/s.py': 's\n' });
    publish(bare, 'sessions/m/sessions/old');
    await fetchRemote(repo, req);
    expect(hasRef(repo, 'refs/remotes/origin/claude/gone')).toBe(true);
    web.remove('claude/gone');
    gitIn(bare, 'update-ref', '-d', 'refs/parallel/sessions/m/sessions/old');
    expect((await fetchRemote(repo, req)).reached).toBe(true);
    expect(hasRef(repo, 'refs/remotes/origin/claude/gone')).toBe(false);
    expect(hasRef(repo, 'refs/parallel-remote/origin/sessions/m/sessions/old')).toBe(false);
    expect((await fetchedBranches(refsCtx(repo), PATTERNS)).map((b) => b.branch)).toEqual(['claude/stays']);
  });

  it('fetchOnce: one fetch per owner (the command), however many parts ask', async () => {
    const repo = makeRepo({ origin: true });
    const web = webClone(originOf(repo));
    web.push('claude/first', { 'server/f.py': 'f\n' });
    const owner = {};
    const a = await fetchOnce(owner, repo, req);
    web.push('claude/second', { 'server/s.py': 's\n' });
    expect(await fetchOnce(owner, repo, req)).toBe(a);
    expect(hasRef(repo, 'refs/remotes/origin/claude/second')).toBe(false);
    await fetchOnce({}, repo, req);
    expect(hasRef(repo, 'refs/remotes/origin/claude/second')).toBe(true);
  });
});

describe('a remote that does not answer: reached false and one warning line, never a throw', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));
  const oneLine = (w: string | null) => expect(w).toMatch(/^[^\n]+$/);

  it('no such remote', async () => {
    const repo = makeRepo();
    const r = await fetchRemote(repo, req);
    expect(r.reached).toBe(false);
    oneLine(r.warning);
    expect(r.warning).toContain("no remote 'origin'");
  });

  it('a path that does not exist', async () => {
    const repo = makeRepo({ origin: true });
    gitIn(repo, 'remote', 'set-url', 'origin', join(repo, '..', 'nowhere.git'));
    const r = await fetchRemote(repo, req);
    expect(r.reached).toBe(false);
    oneLine(r.warning);
    expect(r.warning).toMatch(/^could not fetch from origin \(.+\); going on with what was fetched before$/);
  });

  it('a closed port on 127.0.0.1', async () => {
    const repo = makeRepo({ origin: true });
    gitIn(repo, 'remote', 'set-url', 'origin', `http://127.0.0.1:${await closedPort()}/repo.git`);
    const r = await fetchRemote(repo, req);
    expect(r.reached).toBe(false);
    oneLine(r.warning);
  });

  it('a remote that accepts and never answers is cut off at the timeout', async () => {
    const repo = makeRepo({ origin: true });
    const port = await new Promise<number>((resolve) => {
      const s = createServer(() => {}).listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
      servers.push(s);
    });
    gitIn(repo, 'remote', 'set-url', 'origin', `git://127.0.0.1:${port}/repo.git`);
    const r = await fetchRemote(repo, { ...req, timeoutMs: 700 });
    expect(r.reached).toBe(false);
    oneLine(r.warning);
    expect(r.warning).toContain('timed out after 0.7 s');
  });
});

describe('branch patterns', () => {
  it('match the way a refspec glob does: one *, slashes included, else the exact name', () => {
    expect(matchesBranch('claude/*', 'claude/fix-x')).toBe(true);
    expect(matchesBranch('claude/*', 'claude/a/b')).toBe(true);
    expect(matchesBranch('claude/*', 'claudex/a')).toBe(false);
    expect(matchesBranch('fix-*-web', 'fix-1-web')).toBe(true);
    expect(matchesBranch('fix-*-web', 'fix-1-webs')).toBe(false);
    expect(matchesBranch('release', 'release')).toBe(true);
    expect(matchesBranch('release', 'release/1')).toBe(false);
  });

  it('a pattern git could not take in a refspec is invalid', () => {
    for (const ok of ['claude/*', 'codex/*', 'team/*-web', 'main']) expect(validBranchPattern(ok), ok).toBe(true);
    for (const bad of ['', 'a/*/*', '-x', '/a', 'a//b', 'a..b', 'a b', 'a:b', 'a/', 'x.lock', 'a~1', 'a^', 'a?', 'a[b', 'a\\b', 'a@{1']) expect(validBranchPattern(bad), bad).toBe(false);
  });

  it('fetchArgs: the refspecs of the contract', () => {
    expect(fetchArgs('origin', ['claude/*']).slice(-2)).toEqual(['+refs/heads/claude/*:refs/remotes/origin/claude/*', '+refs/parallel/*:refs/parallel-remote/origin/*']);
  });
});

describe('config: remote and remote_sessions', () => {
  it('default to origin and claude/*, codex/*; a bad pattern or remote name is one line naming the key', async () => {
    const { parseConfigText } = await import('../../scripts/lib/config/config.ts');
    expect(parseConfigText('', 'c.yaml')).toMatchObject({ remote: 'origin', remote_sessions: ['claude/*', 'codex/*'] });
    expect(parseConfigText('remote: up\nremote_sessions: [web/*]\n', 'c.yaml')).toMatchObject({ remote: 'up', remote_sessions: ['web/*'] });
    expect(() => parseConfigText('remote_sessions: [a/*/*]\n', 'c.yaml')).toThrow(/^c\.yaml: remote_sessions\.0: expected a branch name or pattern/);
    expect(() => parseConfigText('remote: "-x"\n', 'c.yaml')).toThrow(/^c\.yaml: remote: expected the name of a git remote/);
  });
});

describe("the command's one read of the refs", () => {
  it('holds every ref the radar would read itself (git/base.ts branchRefs), at the same tips: remote=1 radars read none of their own', async () => {
    const repo = makeRepo({ origin: true });
    const web = webClone(originOf(repo));
    web.push('claude/fix-x', { 'server/web.py': 'x\n' });
    gitIn(repo, 'branch', 'feature/local');
    commitOnBranch(repo, 'feature/local', { 'server/local.py': 'l\n' });
    await fetchRemote(repo, req);
    const own = await branchRefs(repo);
    const snapshot = await readFetchedRefs(repo, 'origin');
    expect(own.size).toBeGreaterThanOrEqual(3); // main, feature/local, origin/main at least
    for (const [ref, tip] of own) expect(snapshot.get(ref)?.tip, ref).toBe(tip);
    expect(snapshot.get('refs/remotes/origin/claude/fix-x')?.tip).toBe(gitIn(repo, 'rev-parse', 'refs/remotes/origin/claude/fix-x'));
  });
});
