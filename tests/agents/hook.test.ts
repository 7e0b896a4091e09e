// The real hook (node dist/hook.cjs) against real sessions made by make new-session: the states it
// records, what it leaves alone, and that nothing it meets makes it fail or print.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectSession } from '../../scripts/lib/monitor/monitor.ts';
import { MAKEFILE } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt, killAndReap, readLog, readStatus, reapAfterAll, track } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { cleanEnv, hook, HOOK } from './hook-run.ts';

beforeAll(() => ensureBuilt());

let repo: string;
let n = 0;
beforeAll(() => {
  repo = makeRepo();
});

/** A fresh session (shared, on server) and how to send its agent's events by dir=. */
function fresh(): { s: Created; root: string; dir: string; send: (agent: string, fixture: string, event?: string) => ReturnType<typeof hook>; status: () => ReturnType<typeof readStatus>; log: () => Record<string, unknown>[] } {
  const s = newSession(repo, `h${++n}`);
  const root = s.env.PARALLEL_DIR as string;
  const dir = join(root, s.workspace, s.name);
  return {
    s,
    root,
    dir,
    send: (agent, fixture, event) => hook([agent, ...(event ? [event] : []), `dir=${dir}`], fixtureIn(agent, fixture, s.path as string)),
    status: () => readStatus(root, s.workspace, s.name),
    log: () => readLog(root, s.workspace, s.name),
  };
}

const agentLines = (log: Record<string, unknown>[]) => log.filter((e) => e.event === 'agent');

