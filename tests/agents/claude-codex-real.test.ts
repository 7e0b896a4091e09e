// The real Claude Code and Codex CLIs, offline, started with the command line the kit records
// (`make new-session agent=<a> json=1` → agent_argv; Codex also `make agent-setup agent=codex apply=1` in
// the test's own CODEX_HOME), calling the real dist/hook.cjs (no spy): what status.json and log.jsonl say
// (running during the turn, idle after Stop, failed on a scripted HTTP error, ended on SessionEnd,
// waiting_input on a permission question in the interactive interface), what the guard lets through (own
// component, another live session's component, no one's, the main checkout, a shared component, a Codex
// patch with one denied file), and `make track event=heartbeat` through the agent's own shell tool (the
// agent's pid recorded, not the shell's; not crashed once the shell is gone).
//
// Three runs per agent: one headless run in a session on ui (every guard case, the shell, idle, ended),
// one headless run in a session sharing docs with another (the shared write, then a scripted HTTP 400 (500s are retried)),
// one interactive run under tmux (the permission question). Each agent skips with one line when absent.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startModelServer, shellTurn, writeTurn, type LoggedRequest, type ModelServer, type Turn } from '../helpers/agents/model-server.ts';
import { FIXTURES, saveFixtures } from '../helpers/agents/fixtures.ts';
import { hookSpy, type HookSpy } from '../helpers/agents/hook-spy.ts';
import { KIT, TmuxAgent, cleanupHomes, makeHome, waitFor, type AgentHome, type Captured } from '../helpers/agents/run.ts';
import { MAKEFILE } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import type { Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { kitMake, runArgv, skipWithout } from '../helpers/agents/kit.ts';

type CC = 'claude' | 'codex';
type WithAgent = Created & { agent_kind: string | null; agent_argv: string[] | null };

let server: ModelServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  for (const [agent, spy] of Object.entries(spies) as [CC, HookSpy][]) saveNew(agent, spy, worlds[agent]!);
  cleanupHomes();
});

/** The spied payloads of events with no .real.json yet, scrubbed of the machine's paths. */
function saveNew(agent: CC, spy: HookSpy, w: World): void {
  const captured: Captured[] = spy.calls().map((c) => ({
    agent,
    event: c.argv.length >= 3 && !c.argv[2]!.startsWith('dir=') && !c.argv[2]!.startsWith('{') ? c.argv[2]! : c.payload?.hook_event_name ?? c.payload?.type ?? 'unknown',
    argv: c.argv,
    payload: c.payload ?? (c.argv.at(-1)?.startsWith('{') ? JSON.parse(c.argv.at(-1)!) : null),
    at: 0,
  }));
  const name = (c: Captured) => `${c.event}${typeof c.payload?.tool_name === 'string' ? `-${c.payload.tool_name}` : ''}`;
  const fresh = captured.filter((c) => c.event !== 'notify' && !existsSync(join(FIXTURES, agent, `${name(c).replace(/[^A-Za-z0-9_.-]+/g, '_')}.real.json`)));
  const paths: Record<string, string> = { [w.a.path!]: '<copy>', [w.c.path!]: '<copy>', [w.repo]: '<main>', [w.home.root]: '<agent-root>', [KIT]: '<kit>', [process.execPath]: '<node>', [tmpdir()]: '<tmp>' };
  saveFixtures(agent, fresh, paths);
}

function newSession(repo: string, env: Record<string, string>, vars: Record<string, string | number>): WithAgent {
  const r = kitMake(repo, env, 'new-session', { ...vars, json: 1 });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as WithAgent;
}

/** The headless flags of each agent (Claude: Bash allowed, for the heartbeat through its shell). */
function headless(agent: CC, prompt: string, cwd: string): string[] {
  return agent === 'claude'
    ? ['-p', prompt, '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', '--output-format', 'json']
    : ['exec', '--json', '-C', cwd, prompt];
}

