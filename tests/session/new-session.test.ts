import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeAsync, makeJson } from '../helpers/make.ts';
import { listenHere, repoWithFreePorts } from '../helpers/ports.ts';
import { DEFAULT_CONFIG, gitIn, makeRepo, tempDir, withPorts } from '../helpers/repo.ts';
import type { Created } from '../helpers/session.ts';

function snapshot(repo: string) {
  return {
    branches: gitIn(repo, 'branch', '--list', '--format=%(refname:short)'),
    worktrees: gitIn(repo, 'worktree', 'list', '--porcelain'),
    worklog: existsSync(join(repo, 'WORK_LOG.md')) ? readFileSync(join(repo, 'WORK_LOG.md'), 'utf8') : null,
    sessions: existsSync(join(repo, '.parallel/sessions')) ? readdirSync(join(repo, '.parallel/sessions')) : [],
  };
}

describe('make', () => {
  it('lists every target with one line each when called without one', () => {
    const r = make(makeRepo(), '');
    expect(r.code).toBe(0);
    for (const t of ['init', 'new-session', 'list-sessions', 'ports', 'end-session', 'track', 'monitor', 'demo', 'sync', 'sync-all', 'conflicts', 'finish-session', 'test']) {
      expect(r.stdout).toMatch(new RegExp(`^  make -f \\S+/Makefile ${t} +\\S`, 'm'));
    }
  });
});

