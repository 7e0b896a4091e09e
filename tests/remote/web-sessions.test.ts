// Issue 18 item 1: web sessions (branches a web session pushed to the remote) listed, in the radar, adopted;
// a vanished one drops out; an unreachable remote leaves every local command as it was, with one warning.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo, originOf, pushFromElsewhere, tempDir } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';
import type { RemoteListing } from '../../scripts/lib/web/list.ts';
import type { RemoteRadar } from '../../scripts/lib/web/radar.ts';
import type { SessionRecord } from '../../scripts/lib/store/schemas.ts';
import { allRefs, closedPort, webClone } from './web.ts';

type Adopted = SessionRecord & { adopted_from: string; agent_files: string[]; remote: { reached: boolean }; warnings: string[] };
const noCodex = () => ({ CODEX_HOME: tempDir('kit-codex-'), OPENCODE_CONFIG_DIR: '' });
const names = (l: RemoteListing) => l.remote_branches.map((b) => b.branch);
/** The local rows without what moves by itself (ages). */
const steady = (rows: RemoteListing['sessions']) => rows.map(({ heartbeat_age_s: _a, state_for_s: _f, ...r }) => r);

describe('web sessions on the remote', () => {
  let repo: string;
  let bare: string;
  let web: ReturnType<typeof webClone>;
  let fixTip: string;

  beforeAll(() => {
    repo = makeRepo({ origin: true });
    bare = originOf(repo);
    const login = newSession(repo, 'login', { shared: 0 });
    commitFiles(login.path!, { 'server/app.py': 'print("login")\n' }, 'login work');
    web = webClone(bare);
    fixTip = web.push('claude/fix-x', { 'server/app.py': 'print("web")\n' });
    web.push('codex/ui-y', { 'ui/app.js': 'console.log("codex")\n' });
    web.push('feature/not-web', { 'docs/x.md': 'x\n' });
    pushFromElsewhere(bare, { 'docs/team.md': 'team\n' }); // the base moves on the remote: each web branch is 1 behind
  });

  it('list-sessions remote=1: the unowned matching branches with branch, last commit, author, ahead/behind, conflicts; nothing pushed', () => {
    const before = allRefs(bare);
    const r = makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.data.remote).toEqual({ remote: 'origin', reached: true, warning: null, error: null, missing: false });
    expect(names(r.data)).toEqual(['claude/fix-x', 'codex/ui-y']);
    const fix = r.data.remote_branches[0]!;
    expect(fix).toMatchObject({ name: 'origin/claude/fix-x', remote: 'origin', branch: 'claude/fix-x', tip: fixTip, author: 'Web Agent', base: 'main', base_ref: 'origin/main', ahead: 1, behind: 1, conflicts: ['login'], error: null });
    expect(fix.last_commit).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(fix.last_commit_age_s).toBeGreaterThanOrEqual(0);
    expect(r.data.remote_branches[1]).toMatchObject({ branch: 'codex/ui-y', conflicts: [], ahead: 1, behind: 1 });
    expect(r.data.sessions.map((s) => [s.name, s.conflicts])).toEqual([['login', ['origin/claude/fix-x']]]);
    expect(allRefs(bare)).toBe(before);

    const table = make(repo, 'list-sessions', { remote: 1 });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Branches on origin that no session here owns (claude/*, codex/*; ahead/behind origin/main):');
    expect(table.stdout).toMatch(/claude\/fix-x +\S+ +Web Agent +\+1\/-1 +login +/);
    expect(table.stdout).not.toContain('feature/not-web');
    // without remote=1: the list as it always was, no fetch
    expect(makeJson<unknown[]>(repo, 'list-sessions').data).toHaveLength(1);
  });

  it('conflicts remote=1: a real conflict between a local session and a web branch, what to do about it; the hook cache stays local', () => {
    const r = makeJson<RemoteRadar>(repo, 'conflicts', { remote: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.remote_branches).toEqual(['origin/claude/fix-x', 'origin/codex/ui-y']);
    expect(r.data.sessions.map((s) => s.name)).toEqual(['login', 'origin/claude/fix-x', 'origin/codex/ui-y']);
    const pair = r.data.pairs.find((p) => p.a === 'login' && p.b === 'origin/claude/fix-x');
    expect(pair).toMatchObject({ conflict: true, conflict_files: ['server/app.py'] });
    expect(pair?.next).toContain('make adopt branch=claude/fix-x component=C');
    expect(r.data.sessions.find((s) => s.name === 'origin/claude/fix-x')).toMatchObject({ outside_component: [], in_other_components: [{ session: 'login', component: 'server', files: ['server/app.py'] }] });
    const cache = join(repo, '.parallel', '.cache', 'radar-sessions.json');
    if (existsSync(cache)) expect(readFileSync(cache, 'utf8')).not.toContain('origin/claude');
    const plain = makeJson<RemoteRadar>(repo, 'conflicts');
    expect(plain.data.sessions.map((s) => s.name)).toEqual(['login']);
  });

  it('make adopt: a full session on a local branch that tracks the web branch; refusals are one line; it leaves the remote list', () => {
    const before = allRefs(bare);
    const worklog = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    const r = makeJson<Adopted>(repo, 'adopt', { branch: 'claude/fix-x', component: 'docs', agent: 'claude' }, noCodex());
    expect(r.code, r.stderr).toBe(0);
    const s = r.data;
    expect(s).toMatchObject({ name: 'fix-x', branch: 'claude/fix-x', base: 'main', component: 'docs', mode: 'worktree', state: 'active', adopted_from: 'origin/claude/fix-x', agent: 'claude' });
    expect(gitIn(s.path!, 'rev-parse', 'HEAD')).toBe(fixTip);
    expect(gitIn(s.path!, 'rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}')).toBe('origin/claude/fix-x');
    expect(s.port).toBeGreaterThanOrEqual(8001);
    expect(JSON.parse(readFileSync(join(repo, '.parallel/sessions/fix-x/session.json'), 'utf8'))).toMatchObject({ component: 'docs', adopted_from: 'origin/claude/fix-x' });
    expect(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8').startsWith(worklog)).toBe(true);
    expect(worklogField(repo, s.uid, 'Branch')).toBe('`claude/fix-x` (from `main`)');
    expect(s.agent_files.length).toBeGreaterThan(0);
    for (const f of s.agent_files) expect(existsSync(f), f).toBe(true);
    expect(allRefs(bare)).toBe(before);

    const again = make(repo, 'adopt', { branch: 'claude/fix-x', component: 'docs' });
    expect([again.exit, again.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(again.stderr).toContain("branch claude/fix-x is already session 'fix-x' (adopted)");
    const missing = make(repo, 'adopt', { branch: 'claude/nothing-here', component: 'docs' });
    expect(missing.exit).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^adopt: there is no branch claude\/nothing-here on origin; .*list-sessions remote=1 shows the branches there$/);
    const taken = make(repo, 'adopt', { branch: 'codex/ui-y', name: 'login', component: 'ui' });
    expect([taken.exit, taken.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(taken.stderr).toContain("a session named 'login' already exists");
    gitIn(repo, 'branch', 'codex/ui-y', 'main');
    const local = make(repo, 'adopt', { branch: 'codex/ui-y', component: 'ui' });
    expect([local.exit, local.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(local.stderr).toContain('a local branch codex/ui-y exists already');
    gitIn(repo, 'branch', '-D', 'codex/ui-y');
    const other = make(repo, 'adopt', { branch: 'feature/not-web', component: 'ui' });
    expect(other.exit).toBe(2);
    expect(gitIn(repo, 'branch', '--list', 'codex/*', 'feature/not-web')).toBe('');

    const listed = makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 });
    expect(names(listed.data)).toEqual(['codex/ui-y']);
    expect(listed.data.sessions.map((x) => [x.name, x.conflicts])).toEqual([['fix-x', ['login']], ['login', ['fix-x']]]);
  });

  it('an adopted session is ended only when nothing is lost: its local commits count until they are on the remote branch', () => {
    const path = join(repo, '..', 'repo-sessions', 'fix-x');
    commitFiles(path, { 'docs/web.md': 'more\n' }, 'local commit on the adopted branch');
    const refused = make(repo, 'end-session', { name: 'fix-x' });
    expect(refused.exit).toBe(1);
    expect(refused.stderr).toContain('1 commit neither merged nor pushed');
    expect(existsSync(path)).toBe(true);
    gitIn(path, 'push', '-q');
    const ended = makeJson<{ branch_deleted: boolean; branch_kept_reason: string | null }>(repo, 'end-session', { name: 'fix-x' });
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.data).toMatchObject({ branch_deleted: false });
    expect(gitIn(bare, 'rev-parse', 'refs/heads/claude/fix-x')).toBe(gitIn(repo, 'rev-parse', 'claude/fix-x'));
  });

  it('a branch merged and deleted on the remote drops out', () => {
    web.remove('codex/ui-y');
    const r = makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(names(r.data)).not.toContain('codex/ui-y');
    expect(gitIn(repo, 'for-each-ref', 'refs/remotes/origin/codex/')).toBe('');
    const radar = makeJson<RemoteRadar>(repo, 'conflicts', { remote: 1 });
    expect(radar.data.remote_branches).not.toContain('origin/codex/ui-y');
  });
});

describe('adopt is all or nothing', () => {
  it('a failing setup command leaves no branch, copy, record, claim or WORK_LOG entry', () => {
    const repo = makeRepo({ origin: true, config: `${DEFAULT_CONFIG}setup: exit 3\n` });
    webClone(originOf(repo)).push('claude/broken', { 'server/b.py': 'b\n' });
    const worklog = existsSync(join(repo, 'WORK_LOG.md')) ? readFileSync(join(repo, 'WORK_LOG.md'), 'utf8') : null;
    const r = make(repo, 'adopt', { branch: 'claude/broken', component: 'server' });
    expect(r.exit).toBe(1);
    expect(gitIn(repo, 'branch', '--list', 'claude/*')).toBe('');
    expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).not.toContain('claude');
    expect(existsSync(join(repo, '..', 'repo-sessions', 'broken'))).toBe(false);
    expect(existsSync(join(repo, '.parallel/sessions/broken/session.json'))).toBe(false);
    expect(existsSync(join(repo, 'WORK_LOG.md')) ? readFileSync(join(repo, 'WORK_LOG.md'), 'utf8') : null).toBe(worklog);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});

describe('a remote that cannot be reached', () => {
  it('a path that does not exist, then a closed port on 127.0.0.1: local commands unchanged, remote=1 gives exactly one warning line', async () => {
    const closed = await closedPort();
    const repo = makeRepo({ origin: true });
    webClone(originOf(repo)).push('claude/seen', { 'server/w.py': 'w\n' });
    newSession(repo, 'here');
    expect(makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 }).data.remote.reached).toBe(true);
    const plainBefore = make(repo, 'list-sessions', { json: 1 });
    for (const url of [join(repo, '..', 'gone.git'), `http://127.0.0.1:${closed}/repo.git`]) {
      gitIn(repo, 'remote', 'set-url', 'origin', url);
      const plain = make(repo, 'list-sessions', { json: 1 });
      expect([plain.code, plain.stderr]).toEqual([0, '']);
      expect(steady(JSON.parse(plain.stdout))).toEqual(steady(JSON.parse(plainBefore.stdout)));
      const r = makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^list-sessions: warning: could not fetch from origin \(.+\); going on with what was fetched before\n$/);
      expect(r.data.remote.reached).toBe(false);
      expect(steady(r.data.sessions)).toEqual(steady(JSON.parse(plain.stdout)));
      expect(names(r.data)).toEqual(['claude/seen']); // as fetched before
      const radar = make(repo, 'conflicts', { remote: 1 });
      expect(radar.code).toBe(0);
      expect(radar.stderr).toMatch(/^conflicts: warning: could not fetch from origin [^\n]*\n$/);
    }
    expect(make(repo, 'new-session', { name: 'offline', component: 'ui', shared: 1 }).code).toBe(0);
  });

  it('no remote at all: one warning line, the local list', () => {
    const repo = makeRepo();
    newSession(repo, 'solo');
    const r = makeJson<RemoteListing>(repo, 'list-sessions', { remote: 1 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("list-sessions: warning: no remote 'origin' in this repository (config remote:); going on with this machine alone\n");
    expect(r.data.sessions.map((s) => s.name)).toEqual(['solo']);
    expect(r.data.remote_branches).toEqual([]);
  });
});