describe('the hook records the agent state', () => {
  it('Claude: created -> running -> waiting_input -> running -> idle -> ended, silently', () => {
    const t = fresh();
    expect(t.status().state).toBe('created');
    const seen: string[] = [];
    for (const f of ['UserPromptSubmit', 'PermissionRequest', 'PostToolUse-Write', 'Stop', 'SessionEnd']) {
      const r = t.send('claude', f);
      expect(r, f).toMatchObject({ code: 0, stdout: '', stderr: '' });
      seen.push(t.status().state);
      if (f === 'PermissionRequest') expect(inspectSession(t.root, t.s.workspace, t.s.name).state).toBe('waiting_input');
    }
    expect(seen).toEqual(['running', 'waiting_input', 'running', 'idle', 'ended']);
    const st = t.status();
    expect(st.started_at).not.toBeNull();
    expect(st.message).toContain('session ended');
    expect(typeof st.agent_event_at).toBe('number');
    expect(agentLines(t.log()).map((e) => [e.agent, e.hook_event, e.state])).toEqual([
      ['claude', 'UserPromptSubmit', 'running'],
      ['claude', 'PermissionRequest', 'waiting_input'],
      ['claude', 'PostToolUse', 'running'],
      ['claude', 'Stop', 'idle'],
      ['claude', 'SessionEnd', 'ended'],
    ]);
    expect(inspectSession(t.root, t.s.workspace, t.s.name).state).toBe('ended');
  });

  it('StopFailure: failed; the agent may go on, and the tracker too', () => {
    const t = fresh();
    t.send('claude', 'UserPromptSubmit');
    t.send('claude', 'StopFailure');
    expect(t.status()).toMatchObject({ state: 'failed' });
    expect(t.status().errors.at(-1)?.message).toContain('unknown');
    t.send('claude', 'UserPromptSubmit');
    expect(t.status().state).toBe('running');
    t.send('claude', 'StopFailure');
    expect(track(t.s.path as string, { event: 'heartbeat', progress: 20 }, cleanEnv()).code).toBe(0);
    expect(t.status().state).toBe('running');
  });

  it('an explicit complete stays: a later Stop or SessionEnd changes nothing but the log', () => {
    const t = fresh();
    t.send('claude', 'UserPromptSubmit');
    expect(track(t.s.path as string, { event: 'complete', message: 'done' }, cleanEnv()).code).toBe(0);
    t.send('claude', 'Stop');
    t.send('claude', 'SessionEnd');
    expect(t.status()).toMatchObject({ state: 'completed', message: 'done' });
    expect(agentLines(t.log()).slice(-2).map((e) => e.ignored)).toEqual(['completed', 'completed']);
  });

  it('a subagent event is logged and changes no state', () => {
    const t = fresh();
    t.send('claude', 'Stop');
    const before = t.status();
    expect(t.send('claude', 'PreToolUse-Write-subagent')).toMatchObject({ code: 0, stdout: '' });
    expect(t.status()).toEqual(before);
    expect(agentLines(t.log()).at(-1)).toMatchObject({ hook_event: 'PreToolUse', subagent: true, ignored: 'subagent' });
  });

  it('out of order: a hook that started before the last one to write changes nothing', async () => {
    const t = fresh();
    t.send('claude', 'UserPromptSubmit');
    // The earlier hook starts first and waits for its input; a later one (Stop) writes meanwhile.
    const early = reapAfterAll(spawn(process.execPath, [HOOK, 'claude', `dir=${t.dir}`], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] }));
    let out = '';
    early.stdout?.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => early.on('exit', (code) => r(code)));
    await new Promise((r) => setTimeout(r, 100));
    expect(t.send('claude', 'Stop').code).toBe(0);
    expect(t.status().state).toBe('idle');
    early.stdin?.end(JSON.stringify(fixtureIn('claude', 'PostToolUse-Write', t.s.path as string)));
    expect(await exited).toBe(0);
    expect(out).toBe('');
    expect(t.status().state).toBe('idle');
    expect(agentLines(t.log()).at(-1)).toMatchObject({ hook_event: 'PostToolUse', ignored: 'out of order' });
  });

  it('Gemini: a SessionEnd with no AfterAgent since BeforeAgent is a failure; after AfterAgent it is an end', () => {
    const bad = fresh();
    bad.send('gemini', 'BeforeAgent');
    bad.send('gemini', 'BeforeTool-write_file');
    bad.send('gemini', 'SessionEnd');
    expect(bad.status().state).toBe('failed');
    expect(bad.status().message).toContain('AfterAgent');
    const good = fresh();
    for (const f of ['BeforeAgent', 'AfterTool', 'AfterAgent']) good.send('gemini', f);
    expect(good.status().state).toBe('idle');
    good.send('gemini', 'SessionEnd');
    good.send('gemini', 'SessionEnd'); // /quit gave it three times
    expect(good.status().state).toBe('ended');
  });

  it('Codex notify (the JSON as the last argument): idle; the title thread, once the main one is known, is not', () => {
    const t = fresh();
    t.send('codex', 'UserPromptSubmit');
    const notify = (f: string) => spawnSync(process.execPath, [HOOK, 'codex', `dir=${t.dir}`, JSON.stringify(fixtureIn('codex', f, t.s.path as string))], { env: cleanEnv(), encoding: 'utf8', stdio: ['inherit', 'pipe', 'pipe'] });
    const title = notify('notify-agent-turn-complete-title');
    expect([title.status, title.stdout]).toEqual([0, '']);
    expect(t.status().state).toBe('running');
    expect(agentLines(t.log()).at(-1)).toMatchObject({ ignored: 'another thread' });
    expect(notify('notify-agent-turn-complete').status).toBe(0);
    expect(t.status()).toMatchObject({ state: 'idle', message: 'Done.' });
  });

  it('OpenCode: busy, a permission question, idle, an error', () => {
    const t = fresh();
    const states = [['session.status-busy'], ['permission.asked'], ['permission.replied'], ['tool.execute.after', 'tool.execute.after'], ['session.idle'], ['session.error']].map(([f, e]) => {
      expect(t.send('opencode', f as string, e).stdout).toBe('');
      return t.status().state;
    });
    expect(states).toEqual(['running', 'waiting_input', 'running', 'running', 'idle', 'failed']);
  });

  it("OpenCode: the plugin's send time orders its events, however late a hook process starts", () => {
    const t = fresh();
    const sendAt = (fixture: string, at: number) => hook(['opencode', `dir=${t.dir}`], { ...fixtureIn('opencode', fixture, t.s.path as string), kit_sent_at: at });
    const now = Date.now();
    sendAt('session.idle', now);
    expect(t.status().state).toBe('idle');
    // a busy sent before the idle, whose hook process started after it: no step back
    sendAt('session.status-busy', now - 50);
    expect(t.status().state).toBe('idle');
    sendAt('session.status-busy', now + 50);
    expect(t.status().state).toBe('running');
  });

  it('Aider (its notifications command): waiting_input, without reading a stdin nobody writes to', async () => {
    const t = fresh();
    const child = reapAfterAll(spawn(process.execPath, [HOOK, 'aider', 'notification', `dir=${t.dir}`], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] }));
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect(t.status().state).toBe('waiting_input');
    expect(t.log().filter((e) => e.event === 'hook_error')).toEqual([]);
  });

  it('finds the session from the environment, and from the payload cwd (a folder inside the copy)', () => {
    const t = fresh();
    const env = { PARALLEL_DIR: t.root, PARALLEL_WORKSPACE: t.s.workspace, PARALLEL_SESSION: t.s.name };
    expect(hook(['claude'], fixtureIn('claude', 'Stop', t.s.path as string), { env }).code).toBe(0);
    expect(t.status().state).toBe('idle');
    const sub = join(t.s.path as string, 'server');
    expect(hook(['claude'], { ...fixtureIn('claude', 'UserPromptSubmit'), cwd: sub }, { cwd: tempDir() }).code).toBe(0);
    expect(t.status().state).toBe('running');
  });
});

