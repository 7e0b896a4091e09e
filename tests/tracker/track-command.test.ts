import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAKEFILE, make, makeJson } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt, readLog, readStatus, shellWorker, track, TRACK } from '../helpers/tracker.ts';

beforeAll(() => ensureBuilt());

describe('the track command', () => {
  it('records the worker that called it: an agent that runs each command in a fresh `sh -c`, not that shell', () => {
    const dir = tempDir();
    const root = join(dir, '.parallel');
    // This test process plays the agent: it runs the command through sh -c, as agents' tools do.
    const viaShell = spawnSync('sh', ['-c', `make -s -f "${MAKEFILE}" track event=start workspace=w session=agent; true`], { cwd: dir, encoding: 'utf8' });
    expect(viaShell.status, viaShell.stderr).toBe(0);
    expect(readStatus(root, 'w', 'agent').pid).toBe(process.pid);
    // the same worker may start its session again (a retry), without being refused as "already running"
    expect(spawnSync('sh', ['-c', `node "${TRACK}" event=start workspace=w session=agent`], { cwd: dir }).status).toBe(0);
  });

  it('records the worker that called it: the shell script, not make, not node', () => {
    const dir = tempDir();
    const root = join(dir, '.parallel');
    const direct = shellWorker(dir, `node "${TRACK}" event=start workspace=w session=direct message='a job'`);
    expect(direct.code, direct.stderr).toBe(0);
    expect(readStatus(root, 'w', 'direct')).toMatchObject({ state: 'running', pid: direct.pid, task_description: 'a job' });

    const viaMake = shellWorker(dir, `make -s -f "${MAKEFILE}" track event=start workspace=w session=viamake`);
    expect(viaMake.code, viaMake.stderr).toBe(0);
    expect(readStatus(root, 'w', 'viamake').pid).toBe(viaMake.pid);

    const r = track(dir, { event: 'heartbeat', workspace: 'w', session: 'viamake', progress: 30, pid: 4242 });
    expect(r.code, r.stderr).toBe(0);
    expect(readStatus(root, 'w', 'viamake')).toMatchObject({ pid: 4242, progress_pct: 30 });
  });

  it('reports every event with make track, and refuses what makes no sense with one line', () => {
    const dir = tempDir();
    const root = join(dir, '.parallel');
    const vars = { workspace: 'ci', session: 'job' };
    expect(make(dir, 'track', { ...vars, event: 'start', message: 'nightly job' }).code).toBe(0);
    expect(make(dir, 'track', { ...vars, event: 'heartbeat', progress: 25, message: 'step 1' }).code).toBe(0);
    expect(make(dir, 'track', { ...vars, event: 'error', message: 'retrying; x && y' }).code).toBe(0);
    expect(make(dir, 'track', { ...vars, event: 'complete', output: 'a.txt,b/c.txt', message: 'done' }).code).toBe(0);
    expect(readStatus(root, 'ci', 'job')).toMatchObject({ state: 'completed', progress_pct: 100, output_files: ['a.txt', 'b/c.txt'], errors: [{ message: 'retrying; x && y' }] });
    expect(readLog(root, 'ci', 'job').map((e) => e.event)).toEqual(['start', 'heartbeat', 'error', 'complete']);

    const cases: [Record<string, string | number>, number, RegExp][] = [
      [{ ...vars, event: 'heartbeat' }, 1, /ci\/job has already completed; send event=start/],
      [{ ...vars, event: 'bogus' }, 2, /event=bogus: expected one of start, heartbeat, error, complete, fail/],
      [{ ...vars, event: 'heartbeat', progress: 150 }, 2, /progress=150: expected a number from 0 to 100/],
      [{ ...vars, event: 'heartbeat', progress: 'half' }, 2, /progress=half: expected a number/],
      [{ ...vars, event: 'fail' }, 2, /event=fail needs message=TEXT/],
      [{ event: 'heartbeat' }, 2, /workspace= and session= needed/],
      [{ ...vars, session: '../../etc', event: 'start' }, 2, /session="..\/..\/etc" is not a valid name/],
      [{ ...vars, event: 'start', colour: 'red' }, 2, /unknown option colour=/],
    ];
    for (const [v, exit, re] of cases) {
      const r = make(dir, 'track', v);
      expect(r.exit, `${JSON.stringify(v)}: ${r.stderr}`).toBe(exit);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readStatus(root, 'ci', 'job').state).toBe('completed');
  });

  it('inside a session made by new-session, finds its workspace and session by itself', () => {
    const repo = makeRepo();
    const created = makeJson<{ path: string }>(repo, 'new-session', { name: 'login', component: 'ui' });
    expect(created.code, created.stderr).toBe(0);
    const sub = join(created.data.path, 'ui');
    const worker = shellWorker(sub, `make -s -f "${MAKEFILE}" track event=heartbeat progress=40 message='form drafted'`);
    expect(worker.code, worker.stderr).toBe(0);
    const root = join(repo, '.parallel');
    expect(readStatus(root, 'sessions', 'login')).toMatchObject({ state: 'running', progress_pct: 40, message: 'form drafted', pid: worker.pid, task_description: expect.stringContaining('login') });

    const list = makeJson<{ name: string; tracker_state: string; progress_pct: number }[]>(repo, 'list-sessions');
    expect(list.data.find((r) => r.name === 'login')).toMatchObject({ tracker_state: 'crashed', progress_pct: 40 }); // the shell has exited
    const mon = make(repo, 'monitor', { workspace: 'sessions' });
    expect(mon.stdout).toMatch(/login\s+crashed\s+\S+\s+\[########-{12}\]\s+40%\s+feature login \(ui\): form drafted/);
  });

  it('finds the state folder of the main checkout from a plain git worktree, and PARALLEL_DIR overrides it', () => {
    const repo = makeRepo();
    const wt = join(repo, '..', 'plain-wt');
    gitIn(repo, 'worktree', 'add', '-q', wt, '-b', 'plain');
    expect(track(join(wt, 'server'), { event: 'start', workspace: 'w', session: 'fromwt' }).code).toBe(0);
    expect(readStatus(join(repo, '.parallel'), 'w', 'fromwt').state).toBe('running');

    const elsewhere = tempDir();
    const r = track(wt, { event: 'start' }, { PARALLEL_DIR: elsewhere, PARALLEL_WORKSPACE: 'envws', PARALLEL_SESSION: 'envs' });
    expect(r.code, r.stderr).toBe(0);
    expect(readStatus(elsewhere, 'envws', 'envs').state).toBe('running');
  });

  it('the prebuilt bundle imports nothing but Node built-ins', () => {
    const text = readFileSync(TRACK, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s?.startsWith('node:'))).toEqual([]);
  });
});
