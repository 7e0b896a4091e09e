// events.ts and reply.ts on the saved payloads: which state each event means, which files an edit touches,
// and how a decision is said in each agent's protocol.
import { describe, expect, it } from 'vitest';
import { eventName, interpret, patchPaths, type AgentName } from '../../scripts/lib/agents/events.ts';
import { replyFor } from '../../scripts/lib/agents/reply.ts';
import { fixtureIn } from './hook-fixtures.ts';

const C = '/work/copy';

function read(agent: AgentName, file: string, argvEvent?: string) {
  const p = fixtureIn(agent, file, C);
  return interpret(agent, eventName(agent, argvEvent, p), p);
}

describe('events: what each agent event means', () => {
  it.each([
    ['claude', 'UserPromptSubmit', undefined, 'running'],
    ['claude', 'PreToolUse-Bash', undefined, 'running'],
    ['claude', 'PostToolUse-Write', undefined, 'running'],
    ['claude', 'PermissionRequest', undefined, 'waiting_input'],
    ['claude', 'Notification-permission_prompt', undefined, 'waiting_input'],
    ['claude', 'Notification-idle_prompt', undefined, 'idle'],
    ['claude', 'Stop', undefined, 'idle'],
    ['claude', 'StopFailure', undefined, 'failed'],
    ['claude', 'SessionEnd', undefined, 'ended'],
    ['claude', 'SessionStart', undefined, undefined],
    ['codex', 'UserPromptSubmit', undefined, 'running'],
    ['codex', 'PreToolUse-Bash', undefined, 'running'],
    ['codex', 'PermissionRequest', undefined, 'waiting_input'],
    ['codex', 'Stop', undefined, 'idle'],
    ['codex', 'notify-agent-turn-complete', undefined, 'idle'],
    // As the kit's launch commands call it: the event `notify` in argv (codex -c notify=..., aider --notifications-command).
    ['codex', 'notify-agent-turn-complete', 'notify', 'idle'],
    ['aider', 'notification', 'notify', 'waiting_input'],
    ['codex', 'SessionEnd', undefined, 'ended'],
    ['gemini', 'BeforeAgent', undefined, 'running'],
    ['gemini', 'AfterTool', undefined, 'running'],
    ['gemini', 'Notification-ToolPermission', undefined, 'waiting_input'],
    ['gemini', 'AfterAgent', undefined, 'idle'],
    ['gemini', 'SessionEnd', undefined, 'ended'],
    ['gemini', 'SessionStart', undefined, undefined],
    ['opencode', 'session.status-busy', undefined, 'running'],
    ['opencode', 'session.status-idle', undefined, 'idle'],
    ['opencode', 'tool.execute.after', 'tool.execute.after', 'running'],
    ['opencode', 'permission.asked', undefined, 'waiting_input'],
    ['opencode', 'permission.replied', undefined, 'running'],
    ['opencode', 'session.idle', undefined, 'idle'],
    ['opencode', 'session.error', undefined, 'failed'],
    ['aider', 'notification', undefined, 'waiting_input'],
  ] as const)('%s %s -> %s', (agent, file, argvEvent, state) => {
    const ev = read(agent, file, argvEvent);
    expect(ev.state).toBe(state);
    expect(ev.subagent).toBe(false);
  });

  it('the event name comes from argv before the payload', () => {
    const p = fixtureIn('claude', 'Stop');
    expect(eventName('claude', undefined, p)).toBe('Stop');
    expect(eventName('claude', 'SessionEnd', p)).toBe('SessionEnd');
    expect(interpret('claude', 'SessionEnd', p).state).toBe('ended');
  });

  it('an event from a subagent (agent_id) says so', () => {
    expect(read('claude', 'PreToolUse-Write-subagent').subagent).toBe(true);
  });

  it('says what the agent waits for, its failure and its last words, on one trimmed line', () => {
    expect(read('claude', 'Notification-permission_prompt').message).toBe('Claude needs your permission to use Write');
    expect(read('claude', 'StopFailure').message).toContain('unknown');
    expect(read('opencode', 'session.error').message).toContain('HTTP 500');
    const long = interpret('claude', 'Stop', { last_assistant_message: `a\n${'x'.repeat(500)}` });
    expect(long.message?.length).toBe(200);
    expect(long.message).not.toContain('\n');
  });

  it('Gemini: BeforeAgent opens a turn, AfterAgent closes it, SessionEnd fails inside one', () => {
    expect(read('gemini', 'BeforeAgent').turn).toBe('open');
    expect(read('gemini', 'AfterAgent').turn).toBe('close');
    expect(read('gemini', 'SessionEnd').failsInTurn).toBe(true);
  });

  it("Claude's real StopFailure: failed, with the API's words from last_assistant_message", () => {
    expect(read('claude', 'StopFailure.real')).toMatchObject({ state: 'failed', message: 'the agent stopped on an error: unknown (API Error: 400 scripted failure)' });
    expect(read('claude', 'StopFailure').message).toBe('the agent stopped on an error: unknown');
  });

  it('Codex notify names its thread (the title thread has its own)', () => {
    expect(read('codex', 'notify-agent-turn-complete').thread).toBe('019a-codex-thread');
    expect(read('codex', 'notify-agent-turn-complete-title').thread).toBe('019a-title-thread');
    expect(read('codex', 'notify-agent-turn-complete-title', 'notify').thread).toBe('019a-title-thread');
    expect(read('codex', 'Stop').agentSession).toBe('019a-codex-thread');
  });
});

