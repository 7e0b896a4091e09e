// A pid the system could never have is refused at once, and the session's status stays readable.
import { tempDir } from '../helpers/repo.ts';
import { describe, expect, it } from 'vitest';
import { SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { SessionMonitor } from '../../scripts/lib/monitor/monitor.ts';
import { kit } from '../helpers/make.ts';

describe('track pid=', () => {
  it('refuses a pid out of range with a one-line usage error, leaving the status valid', () => {
    const root = tempDir('kit-pid-');
    const vars = { dir: root, workspace: 'w', session: 's' };
    expect(kit(root, 'track', { ...vars, event: 'start' }).exit).toBe(0);
    for (const pid of ['99999999999999999999', '2147483648']) {
      const r = kit(root, 'track', { ...vars, event: 'heartbeat', pid });
      expect(r.exit, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/pid=\d+: expected (a process id|a whole number from 1 to 2147483647)/);
    }
    const view = new SessionMonitor({ root }).snapshot().sessions.find((s) => s.session_id === 's');
    expect(view?.state).not.toBe('corrupt');
    expect(() => new SessionTracker({ root, workspace: 'w', sessionId: 's', pid: 2 ** 53 })).toThrow(/expected a process id/);
  });
});