describe('the hook never breaks the agent', () => {
  it('malformed, empty, non-object input: exit 0, nothing on stdout, the status unchanged, the problem in the log', () => {
    const t = fresh();
    t.send('claude', 'Stop');
    const before = readFileSync(join(t.dir, 'status.json'), 'utf8');
    for (const input of ['{not json', '', '   \n', '[1,2]', 'null']) {
      const r = hook(['claude', 'PreToolUse', `dir=${t.dir}`], input);
      expect(r, JSON.stringify(input)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect(readFileSync(join(t.dir, 'status.json'), 'utf8')).toBe(before);
    const problems = t.log().filter((e) => e.event === 'hook_error');
    expect(problems).toHaveLength(5);
    expect(problems[0]?.message).toContain('not JSON');
    expect(problems[1]?.message).toContain('empty');
  });

  it('stdin left open: exit 0 after the short wait, silent, the problem in the log; input over 1 MiB: the same', async () => {
    const t = fresh();
    const open = reapAfterAll(spawn(process.execPath, [HOOK, 'claude', 'Stop', `dir=${t.dir}`], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] }));
    let out = '';
    open.stdout?.on('data', (c) => (out += c));
    open.stdin?.write('{"hook_event_name":');
    const code = await new Promise<number | null>((r) => open.on('exit', (c) => r(c)));
    expect([code, out]).toEqual([0, '']);
    expect(t.log().at(-1)).toMatchObject({ event: 'hook_error' });
    expect(String(t.log().at(-1)?.message)).toContain('no end of input');
    const big = hook(['claude', 'Stop', `dir=${t.dir}`], JSON.stringify({ ...fixtureIn('claude', 'Stop'), last_assistant_message: 'x'.repeat(1100 * 1024) }));
    expect(big).toMatchObject({ code: 0, stdout: '' });
    expect(String(t.log().at(-1)?.message)).toContain('larger than');
    expect(t.status().state).toBe('created');
  });

  it('an unknown agent: exit 0, silent, one line in the log', () => {
    const t = fresh();
    const r = hook(['cursor', 'Stop', `dir=${t.dir}`], fixtureIn('claude', 'Stop'));
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(t.log().at(-1)).toMatchObject({ event: 'hook_error' });
    expect(String(t.log().at(-1)?.message)).toContain('unknown agent');
  });

  it('no session found: exit 0, silent; a line in <state folder>/hooks.log, no session folder made', () => {
    const root = join(tempDir(), '.parallel');
    mkdirSync(root);
    const env = { PARALLEL_DIR: root, PARALLEL_WORKSPACE: 'sessions', PARALLEL_SESSION: 'nobody' };
    const r = hook(['claude'], fixtureIn('claude', 'Stop', tempDir()), { env, cwd: tempDir() });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(root, 'sessions'))).toBe(false);
    expect(readFileSync(join(root, 'hooks.log'), 'utf8')).toContain('no session found');
    // and with no state folder at all: nothing anywhere, still exit 0
    const lost = tempDir();
    expect(hook(['claude'], fixtureIn('claude', 'Stop', lost), { cwd: lost })).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the hook records the agent process', () => {
  /** A stand-in agent: node under the name `claude`, which runs `script` and then stays until killed. */
  function fakeAgent(script: string): Promise<{ pid: number; done: Promise<void>; kill: () => Promise<void> }> {
    const bin = join(tempDir(), 'claude');
    symlinkSync(process.execPath, bin);
    const child = reapAfterAll(spawn(bin, ['-e', `${script}; console.log('ready'); setInterval(() => {}, 1000)`], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] }));
    return new Promise((ok, fail) => {
      child.stdout?.on('data', (c) => String(c).includes('ready') && ok({ pid: child.pid as number, done: Promise.resolve(), kill: () => killAndReap(child) }));
      child.on('exit', (code) => fail(new Error(`the fake agent exited ${code}`)));
    });
  }

  it('through the shell the agent runs its hook command in: the agent pid; killed mid-turn, the session shows crashed', async () => {
    const t = fresh();
    const input = JSON.stringify(fixtureIn('claude', 'UserPromptSubmit', t.s.path as string));
    const agent = await fakeAgent(`require('child_process').execFileSync('sh', ['-c', ${JSON.stringify(`"${process.execPath}" "${HOOK}" claude dir=${t.dir}`)}], { input: ${JSON.stringify(input)} })`);
    expect(t.status()).toMatchObject({ state: 'running', pid: agent.pid });
    expect(inspectSession(t.root, t.s.workspace, t.s.name).state).toBe('running');
    await agent.kill();
    expect(inspectSession(t.root, t.s.workspace, t.s.name)).toMatchObject({ state: 'crashed' });
  });

  it('make track run through the agent shell tool (a fresh bash -c per command) records the agent, not the shell', async () => {
    const t = fresh();
    const cmd = `make -s -f "${MAKEFILE}" track event=heartbeat progress=7`;
    const agent = await fakeAgent(`require('child_process').execFileSync('bash', ['-c', ${JSON.stringify(cmd)}], { cwd: ${JSON.stringify(t.s.path)}, stdio: 'inherit' })`);
    expect(t.status()).toMatchObject({ state: 'running', pid: agent.pid, progress_pct: 7 });
    await agent.kill();
    expect(inspectSession(t.root, t.s.workspace, t.s.name).state).toBe('crashed');
  });
});
