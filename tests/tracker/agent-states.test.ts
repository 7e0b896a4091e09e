// The tracker with the states agents' hooks write: a worker that reports is at work again, a live agent
// waiting for the person still holds its session, and the hook's own rules (applyAgentEvent).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAgentEvent, recordAgentEvent, type AgentReport } from '../../scripts/lib/tracker/agent.ts';
import { SessionTracker } from '../../scripts/lib/tracker/tracker.ts';
import { tempDir } from '../helpers/repo.ts';
import { readLog, readStatus, sleeper, writeStatus } from '../helpers/tracker.ts';
import { hostname } from 'node:os';
import { agentOf } from '../../scripts/lib/tracker/proc.ts';

const HOST = hostname();
const who = (startedMs: number, pid: number | null = null) => ({ pid, pinPid: pid !== null, host: HOST, alive: () => true, startedMs });
const report = (state: AgentReport['state'], extra: Partial<AgentReport> = {}): AgentReport => ({ agent: 'claude', event: 'X', state, subagent: false, ...extra });

describe('the tracker and the agent states', () => {
  it('a heartbeat, error or complete on an idle, waiting or ended session: running (then completed)', () => {
    const root = tempDir();
    for (const state of ['idle', 'waiting_input', 'ended']) {
      writeStatus(root, 'w', state, { state });
      const t = new SessionTracker({ root, workspace: 'w', sessionId: state });
      expect(t.heartbeat({ progressPct: 30 }).state).toBe('running');
    }
    writeStatus(root, 'w', 'c', { state: 'idle' });
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'c' }).complete().state).toBe('completed');
  });

  it('start refuses while a live agent waits for the person or sits between turns', () => {
    const root = tempDir();
    const live = sleeper().pid;
    for (const state of ['waiting_input', 'idle']) {
      writeStatus(root, 'w', state, { state, pid: live, host: HOST });
      expect(() => new SessionTracker({ root, workspace: 'w', sessionId: state }).start('again')).toThrow(/already running/);
    }
  });

  it('a failure the agent reported does not end the session for the tracker; one the worker reported does', () => {
    const root = tempDir();
    const dir = join(root, 'w', 'a');
    writeStatus(root, 'w', 'a', { state: 'running' });
    recordAgentEvent(dir, 'w', 'a', report('failed', { message: 'rate limit' }), who(1));
    expect(readStatus(root, 'w', 'a').state).toBe('failed');
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'a' }).heartbeat().state).toBe('running');
    new SessionTracker({ root, workspace: 'w', sessionId: 'a' }).fail('broke');
    expect(() => new SessionTracker({ root, workspace: 'w', sessionId: 'a' }).heartbeat()).toThrow(/already failed/);
    recordAgentEvent(dir, 'w', 'a', report('running'), who(2));
    expect(readStatus(root, 'w', 'a').state).toBe('failed');
    expect(readLog(root, 'w', 'a').at(-1)).toMatchObject({ event: 'agent', ignored: 'failed' });
  });

  it('applyAgentEvent: order by hook start, subagents and stateless events ignored, the agent pid pinned', () => {
    const root = tempDir();
    writeStatus(root, 'w', 'o', { state: 'created', started_at: null, pid: 1, host: HOST });
    const dir = join(root, 'w', 'o');
    expect(recordAgentEvent(dir, 'w', 'o', report('idle'), who(2000, 777))?.state).toBe('idle');
    expect(readStatus(root, 'w', 'o')).toMatchObject({ pid: 777, agent_event_at: 2000 });
    expect(recordAgentEvent(dir, 'w', 'o', report('running'), who(1999))).toBeNull();
    expect(recordAgentEvent(dir, 'w', 'o', report('running', { subagent: true }), who(3000))).toBeNull();
    expect(recordAgentEvent(dir, 'w', 'o', report(undefined), who(3000))).toBeNull();
    expect(recordAgentEvent(dir, 'w', 'o', report('running'), who(2000))?.state).toBe('running');
    expect(readLog(root, 'w', 'o').map((e) => e.ignored ?? e.state)).toEqual(['idle', 'out of order', 'subagent', 'no state', 'running']);
  });

  it('a corrupt status.json is left as it is (evidence); the event is logged', () => {
    const r = applyAgentEvent({ kind: 'corrupt', error: 'not valid JSON' }, 'w', 's', report('idle'), { ...who(1), at: '2026-01-01T00:00:00.000+00:00' });
    expect(r.status).toBeNull();
    expect(r.events[0]).toMatchObject({ event: 'agent', ignored: 'status.json is corrupt' });
  });

  it('knows an agent process by name, or a runtime running one', () => {
    expect(agentOf('claude', ['claude', '-p', 'x'])).toBe('claude');
    expect(agentOf('node', ['node', '/usr/lib/node_modules/@google/gemini-cli/dist/index.js'])).toBe('gemini');
    expect(agentOf('node', ['node', '/usr/local/bin/gemini', '-p', 'x'])).toBe('gemini');
    expect(agentOf('MainThread', ['/usr/bin/codex', 'exec'])).toBe('codex');
    expect(agentOf('node', ['node', '/work/kit/dist/hook.mjs', 'claude'])).toBeNull();
    expect(agentOf('bash', ['bash', '-c', 'claude -p x'])).toBeNull();
  });
});
