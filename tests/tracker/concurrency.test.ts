import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionMonitor } from '../../scripts/lib/monitor/monitor.ts';
import { logEventSchema, statusSchema } from '../../scripts/lib/store/schemas.ts';
import { SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { tempDir } from '../helpers/repo.ts';
import { ensureBuilt, INDEX, statusPath } from '../helpers/tracker.ts';

beforeAll(() => ensureBuilt());

const BEATS = 150;

/** A separate process that heartbeats one session as fast as it can through the packaged API. */
function hammer(root: string, ws: string, id: string): Promise<number> {
  const code = `
    import { SessionTracker } from ${JSON.stringify(INDEX)};
    const t = new SessionTracker({ root: ${JSON.stringify(root)}, workspace: ${JSON.stringify(ws)}, sessionId: ${JSON.stringify(id)} });
    for (let i = 1; i <= ${BEATS}; i++) t.heartbeat({ progressPct: i % 101, message: 'beat ' + i + ' from ' + process.pid });
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (c) => resolve(c ?? 1));
  });
}

describe('trackers in several processes and a monitor reading at the same time', () => {
  it('the monitor never sees a half-written or invalid file, and no log line is lost or torn', async () => {
    const root = tempDir();
    const sessions = ['alpha', 'beta'];
    for (const id of sessions) new SessionTracker({ root, workspace: 'load', sessionId: id }).start(`${id} job`);
    // two processes per session: they contend for the session lock and rename over each other's writes
    const workers = [...sessions, ...sessions].map((id) => hammer(root, 'load', id));
    let running = true;
    const finished = Promise.all(workers).finally(() => (running = false));

    const monitor = new SessionMonitor({ root });
    const problems: string[] = [];
    let reads = 0;
    while (running) {
      for (const id of sessions) {
        const text = readFileSync(statusPath(root, 'load', id), 'utf8');
        try {
          statusSchema.parse(JSON.parse(text));
        } catch (err) {
          problems.push(`${id}: ${(err as Error).message.slice(0, 80)}`);
        }
      }
      for (const v of monitor.sessions()) if (v.state === 'corrupt') problems.push(`monitor: ${v.reason}`);
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await finished).toEqual([0, 0, 0, 0]);
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(0);

    for (const id of sessions) {
      const lines = readFileSync(join(root, 'load', id, 'log.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(1 + 2 * BEATS);
      for (const l of lines) expect(logEventSchema.safeParse(JSON.parse(l)).success).toBe(true);
      expect(readdirSync(join(root, 'load', id)).sort()).toEqual(['log.jsonl', 'state', 'status.json']); // no temp files, no lock left
      // The state word the agents' shell hooks read says what status.json says, after every writer is done.
      expect(readFileSync(join(root, 'load', id, 'state'), 'utf8')).toBe(`${JSON.parse(readFileSync(join(root, 'load', id, 'status.json'), 'utf8')).state}\n`);
    }
    expect(monitor.sessions().map((v) => v.state)).toEqual(['running', 'running']);
  });
});