describe('events: the files an edit is about to write', () => {
  it.each([
    ['claude', 'PreToolUse-Write', undefined, [`${C}/server/health.py`]],
    ['claude', 'PreToolUse-Edit', undefined, [`${C}/ui/app.js`]],
    ['claude', 'PreToolUse-MultiEdit', undefined, [`${C}/server/app.py`]],
    ['claude', 'PreToolUse-NotebookEdit', undefined, [`${C}/server/nb.ipynb`]],
    ['gemini', 'BeforeTool-write_file', undefined, [`${C}/server/health.py`]],
    ['gemini', 'BeforeTool-replace', undefined, [`${C}/ui/app.js`]],
    ['opencode', 'tool.execute.before-write', 'tool.execute.before', [`${C}/server/health.py`]],
    ['opencode', 'tool.execute.before-edit', 'tool.execute.before', [`${C}/ui/app.js`]],
    ['codex', 'PreToolUse-apply_patch', undefined, [`${C}/server/health.py`, `${C}/ui/app.js`, `${C}/server/app.py`, `${C}/docs/app.md`, `${C}/server/old.py`]],
  ] as const)('%s %s', (agent, file, argvEvent, paths) => {
    expect(read(agent, file, argvEvent).editPaths).toEqual(paths);
  });

  it('no edit paths for a shell command, a permission question, or after the tool ran', () => {
    for (const [agent, file] of [['claude', 'PreToolUse-Bash'], ['codex', 'PreToolUse-Bash'], ['claude', 'PermissionRequest'], ['claude', 'PostToolUse-Write'], ['gemini', 'AfterTool']] as const) {
      expect(read(agent, file).editPaths, `${agent} ${file}`).toBeUndefined();
    }
  });

  it('apply_patch headers: add, update, delete and move, each file once, relative to the cwd', () => {
    const patch = '*** Begin Patch\n*** Update File: a/b.txt\n@@\n-x\n+y\n*** Move to: c/d.txt\n*** Add File: a/b.txt\n+z\n*** Delete File: e.txt  \n*** End Patch';
    expect(patchPaths(patch)).toEqual(['a/b.txt', 'c/d.txt', 'e.txt']);
    expect(patchPaths('+*** Add File: not/a/header\n')).toEqual([]);
    const ev = interpret('codex', 'PreToolUse', { cwd: '/r', tool_name: 'apply_patch', tool_input: { command: '*** Begin Patch\n*** Add File: ../other/x\n*** End Patch' } });
    expect(ev.editPaths).toEqual(['/other/x']);
  });
});

describe('reply: a decision in the agent protocol', () => {
  const deny = { decision: 'deny' as const, offending: ['x'], reason: 'R' };
  const warn = { decision: 'warn' as const, offending: ['x'], reason: 'W' };
  const allow = { decision: 'allow' as const, offending: [], reason: '' };

  it('Claude and Codex: hookSpecificOutput permissionDecision deny with the reason, exit 0', () => {
    for (const agent of ['claude', 'codex'] as const) {
      const r = replyFor(agent, 'PreToolUse', deny);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'R' } });
    }
  });

  it('Gemini: decision deny; OpenCode: decision and reason for its plugin to throw', () => {
    expect(JSON.parse(replyFor('gemini', 'BeforeTool', deny).stdout)).toEqual({ decision: 'deny', reason: 'R' });
    expect(JSON.parse(replyFor('opencode', 'tool.execute.before', deny).stdout)).toEqual({ decision: 'deny', reason: 'R' });
  });

  it('warn: additionalContext only, never an allow that would skip the person question', () => {
    const c = JSON.parse(replyFor('claude', 'PreToolUse', warn).stdout);
    expect(c).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: 'W' } });
    expect(JSON.stringify(c)).not.toContain('permissionDecision');
    expect(JSON.parse(replyFor('gemini', 'BeforeTool', warn).stdout).hookSpecificOutput.additionalContext).toBe('W');
  });

  it('allow says nothing, and Aider has no tool hooks', () => {
    for (const agent of ['claude', 'codex', 'gemini', 'opencode', 'aider'] as const) expect(replyFor(agent, 'PreToolUse', allow).stdout).toBe('');
    expect(replyFor('aider', 'notification', deny).stdout).toBe('');
  });
});
