import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionMonitor } from '../../scripts/lib/monitor/monitor.ts';
import { SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { tempDir } from '../helpers/repo.ts';
import { agoIso, ensureBuilt, killAndReap, readStatus, reapAfterAll, sleeper, statusPath, TRACK, writeStatus } from '../helpers/tracker.ts';

beforeAll(() => ensureBuilt());

const states = (m: SessionMonitor) => Object.fromEntries(m.sessions().map((v) => [`${v.workspace}/${v.session_id}`, v.state]));

function fingerprint(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath, d.name))
    .map((p) => `${relative(dir, p)} ${statSync(p).mtimeMs} ${statSync(p).isFile() ? readFileSync(p, 'utf8').length : 'dir'}`)
    .sort();
}

describe('SessionMonitor', () => {
  it('a worker killed with kill -9 is crashed at once; stale after the timeout when its pid cannot be checked', async () => {
    const root = tempDir();
    // a real worker: a shell that reports through the tracker command, then keeps working
    const script = join(root, 'worker.sh');
    writeFileSync(script, `node "${TRACK}" event=start session=victim message=job && node "${TRACK}" event=heartbeat session=victim progress=30 && echo ok && exec sleep 300\n`);
    const worker = reapAfterAll(spawn('sh', [script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PARALLEL_DIR: root, PARALLEL_WORKSPACE: 'w' } }));
    await new Promise<void>((resolve) => worker.stdout.on('data', () => resolve()));
    const monitor = new SessionMonitor({ root });
    expect(readStatus(root, 'w', 'victim').pid).toBe(worker.pid);
    expect(states(monitor)).toEqual({ 'w/victim': 'running' });

    await killAndReap(worker, 'SIGKILL');
    const crashed = monitor.inspect('w', 'victim');
    expect(crashed).toMatchObject({ state: 'crashed', progress_pct: 30, reason: `its process ${worker.pid} is gone` });

    // the same session seen from another host: the pid cannot be checked, so only silence tells
    const status = readStatus(root, 'w', 'victim');
    writeStatus(root, 'w', 'victim', { ...status, host: 'elsewhere.example' });
    const later = (s: number) => new SessionMonitor({ root, now: () => Date.now() + s * 1000 });
    expect(later(0).inspect('w', 'victim').state).toBe('running');
    expect(later(301).inspect('w', 'victim')).toMatchObject({ state: 'stale', reason: expect.stringMatching(/^no heartbeat for \d+m; limit 5m$/) });
    expect(new SessionMonitor({ root, heartbeatTimeoutS: 30, now: () => Date.now() + 31_000 }).inspect('w', 'victim').state).toBe('stale');
  });

  it('classifies running, timed_out, stale, completed, failed, created and corrupt, and goes on past corrupt files', () => {
    const root = tempDir();
    const live = sleeper();
    writeStatus(root, 'a', 'ok', { pid: live.pid, host: null });
    writeStatus(root, 'a', 'long', { started_at: agoIso(5 * 3600), last_heartbeat: agoIso(1) });
    writeStatus(root, 'a', 'quiet', { last_heartbeat: agoIso(400) });
    writeStatus(root, 'a', 'done', { state: 'completed', progress_pct: 100 });
    writeStatus(root, 'b', 'bad', { state: 'failed', errors: [{ at: agoIso(3), message: 'boom' }] });
    writeStatus(root, 'b', 'waiting', { state: 'created', started_at: null, last_heartbeat: null });
    writeStatus(root, 'b', 'torn', {});
    writeFileSync(statusPath(root, 'b', 'torn'), '{"session_id": "torn", "state": "runn');
    writeStatus(root, 'b', 'invalid', { progress_pct: 150 });
    mkdirSync(join(root, 'b', 'gitsession'));
    writeFileSync(join(root, 'b', 'gitsession', 'session.json'), '{}');
    mkdirSync(join(root, 'b', 'empty'));
    mkdirSync(join(root, 'locks'), { recursive: true });
    writeFileSync(join(root, 'locks', 'sessions.lock'), '{}');
    writeStatus(root, 'archive', 'old', { state: 'completed' });

    const monitor = new SessionMonitor({ root });
    expect(states(monitor)).toEqual({
      'a/done': 'completed',
      'a/long': 'timed_out',
      'a/ok': 'running',
      'a/quiet': 'stale',
      'b/bad': 'failed',
      'b/gitsession': 'created',
      'b/invalid': 'corrupt',
      'b/torn': 'corrupt',
      'b/waiting': 'created',
    });
    expect(monitor.inspect('b', 'torn').reason).toMatch(/status.json is not valid JSON/);
    expect(monitor.inspect('b', 'invalid').reason).toMatch(/at progress_pct/);
    expect(monitor.inspect('b', 'bad').last_error).toMatchObject({ message: 'boom' });
    expect(new SessionMonitor({ root, sessionTimeoutS: 6 * 3600 }).inspect('a', 'long').state).toBe('running');
    expect(monitor.snapshot().totals).toMatchObject({ total: 9, running: 1, completed: 1, failed: 1, timed_out: 1, stale: 1, created: 2, corrupt: 2, crashed: 0 });
    expect(new SessionMonitor({ root, workspace: 'a' }).sessions()).toHaveLength(4);
  });

  it('never writes: every file and folder is as it was after reading, inspecting and reading logs', () => {
    const root = tempDir();
    const t = new SessionTracker({ root, workspace: 'w', sessionId: 's' });
    t.start('s');
    t.heartbeat({ progressPct: 50 });
    writeStatus(root, 'w', 'old', { last_heartbeat: agoIso(9999), pid: 999999, host: 'elsewhere' });
    const before = fingerprint(root);
    const m = new SessionMonitor({ root });
    m.snapshot();
    m.inspect('w', 'old');
    m.inspect('w', 'nope');
    expect(m.log('w', 's').events.map((e) => e.event)).toEqual(['start', 'heartbeat']);
    expect(fingerprint(root)).toEqual(before);
  });
});
