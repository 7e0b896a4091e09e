import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { KIT_BIN, make, makeAsync, makeJson } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';
import { agoIso, sleeper, statusPath, writeStatus } from '../helpers/tracker.ts';


/** A state folder with sessions in known states; the running one belongs to a live process. */
function fixture(): { root: string; env: NodeJS.ProcessEnv } {
  const root = tempDir();
  const live = sleeper();
  const t = (id: string, ws = 'jobs') => new SessionTracker({ root, workspace: ws, sessionId: id, pid: live.pid });
  t('api').start('build the api');
  t('api').error('flaky test');
  t('api').error('flaky test again');
  t('api').heartbeat({ progressPct: 42, message: 'compiling' });
  t('docs').start('write docs');
  t('docs').complete({ message: 'published' });
  t('lint').start('lint the code');
  t('lint').complete();
  t('ui').start('rework ui');
  t('ui').heartbeat({ progressPct: 50 });
  t('ui').error('lint warnings');
  t('ui').fail('tests fail');
  t('nightly', 'ci').start('nightly');
  return { root, env: { PARALLEL_DIR: root } };
}

const normalize = (out: string, root: string) =>
  out
    .replaceAll(root, '<root>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d|Z/g, '<time>')
    .replace(/at \d\d:\d\d:\d\d/g, 'at <hh:mm:ss>')
    // how long each session has been in its state (the column after the state)
    .replace(/^( {2}\S+ +\S+ +)(?:\d+[smhd]|-) +(?=\[)/gm, '$1<for>  ');

describe('make monitor', () => {
  it('draws a dashboard: totals by state name, one line per session with a 20-character bar, its task and last message, the poll time; no colour codes', () => {
    const { root, env } = fixture();
    const r = make(root, 'monitor', {}, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b[');
    expect(normalize(r.stdout, root)).toBe(
      [
        'Sessions in <root>',
        'total 5  running 2  completed 2  failed 1',
        '',
        // the task, and the last message when the worker said one; non-fatal errors counted
        '  ci/nightly  running    <for>  [--------------------]   0%  nightly',
        '  jobs/api    running    <for>  [########------------]  42%  build the api: compiling (2 errors)',
        '  jobs/docs   completed  <for>  [####################] 100%  write docs: published',
        '  jobs/lint   completed  <for>  [####################] 100%  lint the code',
        // the failure's message once, on its row; the error before it counted there
        '  jobs/ui     failed     <for>  [##########----------]  50%  rework ui: tests fail (1 earlier error)',
        '',
        'Polled at <time>',
        '',
      ].join('\n'),
    );
    const one = make(root, 'monitor', { workspace: 'ci' }, env);
    expect(normalize(one.stdout, root)).toContain('Sessions in <root> (workspace ci)\ntotal 1  running 1\n');
    expect(one.stdout).toMatch(/^ {2}nightly +running/m);
  });

  it('the totals line names the states as json=1 does, a session not started yet included', () => {
    const root = tempDir();
    const env = { PARALLEL_DIR: root };
    writeStatus(root, 'w', 'later', { state: 'created', task_description: 'feature later (ui)', message: '', started_at: null, last_heartbeat: null, progress_pct: 0 });
    writeStatus(root, 'w', 'soon', { state: 'created', task_description: 'feature soon (ui)', message: '', started_at: null, last_heartbeat: null, progress_pct: 0 });
    writeStatus(root, 'w', 'old', { host: 'elsewhere.example', last_heartbeat: agoIso(3600) });
    const r = make(root, 'monitor', {}, env);
    expect(r.code, r.stderr).toBe(0);
    const totals = r.stdout.split('\n')[1] as string;
    expect(totals).toBe('total 3  stale 1  created 2');
    expect(r.stdout).toMatch(/^ {2}w\/later +created +- +\[-{20}\] +0% +feature later \(ui\)$/m);
    const j = makeJson<{ totals: Record<string, number> }>(root, 'monitor', {}, env);
    expect(j.data.totals).toEqual({ total: 3, created: 2, running: 0, waiting_input: 0, idle: 0, completed: 0, failed: 0, ended: 0, timed_out: 0, stale: 1, crashed: 0, corrupt: 0, blocked: 0 });
    // every word of the totals line is a key of json=1's totals, with the same count
    for (const [state, count] of totals.split(/ {2}/).map((p) => p.split(' '))) expect(j.data.totals[state as string], state).toBe(Number(count));
  });

  it('a failed session whose last error is not its failure shows that error under the row', () => {
    const root = tempDir();
    writeStatus(root, 'w', 'odd', { state: 'failed', task_description: 'migrate', message: 'gave up', errors: [{ at: agoIso(5), message: 'disk full' }] });
    const r = make(root, 'monitor', {}, { PARALLEL_DIR: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/w\/odd +failed .* migrate: gave up \(1 earlier error\)\n +last error at \d\d:\d\d:\d\d: disk full\n/);
  });

  it('an empty dashboard says how to start a session', () => {
    const root = tempDir();
    const r = make(root, 'monitor', {}, { PARALLEL_DIR: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(1, 4)).toEqual(['total 0', '', `  no sessions yet; start one with ${KIT_BIN} new-session name=NAME component=C`]);
  });

  it('json=1 gives the machine-readable form; session=S log=1 the event log', () => {
    const { root, env } = fixture();
    const j = makeJson<{ totals: Record<string, number>; sessions: { session_id: string; state: string; progress_pct: number; last_error: { message: string } | null }[] }>(root, 'monitor', {}, env);
    expect(j.data.totals).toMatchObject({ total: 5, running: 2, completed: 2, failed: 1 });
    expect(j.data.sessions.find((s) => s.session_id === 'ui')).toMatchObject({ state: 'failed', progress_pct: 50, last_error: { message: 'tests fail' } });

    const log = make(root, 'monitor', { session: 'ui', log: 1 }, env);
    expect(log.code, log.stderr).toBe(0);
    const rows = log.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^AT +EVENT +PROGRESS +PID +MESSAGE$/);
    expect(rows.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(['start', 'heartbeat', 'error', 'fail']);
    expect(rows[3]).toContain('lint warnings');
    const logJson = makeJson<{ event: string }[]>(root, 'monitor', { session: 'ui', log: 1 }, env);
    expect(logJson.data.map((e) => e.event)).toEqual(['start', 'heartbeat', 'error', 'fail']);

    for (const [vars, re] of [
      [{ log: 1 }, /log=1 needs session=NAME/],
      [{ session: 'nope' }, /no session nope in/],
      [{ timeout: 5 }, /timeout= goes with wait=1/],
      [{ poll: 0, watch: 1 }, /poll=0: expected a whole number of at least 1/],
      [{ workspace: '../x' }, /workspace="..\/x" is not a valid name/],
    ] as const) {
      const r = make(root, 'monitor', vars, env);
      expect(r.exit, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });

  it('shows a corrupt status.json as corrupt and goes on', () => {
    const { root, env } = fixture();
    writeFileSync(statusPath(root, 'jobs', 'docs'), '{ "oops": ');
    const r = make(root, 'monitor', {}, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^total 5  running 2  completed 1  failed 1  corrupt 1$/m);
    expect(r.stdout).toMatch(/jobs\/docs +corrupt +- +\[-{20}\] +- +\(.*status.json is not valid JSON\)/);
    expect(r.stdout).toMatch(/jobs\/api +running/);
  });

  it('wait=1 exits 0 when all completed, 1 when one failed, 124 on timeout, printing the final dashboard', async () => {
    const root = tempDir();
    const env = { PARALLEL_DIR: root };
    const a = new SessionTracker({ root, workspace: 'w', sessionId: 'a' });
    const b = new SessionTracker({ root, workspace: 'w', sessionId: 'b' });
    a.start('a');
    b.start('b');
    a.complete();
    const timedOut = make(root, 'monitor', { wait: 1, timeout: 1 }, env);
    expect(timedOut.exit, timedOut.stderr).toBe(124);
    expect(timedOut.stdout).toMatch(/^total 2 {2}running 1 {2}completed 1$/m);
    expect(timedOut.stderr).toMatch(/timed out after 1s; not ended: b \(running\)/);

    const waiting = makeAsync(root, 'monitor', { wait: 1, timeout: 60, poll: 30 }, env);
    await new Promise((r) => setTimeout(r, 1500));
    b.heartbeat({ progressPct: 90 });
    b.complete();
    const done = await waiting;
    expect(done.exit, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^total 2 {2}completed 2$/m);
    expect(done.stdout.match(/^Polled at/gm)).toHaveLength(1);

    b.start('again');
    b.fail('broke');
    const failed = make(root, 'monitor', { wait: 1, timeout: 30 }, env);
    expect(failed.exit).toBe(1);
    expect(failed.stdout).toMatch(/^ {2}w\/b +failed +\d+[smh] +\[-{20}\] +0% +again: broke$/m);
    expect(failed.stdout).not.toMatch(/last error/);
    expect(failed.stderr).toMatch(/not every session completed: b \(failed\)/);
  });

  it('a session silent for longer than heartbeat_timeout= is stale, and wait=1 counts it as not completed', () => {
    const root = tempDir();
    writeStatus(root, 'w', 'silent', { host: 'elsewhere.example', pid: 4242, started_at: agoIso(60), last_heartbeat: agoIso(30) });
    const env = { PARALLEL_DIR: root };
    expect(make(root, 'monitor', {}, env).stdout).toMatch(/w\/silent +running/);
    const r = make(root, 'monitor', { wait: 1, heartbeat_timeout: 10, timeout: 30 }, env);
    expect(r.exit).toBe(1);
    expect(r.stdout).toMatch(/w\/silent +stale .*\(no heartbeat for \d+s; limit 10s\)/);
    expect(make(root, 'monitor', { session_timeout: 20 }, env).stdout).toMatch(/w\/silent +timed_out .*\(running for \d+s; limit 20s\)/);
  });
});

describe('make monitor watch=1', () => {
  it('redraws as states change (without a terminal: a new dashboard per change) and stops with wait=1', async () => {
    const { spawn } = await import('node:child_process');
    const { MAKEFILE } = await import('../helpers/make.ts');
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'w', sessionId: 'job' });
    t.start('job');
    const child = spawn('make', ['-s', '--no-print-directory', '-f', MAKEFILE, 'monitor', 'watch=1', 'wait=1', 'timeout=60'], { cwd: root, env: { ...process.env, PARALLEL_DIR: root } });
    let out = '';
    const firstDraw = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('Polled at')) resolve();
      }),
    );
    const exit = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    await firstDraw;
    t.heartbeat({ progressPct: 60, message: 'almost' });
    t.complete({ message: 'all good' });
    expect(await exit).toBe(0);
    const dashboards = out.split(/^Sessions in /m).filter(Boolean);
    expect(dashboards.length).toBeGreaterThanOrEqual(2);
    expect(dashboards[0]).toMatch(/w\/job +running/);
    expect(dashboards.at(-1)).toMatch(/w\/job +completed +\d+[smh] +\[#{20}\] 100% +job: all good/);
    expect(out).not.toContain('\u001b[');
  });
});
