// A worker's message is data: an escape sequence in it never reaches the terminal as one.
import { describe, expect, it } from 'vitest';
import { kit, make } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

const TASK = 'fix\u001b]0;pwned\u0007 it\nSESSION  fake  [####################] 100%';
const HOSTILE = 'done\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b[H\nSESSION  fake  [####################] 100%\u009b31m';

describe('terminal escapes from files', () => {
  it('monitor, monitor log=1 and list-sessions show control characters escaped, and the task and the message on their own line', () => {
    const repo = makeRepo();
    expect(make(repo, 'new-session', { name: 'a', component: 'ui' }).code).toBe(0);
    const copy = `${repo}/../repo-sessions/a`;
    expect(kit(copy, 'track', { event: 'start', message: TASK }).exit).toBe(0);
    expect(kit(copy, 'track', { event: 'heartbeat', progress: 10, message: HOSTILE }).exit).toBe(0);
    for (const [target, vars] of [['monitor', {}], ['monitor', { log: 1, session: 'a', workspace: 'sessions' }], ['list-sessions', {}]] as const) {
      const r = make(repo, target, vars);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, target).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      if (target === 'monitor') expect(r.stdout).toContain('\\e]52;c;ZXZpbA==');
      if (target === 'monitor' && !('log' in vars)) expect(r.stdout).toContain('fix\\e]0;pwned\\u{7} it\\nSESSION');
      expect(r.stdout.split('\n').some((l) => l.startsWith('SESSION  fake'))).toBe(false);
    }
  });
});