describe('make new-session', () => {
  it('creates branch, worktree, env file, lease, record, status and WORK_LOG entry, on the lowest port nothing listens on', async () => {
    const { repo, low } = await repoWithFreePorts(3);
    writeFileSync(join(repo, '.env'), 'SECRET=1\n');
    // another program on the machine holds the lowest port of the range: the session gets the next one
    const held = await listenHere(low);
    const r = makeJson<Created>(repo, 'new-session', { name: 'login', component: 'ui' });
    await held.close();
    expect(r.code, r.stderr).toBe(0);
    const s = r.data;
    expect(s.branch).toBe('feature/login');
    expect(s.path).toBe(join(repo, '..', 'repo-sessions', 'login'));
    expect(s.port).toBe(low + 1);
    expect(s.env.PORT).toBe(String(low + 1));
    expect(gitIn(s.path!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('feature/login');
    expect(gitIn(repo, 'rev-parse', 'feature/login')).toBe(gitIn(repo, 'rev-parse', 'main'));
    expect(readFileSync(join(s.path!, '.env'), 'utf8')).toBe('SECRET=1\n');
    const envText = readFileSync(join(s.path!, '.parallel-session.env'), 'utf8');
    expect(envText).toContain(`export PORT='${s.port}'`);
    expect(envText).toContain(`export PARALLEL_DIR='${join(repo, '.parallel')}'`);
    expect(gitIn(s.path!, 'status', '--porcelain')).toBe(''); // env file and copied .env are ignored
    const record = JSON.parse(readFileSync(join(repo, '.parallel/sessions/login/session.json'), 'utf8'));
    expect(record).toMatchObject({ name: 'login', state: 'active', port: low + 1, component: 'ui', kind: 'feature', base: 'main', mode: 'worktree' });
    const status = JSON.parse(readFileSync(join(repo, '.parallel/sessions/login/status.json'), 'utf8'));
    expect(status).toMatchObject({ session_id: 'login', workspace: 'sessions', state: 'created' });
    const log = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    expect(log).toContain('feature/login');
    expect(log).toMatch(/Status:\**\s*IN PROGRESS/);
    expect(log).toContain(`- **Port:** ${low + 1}`);
  });

  it.each([
    [{ name: 'x"; touch /tmp/kit-pwned; echo "', component: 'server' }, /name=.*contains/],
    [{ name: 'x$(shell touch /tmp/kit-pwned)', component: 'server' }, /name="x\$\(shell touch \/tmp\/kit-pwned\)" contains/],
    [{ name: 'ok', component: 'server', nmae: '$(shell touch /tmp/kit-pwned)' }, /unknown option nmae=/],
    [{ name: '-rf', component: 'server' }, /starts with '-'/],
    [{ name: 'a..b', component: 'server' }, /contains '\.\.'/],
    [{ name: 'x'.repeat(65), component: 'server' }, /at most 64/],
    [{ name: 'ok', component: 'nope' }, /component="nope" is not in/],
    [{ name: 'ok' }, /component= is required/],
    [{ component: 'server' }, /name= is required/],
    [{ name: 'ok', component: 'server', kind: 'chore' }, /kind="chore": expected one of feature, bugfix, debug, refactor/],
    [{ name: 'ok', component: 'server', mode: 'copy' }, /mode="copy"/],
    [{ name: 'ok', component: 'server', base: 'nope' }, /base="nope" is not a local branch/],
    [{ name: 'ok', component: 'server', profile: 'prod' }, /profile="prod"/],
    [{ name: 'ok', component: 'server', colour: 'red' }, /unknown option colour=/],
  ])('refuses bad input %j with exit 2, one line, and creates nothing', (vars, re) => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const r = make(repo, 'new-session', vars as Record<string, string>);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync('/tmp/kit-pwned')).toBe(false);
  });

  it('refuses a claimed component naming its owner, unless shared=1', () => {
    const repo = makeRepo();
    expect(make(repo, 'new-session', { name: 'a', component: 'server' }).code).toBe(0);
    const r = make(repo, 'new-session', { name: 'b', component: 'server' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/component 'server' is claimed by session 'a'.*shared=1/);
    expect(gitIn(repo, 'branch', '--list', 'feature/b')).toBe('');
    expect(existsSync(join(repo, '..', 'repo-sessions', 'b'))).toBe(false);
    const shared = makeJson<Created>(repo, 'new-session', { name: 'b', component: 'server', shared: 1, kind: 'bugfix' });
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.data.branch).toBe('fix/b');
    expect(shared.data.port).not.toBe(makeJson<{ port: number }[]>(repo, 'list-sessions').data.find((x) => (x as unknown as { name: string }).name === 'a')?.port);
  });

  it('undoes everything when the setup command fails', () => {
    const repo = makeRepo({ config: 'components: { server: { paths: [server/] } }\nsetup: "echo preparing; exit 3"\n' });
    const before = snapshot(repo);
    const r = make(repo, 'new-session', { name: 'bad', component: 'server' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/could not run the setup command .*exit code 3.*undone/);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo, '..', 'repo-sessions', 'bad'))).toBe(false);
    expect(existsSync(join(repo, '.parallel/sessions/bad'))).toBe(false);
    expect(makeJson<unknown[]>(repo, 'list-sessions').data).toEqual([]);
  });

  it('fails cleanly when the branch or the folder exists', () => {
    const repo = makeRepo();
    gitIn(repo, 'branch', 'feature/taken');
    const r = make(repo, 'new-session', { name: 'taken', component: 'server' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/branch feature\/taken already exists/);
    const dir = join(repo, '..', 'repo-sessions', 'there');
    gitIn(repo, 'init', '-q', dir);
    const r2 = make(repo, 'new-session', { name: 'there', component: 'server' });
    expect(r2.exit).toBe(1);
    expect(r2.stderr).toMatch(/already exists/);
    expect(gitIn(repo, 'branch', '--list', 'feature/there')).toBe('');
  });

  it('copies .env and .worktreeinclude files, and runs the setup command in the copy with the session environment', () => {
    const repo = makeRepo({ config: 'components: { server: { paths: [server/] } }\nsetup: "echo $PORT-$PARALLEL_SESSION > .setup-ran"\nprofiles: { dev: { APP_ENV: development } }\n' });
    writeFileSync(join(repo, '.worktreeinclude'), '# local settings\nconfig/*.local.json\n');
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config/db.local.json'), '{"db": 1}\n');
    writeFileSync(join(repo, 'config/other.json'), '{}\n');
    const r = makeJson<Created>(repo, 'new-session', { name: 'withsetup', component: 'server', profile: 'dev' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.data.path!, '.setup-ran'), 'utf8')).toBe(`${r.data.port}-withsetup\n`);
    expect(r.data.env.APP_ENV).toBe('development');
    expect(readFileSync(join(r.data.path!, 'config/db.local.json'), 'utf8')).toBe('{"db": 1}\n');
    expect(existsSync(join(r.data.path!, 'config/other.json'))).toBe(false);
  });

  it('makes a clone whose origin is the main repository, and a branch-only session', () => {
    const repo = makeRepo();
    const c = makeJson<Created>(repo, 'new-session', { name: 'cl', component: 'server', mode: 'clone' });
    expect(c.code, c.stderr).toBe(0);
    expect(gitIn(c.data.path!, 'remote', 'get-url', 'origin')).toBe(repo);
    expect(gitIn(c.data.path!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('feature/cl');
    expect(readFileSync(join(c.data.path!, '.parallel-session.env'), 'utf8')).toContain(`PARALLEL_MAIN='${repo}'`);
    // commands run from inside the clone find the main checkout
    const inside = makeJson<{ name: string }[]>(c.data.path!, 'list-sessions');
    expect(inside.data.map((s) => s.name)).toEqual(['cl']);
    const b = makeJson<Created>(repo, 'new-session', { name: 'br', component: 'ui', mode: 'branch' });
    expect(b.code, b.stderr).toBe(0);
    expect(b.data.path).toBeNull();
    expect(gitIn(repo, 'branch', '--list', 'feature/br')).toContain('feature/br');
    expect(existsSync(b.data.env_file)).toBe(true);
  });

  it('gives 10 concurrent sessions the 10 ports of the range, one each, and 10 intact WORK_LOG entries', async () => {
    const { repo, low } = await repoWithFreePorts(10, { config: 'components:\n  server: { paths: [server/] }\n' });
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const results = await Promise.all(names.map((name) => makeAsync(repo, 'new-session', { name, component: 'server', shared: 1, json: 1 })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ports = results.map((r) => (JSON.parse(r.stdout) as Created).port);
    expect(ports.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => low + i));
    const log = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
    for (const n of names) {
      expect(log.match(new RegExp(`parallel-session:begin [^\\n]*name=${n} `, 'g'))).toHaveLength(1);
    }
    expect(log.match(/parallel-session:end /g)).toHaveLength(10);
    const list = makeJson<{ name: string; state: string }[]>(repo, 'list-sessions');
    expect(list.data.map((s) => s.state)).toEqual(Array(10).fill('active'));
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(11);
  });

  it('never leases a port that a session of another repository on this machine holds', async () => {
    const { repo: one, low } = await repoWithFreePorts(3);
    const two = makeRepo({ config: withPorts(DEFAULT_CONFIG, low, low + 2) });
    const a = makeJson<Created>(one, 'new-session', { name: 'a', component: 'server' });
    const b = makeJson<Created>(two, 'new-session', { name: 'b', component: 'server' });
    expect(a.code + b.code).toBe(0);
    expect([a.data.port, b.data.port]).toEqual([low, low + 1]);
    // once the other repository's session has ended, its port is free again
    expect(make(one, 'end-session', { name: 'a' }).code).toBe(0);
    const c = makeJson<Created>(two, 'new-session', { name: 'c', component: 'ui' });
    expect(c.data.port).toBe(low);
  });

  it('works from a subfolder and with repo=PATH from elsewhere', () => {
    const repo = makeRepo();
    const r = makeJson<Created>(join(repo, 'server'), 'new-session', { name: 'sub', component: 'server' });
    expect(r.code, r.stderr).toBe(0);
    const elsewhere = tempDir();
    const r2 = makeJson<{ name: string }[]>(elsewhere, 'list-sessions', { repo });
    expect(r2.data.map((s) => s.name)).toEqual(['sub']);
    const r3 = make(elsewhere, 'list-sessions');
    expect(r3.exit).toBe(2);
    expect(r3.stderr).toMatch(/not inside a git repository; pass repo=PATH/);
  });
});
