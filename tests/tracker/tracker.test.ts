import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logEventSchema, statusSchema } from '../../scripts/lib/store/schemas.ts';
import { endSessionStatus, initSessionStatus, SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { tempDir } from '../helpers/repo.ts';
import { agoIso, killAndReap, readLog, readStatus, sleeper, statusPath, writeStatus } from '../helpers/tracker.ts';

const ISO_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('SessionTracker', () => {
  it('start, heartbeat, error, complete: valid files, ISO offsets, markers, nothing outside its folder', () => {
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'jobs', sessionId: 'build' });
    const s0 = t.start('build the thing', { owner: 'ci' });
    expect(s0).toMatchObject({ state: 'running', task_description: 'build the thing', progress_pct: 0, pid: process.pid, host: hostname(), metadata: { owner: 'ci' } });
    t.heartbeat({ progressPct: 40, message: 'compiling' });
    const s2 = t.error('a flaky test, retrying');
    expect(s2.state).toBe('running');
    expect(s2.errors.map((e) => e.message)).toEqual(['a flaky test, retrying']);
    t.heartbeat({ progressPct: 80 });
    const done = t.complete({ outputFiles: ['out/app.js'], message: 'built' });

    const status = readStatus(root, 'jobs', 'build');
    expect(statusSchema.parse(status)).toEqual(done);
    expect(status).toMatchObject({ state: 'completed', progress_pct: 100, message: 'built', output_files: ['out/app.js'] });
    for (const k of ['started_at', 'last_heartbeat', 'completed_at'] as const) expect(status[k]).toMatch(ISO_OFFSET);
    expect(status.errors[0]?.at).toMatch(ISO_OFFSET);
    const log = readLog(root, 'jobs', 'build');
    expect(log.map((e) => e.event)).toEqual(['start', 'heartbeat', 'error', 'heartbeat', 'complete']);
    for (const e of log) expect(logEventSchema.safeParse(e).success).toBe(true);
    expect(log[1]).toMatchObject({ progress_pct: 40, message: 'compiling', pid: process.pid });
    expect(filesUnder(root)).toEqual(['jobs/build/COMPLETED', 'jobs/build/log.jsonl', 'jobs/build/state', 'jobs/build/status.json']);
  });

  it('fail records the error and the FAILED marker; later events are refused until a new start, which resets', () => {
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'jobs', sessionId: 'etl' });
    t.start('load');
    t.heartbeat({ progressPct: 30 });
    const failed = t.fail('database unreachable');
    expect(failed).toMatchObject({ state: 'failed', progress_pct: 30, message: 'database unreachable' });
    expect(failed.errors.at(-1)?.message).toBe('database unreachable');
    expect(existsSync(join(root, 'jobs/etl/FAILED'))).toBe(true);
    expect(() => t.heartbeat({ progressPct: 50 })).toThrow(/jobs\/etl has already failed; send event=start/);
    expect(() => t.complete()).toThrow(/already failed/);
    expect(readStatus(root, 'jobs', 'etl').state).toBe('failed');

    const again = t.start();
    expect(again).toMatchObject({ state: 'running', progress_pct: 0, errors: [], completed_at: null, task_description: 'load' });
    expect(existsSync(join(root, 'jobs/etl/FAILED'))).toBe(false);
  });

  it('refuses progress outside 0-100 and events before any start, writing nothing', () => {
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'jobs', sessionId: 'x' });
    expect(() => t.heartbeat({ progressPct: 5 })).toThrow(/send event=start first/);
    expect(existsSync(join(root, 'jobs'))).toBe(false);
    t.start('x');
    for (const p of [-1, 101, Number.NaN]) expect(() => t.heartbeat({ progressPct: p })).toThrow(/from 0 to 100/);
    expect(readStatus(root, 'jobs', 'x').progress_pct).toBe(0);
    expect(readLog(root, 'jobs', 'x')).toHaveLength(1);
  });

  it('rejects ids that are not plain names', () => {
    for (const bad of ['../up', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      expect(() => new SessionTracker({ root: '/tmp/none', workspace: 'w', sessionId: bad })).toThrow(/not a valid name/);
    }
    expect(() => new SessionTracker({ root: '/tmp/none', workspace: 'locks', sessionId: 'a' })).toThrow(/reserved/);
  });

  it('start refuses while a live session of that id runs; a dead or silent one may be restarted', async () => {
    const root = tempDir();
    const worker = sleeper();
    new SessionTracker({ root, workspace: 'w', sessionId: 'job', pid: worker.pid }).start('first');
    const second = new SessionTracker({ root, workspace: 'w', sessionId: 'job' });
    expect(() => second.start('second')).toThrow(new RegExp(`w/job is already running \\(pid ${worker.pid} on `));
    expect(readStatus(root, 'w', 'job')).toMatchObject({ task_description: 'first', pid: worker.pid });

    await killAndReap(worker);
    expect(second.start('second')).toMatchObject({ task_description: 'second', pid: process.pid });

    writeStatus(root, 'w', 'remote', { host: 'elsewhere.example', pid: 4242, last_heartbeat: agoIso(10) });
    expect(() => new SessionTracker({ root, workspace: 'w', sessionId: 'remote' }).start()).toThrow(/already running \(pid 4242 on elsewhere.example, last heartbeat \d+s ago\)/);
    writeStatus(root, 'w', 'remote', { host: 'elsewhere.example', pid: 4242, last_heartbeat: agoIso(600) });
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'remote' }).start().host).toBe(hostname());
  });

  it('keeps the recorded worker while it lives; a report from elsewhere takes over once it is gone', async () => {
    const root = tempDir();
    const worker = sleeper();
    new SessionTracker({ root, workspace: 'w', sessionId: 'j', pid: worker.pid }).start('j');
    const other = new SessionTracker({ root, workspace: 'w', sessionId: 'j' });
    expect(other.heartbeat({ progressPct: 10 }).pid).toBe(worker.pid);
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'j', pid: 4242, pinPid: true }).heartbeat().pid).toBe(4242);
    new SessionTracker({ root, workspace: 'w', sessionId: 'j', pid: worker.pid, pinPid: true }).heartbeat();
    await killAndReap(worker);
    expect(other.heartbeat({ progressPct: 20 }).pid).toBe(process.pid);
  });

  it('refuses to build on a corrupt status.json, and a start replaces it', () => {
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'w', sessionId: 'c' });
    t.start('c');
    writeFileSync(statusPath(root, 'w', 'c'), '{"state": "running", "progr');
    expect(() => t.heartbeat()).toThrow(/status.json of session w\/c is corrupt \(not valid JSON\); send event=start/);
    expect(t.start('again').state).toBe('running');
    expect(statusSchema.safeParse(readStatus(root, 'w', 'c')).success).toBe(true);
  });
});

