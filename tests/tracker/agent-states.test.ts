// The tracker with the states agents' hooks write: a worker that reports is at work again, a live agent
// waiting for the person still holds its session, and the hook's own rules (applyAgentEvent).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAgentEvent, recordAgentEvent, type AgentReport } from '../../scripts/lib/tracker/agent.ts';
import { SessionTracker, blockSessionStatus } from '../../scripts/lib/tracker/tracker.ts';
import { tempDir } from '../helpers/repo.ts';
import { readLog, readStatus, sleeper, writeStatus } from '../helpers/tracker.ts';
import { hostname } from 'node:os';
import { agentOf, inAgentPidNamespace } from '../../scripts/lib/tracker/proc.ts';
import { readFileSync } from 'node:fs';

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

  it("a plan's blocked session stays blocked: a heartbeat is refused, an agent's event ignored; event=start runs it anyway", () => {
    const root = tempDir();
    const dir = join(root, 'w', 'b');
    writeStatus(root, 'w', 'b', { state: 'created' });
    expect(blockSessionStatus(root, 'w', 'b', 'blocked: api failed')).toBe(true);
    expect(() => new SessionTracker({ root, workspace: 'w', sessionId: 'b' }).heartbeat()).toThrow(/is blocked \(blocked: api failed\); send event=start/);
    recordAgentEvent(dir, 'w', 'b', report('running'), who(1));
    expect(readStatus(root, 'w', 'b').state).toBe('blocked');
    expect(readLog(root, 'w', 'b').at(-1)).toMatchObject({ event: 'agent', ignored: 'blocked' });
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'b' }).start('by hand').state).toBe('running');
  });

  it("the agent's failure and its session's end, in either order (Claude StopFailure, SessionEnd): failed", () => {
    const root = tempDir();
    // StopFailure, then SessionEnd: the end keeps it failed.
    writeStatus(root, 'w', 'f1', { state: 'running' });
    const f1 = join(root, 'w', 'f1');
    recordAgentEvent(f1, 'w', 'f1', report('failed', { event: 'StopFailure' }), who(10));
    expect(recordAgentEvent(f1, 'w', 'f1', report('ended', { event: 'SessionEnd' }), who(11))).toBeNull();
    expect(readStatus(root, 'w', 'f1').state).toBe('failed');
    expect(readLog(root, 'w', 'f1').at(-1)).toMatchObject({ hook_event: 'SessionEnd', ignored: 'failed' });
    // SessionEnd got there first though StopFailure's hook started before it: still failed, not out of order.
    writeStatus(root, 'w', 'f2', { state: 'running' });
    const f2 = join(root, 'w', 'f2');
    recordAgentEvent(f2, 'w', 'f2', report('ended', { event: 'SessionEnd' }), who(21));
    expect(recordAgentEvent(f2, 'w', 'f2', report('failed', { event: 'StopFailure' }), who(20))?.state).toBe('failed');
    expect(readStatus(root, 'w', 'f2')).toMatchObject({ state: 'failed', agent_event_at: 21 });
    // A stale event of another kind is still out of order; the next prompt runs again.
    expect(recordAgentEvent(f2, 'w', 'f2', report('idle'), who(19))).toBeNull();
    expect(recordAgentEvent(f2, 'w', 'f2', report('running'), who(30))?.state).toBe('running');
  });

  it("inside an agent's own PID namespace a recorded pid counts as live: make track keeps the agent's pid", () => {
    const root = tempDir();
    writeStatus(root, 'w', 'ns', { state: 'running', pid: 2 ** 30, host: HOST });
    // Seen from the sandbox, the agent's pid is not there; with the namespace's rule it is kept.
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'ns', pid: 2, alive: () => true }).heartbeat().pid).toBe(2 ** 30);
    expect(new SessionTracker({ root, workspace: 'w', sessionId: 'ns', pid: 2 }).heartbeat().pid).toBe(2);
    expect(inAgentPidNamespace()).toBe(agentOf(readFileSync('/proc/1/comm', 'utf8').trim(), null) !== null);
  });

  it("Codex notify: the thread of the agent's latest session counts; after the session's end it changes nothing", () => {
    const root = tempDir();
    writeStatus(root, 'w', 't', { state: 'running' });
    const dir = join(root, 'w', 't');
    const codex = (state: AgentReport['state'], extra: Partial<AgentReport>) => report(state, { agent: 'codex', ...extra });
    recordAgentEvent(dir, 'w', 't', codex('running', { event: 'UserPromptSubmit', agentSession: 'one' }), who(1));
    expect(recordAgentEvent(dir, 'w', 't', codex('idle', { event: 'notify', thread: 'title' }), who(2))).toBeNull();
    recordAgentEvent(dir, 'w', 't', codex('ended', { event: 'SessionEnd', agentSession: 'one' }), who(3));
    expect(recordAgentEvent(dir, 'w', 't', codex('idle', { event: 'notify', thread: 'one' }), who(4))).toBeNull();
    expect(readLog(root, 'w', 't').at(-1)).toMatchObject({ hook_event: 'notify', ignored: 'ended' });
    // A second run in the same copy: its own session id, its own notify.
    recordAgentEvent(dir, 'w', 't', codex('running', { event: 'UserPromptSubmit', agentSession: 'two' }), who(5));
    expect(recordAgentEvent(dir, 'w', 't', codex('idle', { event: 'notify', thread: 'two' }), who(6))?.state).toBe('idle');
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
    expect(agentOf('node', ['node', '/work/kit/dist/hook.cjs', 'claude'])).toBeNull();
    expect(agentOf('bash', ['bash', '-c', 'claude -p x'])).toBeNull();
  });
});