/** The world of one agent: a repository, its sessions, the agent's home. */
interface World {
  agent: CC;
  repo: string;
  home: AgentHome;
  /** Runs the agent in a session on ui. */
  a: WithAgent;
  /** Another live session, on server. */
  b: WithAgent;
  /** Runs the agent in a session sharing docs with d. */
  c: WithAgent;
  d: WithAgent;
  stateOf: (s: WithAgent) => string;
}

const copyOf = (repo: string, name: string) => join(dirname(repo), 'repo-sessions', name);

/**
 * AGENT_FIXTURES=1: the payloads the hook gets are also logged (hook-spy.ts's `node` first on PATH, which
 * hands each call to the real node unchanged) and saved afterwards as fixtures/<agent>/<Event>[-<tool>].real.json
 * for the events that have none yet. Without it the agents call dist/hook.cjs with no spy in between.
 */
const SAVE = !!process.env.AGENT_FIXTURES;
const spies: Partial<Record<CC, HookSpy>> = {};

function world(agent: CC): World {
  const repo = makeRepo();
  const home = makeHome(agent, { cwd: copyOf(repo, 'a-run'), server });
  if (SAVE) {
    spies[agent] = hookSpy(join(home.root, 'spy'));
    home.env.PATH = `${spies[agent]!.bin}:${home.env.PATH}`;
  }
  if (agent === 'claude') {
    // The interactive interface asks whether to trust each new folder: pre-answered for a-run (makeHome).
  } else {
    // The second copy trusted too (its project layer), then the kit's user-level hooks, trusted by hash.
    appendFileSync(join(home.env.CODEX_HOME!, 'config.toml'), `\n[projects.${JSON.stringify(copyOf(repo, 'c-run'))}]\ntrust_level = "trusted"\n`);
    const set = kitMake(repo, home.env, 'agent-setup', { agent: 'codex', apply: 1 });
    expect(set.code, set.stderr).toBe(0);
  }
  const a = newSession(repo, home.env, { name: 'a-run', component: 'ui', shared: 0, agent });
  const b = newSession(repo, home.env, { name: 'b-other', component: 'server', shared: 0 });
  const c = newSession(repo, home.env, { name: 'c-run', component: 'docs', shared: 1, agent });
  const d = newSession(repo, home.env, { name: 'd-peer', component: 'docs', shared: 1 });
  expect(a.path).toBe(copyOf(repo, 'a-run'));
  expect(a.agent_argv?.length).toBeGreaterThan(0);
  return { agent, repo, home, a, b, c, d, stateOf: (s) => join(repo, '.parallel', s.workspace, s.name) };
}