describe('git session status (new-session / end-session)', () => {
  it('initSessionStatus writes a created status; the first report starts it', () => {
    const root = tempDir();
    initSessionStatus(root, 'sessions', 'login', 'feature login (ui)', { branch: 'feature/login' });
    const created = readStatus(root, 'sessions', 'login');
    expect(statusSchema.safeParse(created).success).toBe(true);
    expect(created).toMatchObject({ state: 'created', pid: null, host: null, started_at: null, metadata: { branch: 'feature/login' } });
    const s = new SessionTracker({ root, workspace: 'sessions', sessionId: 'login' }).heartbeat({ progressPct: 5, message: 'reading' });
    expect(s).toMatchObject({ state: 'running', progress_pct: 5, task_description: 'feature login (ui)', pid: process.pid, metadata: { branch: 'feature/login' } });
    expect(readLog(root, 'sessions', 'login').map((e) => e.event)).toEqual(['created', 'start', 'heartbeat']);
  });

  it('endSessionStatus: ABANDONED fails a running session, COMPLETED completes it, an ended one keeps its state', () => {
    const root = tempDir();
    for (const id of ['a', 'b', 'c']) {
      initSessionStatus(root, 's', id, id, {});
      new SessionTracker({ root, workspace: 's', sessionId: id }).heartbeat({ progressPct: 40 });
    }
    new SessionTracker({ root, workspace: 's', sessionId: 'c' }).fail('broke');
    endSessionStatus(root, 's', 'a', 'ABANDONED');
    endSessionStatus(root, 's', 'b', 'COMPLETED');
    endSessionStatus(root, 's', 'c', 'COMPLETED');
    expect(readStatus(root, 's', 'a')).toMatchObject({ state: 'failed', message: 'abandoned', progress_pct: 40 });
    expect(existsSync(join(root, 's/a/FAILED'))).toBe(true);
    expect(readStatus(root, 's', 'b')).toMatchObject({ state: 'completed', progress_pct: 100 });
    expect(existsSync(join(root, 's/b/COMPLETED'))).toBe(true);
    expect(readStatus(root, 's', 'c')).toMatchObject({ state: 'failed', message: 'broke' });
    for (const id of ['a', 'b', 'c']) {
      const log = readLog(root, 's', id);
      expect(log.at(-1)).toMatchObject({ event: 'ended' });
      for (const e of log) expect(logEventSchema.safeParse(e).success).toBe(true);
    }
  });
});