const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const logOf = (dir: string): any[] => (existsSync(join(dir, 'log.jsonl')) ? readFileSync(join(dir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
/** The states the agent's hook recorded, in order, consecutive repeats folded. */
const states = (dir: string) => logOf(dir).filter((e) => e.event === 'agent' && e.state).map((e) => e.state as string).filter((s, i, xs) => i === 0 || xs[i - 1] !== s);

/** The text of every tool result the model received in `r` (Claude tool_result, Codex *_call_output). */
function toolResults(r: LoggedRequest): string[] {
  const body = r.body as any;
  const out: string[] = [];
  for (const m of body.messages ?? []) {
    for (const b of Array.isArray(m.content) ? m.content : []) {
      if (b.type !== 'tool_result') continue;
      out.push(typeof b.content === 'string' ? b.content : (b.content ?? []).map((x: any) => x.text ?? '').join(''));
    }
  }
  for (const it of Array.isArray(body.input) ? body.input : []) {
    if (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') out.push(typeof it.output === 'string' ? it.output : JSON.stringify(it.output));
  }
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell turn in the agent's own shell tool. */
function shell(agent: CC, cmd: string): Turn {
  return agent === 'claude' ? { tool: 'Bash', input: { command: cmd, description: 'kit heartbeat' } } : shellTurn(cmd);
}

/** One apply_patch adding every file (paths relative to cwd, or absolute). */
function patch(files: string[]): Turn {
  return { tool: 'apply_patch', input: `*** Begin Patch\n${files.map((f) => `*** Add File: ${f}\n+patched\n`).join('')}*** End Patch\n` };
}

const worlds: Partial<Record<CC, World>> = {};
const worldOf = (agent: CC) => (worlds[agent] ??= world(agent));

for (const agent of ['claude', 'codex'] as const) {
  describe(`${agent}, real, offline, through the kit's launch command and dist/hook.cjs`, () => {
    test('headless: running in the turn, the guard (own, another session, no one, main checkout' + (agent === 'codex' ? ', a patch with one denied file' : '') + '), make track through its shell, idle, ended', async (ctx) => {
      skipWithout(ctx, agent);
      const w = worldOf(agent);
      const copy = w.a.path!;
      const dir = w.stateOf(w.a);
      const snap = join(w.home.root, 'snap');
      mkdirSync(snap, { recursive: true });
      const write = (f: string): Turn => (agent === 'codex' ? writeTurn('codex', join(copy, f), 'written\n', copy) : writeTurn('claude', join(copy, f), 'written\n'));
      const mainFile = join(w.repo, 'ui', 'main.txt');
      const status = join(dir, 'status.json');
      const track = `make -s --no-print-directory -f ${q(MAKEFILE)} track event=heartbeat message=from-the-shell`;
      const script: Turn[] = [
        write('ui/own.txt'),
        write('server/theirs.txt'),
        write('tools/free.txt'),
        agent === 'codex' ? { tool: 'apply_patch', input: `*** Begin Patch\n*** Add File: ${mainFile}\n+main\n*** End Patch\n` } : writeTurn('claude', mainFile, 'main\n'),
        ...(agent === 'codex' ? [patch(['ui/multi-ok.txt', 'server/multi-bad.txt', mainFile.replace('main.txt', 'multi-main.txt')])] : []),
        shell(agent, `cp ${q(status)} ${q(snap)}/before.json; echo $$ > ${q(snap)}/shell.pid; ps -eo pid=,ppid=,comm= > ${q(snap)}/ps.txt; ${track} > ${q(snap)}/track.out 2>&1; echo $? > ${q(snap)}/track.code; cp ${q(status)} ${q(snap)}/after.json`),
        // The shell is gone; the agent waits in a second command while the test runs make monitor on the host.
        shell(agent, `cp ${q(status)} ${q(snap)}/later.json; touch ${q(snap)}/ready; i=0; while [ ! -f ${q(snap)}/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`),
        { text: 'All done.' },
      ];
      server.setScript(script);
      const before = server.requests.length;
      const running = runArgv([...w.a.agent_argv!, ...headless(agent, 'Do the work', copy)], copy, w.home.env);
      let monitor = '';
      let done = false;
      void running.then(() => (done = true));
      await waitFor('the second shell command', () => done || existsSync(join(snap, 'ready')), 60_000).catch(() => undefined);
      if (!done) {
        monitor = kitMake(w.repo, w.home.env, 'monitor', { json: 1 }).stdout;
        writeFileSync(join(snap, 'go'), '');
      }
      const ran = await running;
      const requests = server.requests.slice(before).filter((r) => r.wire !== 'other' && !r.side);
      const results = toolResults(requests.at(-1)!);
      const diag = `exit ${ran.code}\n${ran.stderr.slice(-3000)}\n${ran.stdout.slice(-2000)}\n--- log ---\n${readFileSync(join(dir, 'log.jsonl'), 'utf8').slice(-4000)}\n--- results ---\n${results.join('\n---\n').slice(0, 6000)}`;
      expect(ran.code, diag).toBe(0);
      expect(requests.length, diag).toBe(script.length);

      // The guard: own component and no one's written; another live session's and the main checkout's not.
      expect(readFileSync(join(copy, 'ui', 'own.txt'), 'utf8')).toMatch(/written/);
      expect(readFileSync(join(copy, 'tools', 'free.txt'), 'utf8')).toMatch(/written/);
      expect(existsSync(join(copy, 'server', 'theirs.txt'))).toBe(false);
      expect(existsSync(mainFile)).toBe(false);
      const denied = results.filter((t) => t.includes('parallel-sessions guard refuses'));
      const theirs = denied.find((t) => t.includes('server/theirs.txt'));
      expect(theirs, diag).toBeDefined();
      expect(theirs).toContain('component server, which session b-other (workspace sessions) works on');
      expect(theirs).toContain('shared=1');
      expect(denied.find((t) => t.includes(mainFile) && t.includes('in the main checkout')), diag).toBeDefined();
      if (agent === 'codex') {
        // The patch with one file of its own and two refused: none written, the reason names both.
        expect(existsSync(join(copy, 'ui', 'multi-ok.txt'))).toBe(false);
        expect(existsSync(join(copy, 'server', 'multi-bad.txt'))).toBe(false);
        const multi = denied.find((t) => t.includes('multi-bad.txt'));
        expect(multi, diag).toBeDefined();
        expect(multi).toContain('server/multi-bad.txt is in component server');
        expect(multi).toContain(`${mainFile.replace('main.txt', 'multi-main.txt')} is outside your copy`);
        expect(multi!.split('Command:')[0]).not.toContain('ui/multi-ok.txt is');
      }
      const decisions = logOf(dir).filter((e) => e.decision).map((e) => [e.paths.map((p: string) => p.replace(copy + '/', '')).join(','), e.decision]);
      expect(decisions.slice(0, 4)).toEqual([['ui/own.txt', 'allow'], ['server/theirs.txt', 'deny'], ['tools/free.txt', 'allow'], [mainFile, 'deny']]);

      // make track through the agent's shell: running before and after; the pid the agent's, not the shell's.
      expect(readFileSync(join(snap, 'track.code'), 'utf8').trim(), readFileSync(join(snap, 'track.out'), 'utf8')).toBe('0');
      const pre = readJson(join(snap, 'before.json'));
      const post = readJson(join(snap, 'after.json'));
      const later = readJson(join(snap, 'later.json'));
      const shellPid = Number(readFileSync(join(snap, 'shell.pid'), 'utf8'));
      const ps = new Map(readFileSync(join(snap, 'ps.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([pid, ppid, comm]) => [Number(pid), { ppid: Number(ppid), comm: comm! }]));
      const ancestors: number[] = [];
      for (let p = ps.get(shellPid)?.ppid; p && p > 1; p = ps.get(p)?.ppid) ancestors.push(p);
      const tree = `shell ${shellPid}, ancestors ${ancestors.map((p) => `${p} ${ps.get(p)?.comm}`).join(', ')}`;
      expect(pre.state).toBe('running');
      expect(post).toMatchObject({ state: 'running', message: 'from-the-shell' });
      expect(post.pid, tree).not.toBe(shellPid);
      expect(post.pid).toBe(pre.pid);
      // The pid the hooks found by name (the agent's process) is the one kept.
      const hookPids = new Set(logOf(dir).filter((e) => e.event === 'agent').map((e) => e.pid));
      expect([...hookPids]).toEqual([post.pid]);
      if (agent === 'claude') {
        expect(ancestors, tree).toContain(post.pid);
        expect(ps.get(post.pid)?.comm).toBe('claude');
      } else {
        // Codex's workspace-write sandbox runs each command in a PID namespace of its own, under a `codex`
        // pid 1: the shell sees none of the host's pids (the tracker keeps the recorded one).
        expect(ps.get(1)?.comm, tree).toBe('codex');
        expect(ps.has(post.pid)).toBe(false);
      }
      // After that shell is gone, while the agent lives: still running, and the monitor does not call it crashed.
      expect(later).toMatchObject({ state: 'running', pid: post.pid });
      const mine = (JSON.parse(monitor).sessions as any[]).find((s) => s.session_id === 'a-run');
      expect(mine, monitor).toMatchObject({ state: 'running' });

      // The turn: running from its first event, idle after Stop. SessionEnd after the turn's end ends in
      // bin/hook-unless (docs/agents.md "What a hook costs"): status.json stays idle, with the agent's pid,
      // and the monitor reads an idle session whose agent is gone as ended.
      const seq = states(dir);
      expect(seq, diag).toEqual(['running', 'idle']);
      expect(logOf(dir).some((e) => e.event === 'heartbeat')).toBe(true);
      if (agent === 'codex') {
        // notify (agent-turn-complete) as the launch command passes it: its shell ends before node once the
        // Stop hook has said idle (fast-hook.test.ts); one that reaches the hook reads as idle, or is dropped
        // once the session ended (or a later hook got there first).
        const notes = logOf(dir).filter((e) => e.hook_event === 'notify');
        for (const n of notes) expect(n.state === 'idle' || n.ignored === 'ended' || n.ignored === 'out of order', JSON.stringify(n)).toBe(true);
      }
      expect(readJson(status)).toMatchObject({ state: 'idle' });
      const after = (JSON.parse(kitMake(w.repo, w.home.env, 'monitor', { json: 1 }).stdout).sessions as any[]).find((s) => s.session_id === 'a-run');
      expect(after, diag).toMatchObject({ state: 'ended' });
    });

    test('headless: a shared component written, then a scripted HTTP error' + (agent === 'claude' ? ' (StopFailure: failed)' : ' (no failure event: the kit cannot tell)'), async (ctx) => {
      skipWithout(ctx, agent);
      const w = worldOf(agent);
      const copy = w.c.path!;
      const dir = w.stateOf(w.c);
      server.setScript([agent === 'codex' ? writeTurn('codex', join(copy, 'docs', 'shared.md'), 'shared\n', copy) : writeTurn('claude', join(copy, 'docs', 'shared.md'), 'shared\n'), { error: 400, message: 'scripted failure' }]);
      const ran = await runArgv([...w.c.agent_argv!, ...headless(agent, 'Write the docs', copy)], copy, w.home.env);
      const diag = `exit ${ran.code}\n${ran.stderr.slice(-3000)}\n${ran.stdout.slice(-2000)}\n--- log ---\n${readFileSync(join(dir, 'log.jsonl'), 'utf8').slice(-4000)}`;
      // Both sessions share docs: the write lands.
      expect(readFileSync(join(copy, 'docs', 'shared.md'), 'utf8')).toBe('shared\n');
      expect(logOf(dir).find((e) => e.decision)).toMatchObject({ hook_event: 'PreToolUse', decision: 'allow' });
      expect(ran.code, diag).not.toBe(0);
      // Claude's StopFailure hook runs in the background (bin/hook-later): it may land just after the exit.
      if (agent === 'claude') await waitFor('StopFailure', () => logOf(dir).some((e) => e.hook_event === 'StopFailure'), 15_000).catch(() => undefined);
      const s = readJson(join(dir, 'status.json'));
      if (agent === 'claude') {
        // StopFailure and SessionEnd come in either order: failed either way.
        expect([['running', 'failed'], ['running', 'ended', 'failed']], diag).toContainEqual(states(dir));
        expect(s.state).toBe('failed');
        expect(s.errors.at(-1).message).toBe('the agent stopped on an error: unknown (API Error: 400 scripted failure)');
        expect(logOf(dir).map((e) => e.hook_event)).toEqual(expect.arrayContaining(['StopFailure', 'SessionEnd']));
      } else {
        // Codex has no failure event and the kit does not start the agent (it prints agent_argv): the
        // exit status reaches no one. What the hook records is all there is.
        expect(logOf(dir).map((e) => e.hook_event).filter(Boolean), diag).not.toContain('StopFailure');
        // 0.169.0: turn.failed, exit 1, no Stop, then SessionEnd: the session reads `ended` (make monitor
        // wait=1 ends it as not completed, exit 1), with no error recorded.
        expect(states(dir), diag).toEqual(['running', 'ended']);
        expect(s).toMatchObject({ state: 'ended', errors: [] });
      }
    });

    test('interactive under tmux: waiting_input on the permission question, running after the answer, idle after the turn', async (ctx) => {
      skipWithout(ctx, agent, true);
      const w = worldOf(agent);
      const copy = w.a.path!;
      const dir = w.stateOf(w.a);
      const file = join(copy, 'ui', 'asked.txt');
      server.setScript(
        agent === 'claude'
          ? [writeTurn('claude', file, 'asked\n'), { text: 'Wrote it.' }]
          : [{ tool: 'exec_command', input: { cmd: 'echo asked > ui/asked.txt', sandbox_permissions: 'require_escalated', justification: 'write the file' } }, { text: 'Wrote it.' }],
      );
      const logged = logOf(dir).length;
      const since = () => logOf(dir).slice(logged);
      const seq = () => since().filter((e) => e.event === 'agent' && e.state).map((e) => e.state as string).filter((s, i, xs) => i === 0 || xs[i - 1] !== s);
      const t = new TmuxAgent(w.home, copy);
      const argv = w.a.agent_argv!;
      const extra = agent === 'codex' ? ['--no-daemon', '-c', 'approval_policy="on-request"', '-c', 'sandbox_mode="read-only"'] : [];
      t.start(argv[0]!, [...argv.slice(1), ...extra]);
      const status = () => (existsSync(join(dir, 'status.json')) ? readJson(join(dir, 'status.json')) : {});
      try {
        // Claude: its input box and the shortcuts line under it (the kit hooks no SessionStart to wait for).
        await waitFor('the input box', () => (agent === 'claude' ? /❯[\s\S]*for shortcuts/ : /›|▌|Ask Codex|context left/i).test(t.screen()), 30_000);
        await t.type('Write ui/asked.txt');
        await waitFor('waiting_input', () => status().state === 'waiting_input', 30_000);
        expect(status().message).toMatch(/^asks to use /);
        await waitFor('the question on screen', () => (agent === 'claude' ? /Do you want|Yes/ : /Would you like to|Yes, proceed/).test(t.screen()), 15_000);
        if (agent === 'claude') await t.answer(/Do you want/, ['Enter']);
        else await t.answer(/Yes, proceed/, ['y'], true);
        await waitFor('Stop', () => since().some((e) => e.hook_event === 'Stop'), 30_000);
        expect(readFileSync(file, 'utf8').trim()).toBe('asked');
        expect(status().state).toBe('idle');
        // The agent's process: the pane's own (Claude's binary), or the native codex under Codex's node launcher.
        const pid = status().pid as number;
        const chain: number[] = [];
        for (let p = pid; p > 1 && chain.length < 8; p = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])) chain.push(p);
        expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe(agent);
        expect(chain).toContain(t.pid);
        const seen = seq().filter((s) => s !== 'ended');
        expect(seen.slice(seen.indexOf('waiting_input'))).toEqual(['waiting_input', 'running', 'idle']);
        if (agent === 'claude') expect(seen[0]).toBe('running');
        else {
          // Codex's prompt hook runs in the background (bin/hook-later): when the question's hook gets
          // there first, the earlier prompt changes nothing (out of order), as it should.
          const prompt = since().find((e) => e.hook_event === 'UserPromptSubmit');
          expect(prompt).toBeDefined();
          if (prompt!.state === 'running') expect(seen[0]).toBe('running');
          else expect(prompt!.ignored).toBe('out of order');
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- screen ---\n${t.screen()}\n--- log ---\n${since().map((x) => JSON.stringify(x)).join('\n')}`);
      } finally {
        await t.stop();
      }
    });
  });
}
