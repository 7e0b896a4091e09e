// The launch commands `make new-session agent=<a>` records, run for real (offline, scripted model server):
// each agent is started in the session's copy with exactly its recorded agent_argv (plus the harness's
// headless flags), the model writes a file in the session's component, and the kit's hook is called for
// the events the kit registered, with dir= the session's state folder (Codex: the PARALLEL_* variables of
// its launch command, its hooks installed by make agent-setup). Nothing lands in the copy but what the
// kit keeps out of git; OpenCode installs nothing. Then `claude -w ui/fix-login` through the
// WorktreeCreate hook of make agent-setup agent=claude: a full kit session, Claude working in its copy.
//
// The signal that the hook ran: the logging `node` of hook-spy.ts (works without dist/hook.cjs built).
// Each agent skips (one line) when it is not in .cache/agents.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOOK, hookSpy, type HookCall, type HookSpy } from '../helpers/agents/hook-spy.ts';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { captureSettings, cleanupHomes, makeHome, readCaptured, type Agent, type AgentHome } from '../helpers/agents/run.ts';
import { DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';
import { worklogField, type Created } from '../helpers/session.ts';
import { type Ran, kitJson, kitMake, runArgv, skipWithout } from '../helpers/agents/kit.ts';

type WithAgent = Created & { agent_kind: string | null; agent_argv: string[] | null; agent_files: string[]; warnings: string[] };

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

/** The headless flags the harness runs each agent with (tests/helpers/agents/run.ts). */
function headless(agent: Agent, prompt: string, cwd: string): string[] {
  switch (agent) {
    case 'claude':
      return ['-p', prompt, '--permission-mode', 'acceptEdits', '--output-format', 'json'];
    case 'codex':
      return ['exec', '--json', '-C', cwd, prompt];
    case 'gemini':
      return ['-p', prompt, '--approval-mode', 'auto_edit'];
    case 'opencode':
      return ['run', '--title', 'test', prompt];
  }
}

/** What git sees in the copy that no commit has, untracked and ignored alike. */
const extra = (copy: string) => gitIn(copy, 'status', '--porcelain', '--ignored', '--untracked-files=all').split('\n').filter(Boolean).sort();

/** The hook's event for a call: argv's (node hook.cjs <agent> <event> dir=), else the payload's. */
const eventOf = (c: HookCall) => (c.argv.length >= 3 && !c.argv[2]!.startsWith('dir=') ? c.argv[2]! : c.payload?.hook_event_name);

/**
 * The events each agent's run must reach the hook with (of those the kit registers). Claude's and Codex's
 * PostToolUse, their SessionEnd and Codex's notify after Stop end in bin/hook-unless (fast-hook.ts).
 */
const EXPECTED: Record<Agent, string[]> = {
  claude: ['UserPromptSubmit', 'PreToolUse', 'Stop'],
  codex: ['UserPromptSubmit', 'PreToolUse', 'Stop'],
  gemini: ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'],
  opencode: ['session.created', 'session.status', 'tool.execute.before', 'file.edited', 'tool.execute.after', 'session.idle'],
};

interface Launched {
  repo: string;
  copy: string;
  stateDir: string;
  session: WithAgent;
  home: AgentHome;
  spy: HookSpy;
  ran: Ran;
  file: string;
}

/** new-session agent=<a> json=1, then the agent started with its recorded argv; the model writes ui/launched.txt. */
async function launch(agent: Agent): Promise<Launched> {
  const repo = makeRepo();
  const name = `x-${agent}`;
  // The copy's path is known before new-session makes it: the agent's home trusts that folder.
  const copy = join(dirname(repo), 'repo-sessions', name);
  const home = makeHome(agent, { cwd: copy, server });
  const spy = hookSpy(join(home.root, 'spy'));
  home.env.PATH = `${spy.bin}:${home.env.PATH}`;
  if (agent === 'opencode') {
    // Any package install would ask this registry (the model server, which logs it) and nothing else.
    home.env.npm_config_registry = `${server.url}/registry/`;
    home.env.BUN_CONFIG_REGISTRY = `${server.url}/registry/`;
  }
  if (agent === 'gemini') {
    // What the kit's launch command and files must bring on their own: hooks on, the new copy trusted.
    const settings = join(home.home, '.gemini', 'settings.json');
    const s = JSON.parse(readFileSync(settings, 'utf8'));
    delete s.hooksConfig;
    writeFileSync(settings, JSON.stringify(s, null, 2));
    rmSync(join(home.home, '.gemini', 'trustedFolders.json'));
    delete home.env.GEMINI_CLI_TRUST_WORKSPACE;
  }
  if (agent === 'codex') {
    const set = kitMake(repo, home.env, 'agent-setup', { agent: 'codex', apply: 1 });
    expect(set.code, set.stderr).toBe(0);
  }
  const session = kitJson<WithAgent>(repo, home.env, 'new-session', { name, component: 'ui', agent });
  expect(session.path).toBe(copy);
  expect(session.agent_kind).toBe(agent);
  const stateDir = join(repo, '.parallel', 'sessions', name);
  const file = join(copy, 'ui', 'launched.txt');
  server.setScript([writeTurn(agent, file, `written by ${agent}\n`, copy), { text: 'Wrote ui/launched.txt.' }]);
  const argv = [...session.agent_argv!, ...headless(agent, 'Write ui/launched.txt', copy)];
  const ran = await runArgv(argv, copy, home.env);
  return { repo, copy, stateDir, session, home, spy, ran, file };
}

function expectWritten(l: Launched, agent: Agent): void {
  expect(l.ran.code, `${l.ran.stderr}\n${l.ran.stdout}`).toBe(0);
  expect(readFileSync(l.file, 'utf8')).toBe(`written by ${agent}\n`);
}

/** Every call is the kit's hook for this agent with dir= the session's state folder; the expected events all came. */
function expectHookCalls(l: Launched, agent: Agent): HookCall[] {
  const calls = l.spy.calls();
  for (const c of calls) {
    expect(c.argv[0]).toBe(HOOK);
    expect(c.argv[1]).toBe(agent);
    if (agent !== 'codex' || eventOf(c) === 'notify') expect(c.argv.find((a) => a.startsWith('dir='))).toBe(`dir=${l.stateDir}`);
  }
  const seen = new Set(calls.map(eventOf));
  expect([...EXPECTED[agent]].filter((e) => !seen.has(e)), `hook calls: ${calls.map(eventOf).join(' ')}`).toEqual([]);
  return calls;
}

/** Nothing in the copy but the file the model wrote and what the kit keeps out of git. */
function expectClean(l: Launched, kitFiles: string[] = []): void {
  expect(extra(l.copy)).toEqual(['!! .parallel-session.env', ...kitFiles.map((f) => `!! ${f}`), '?? ui/launched.txt'].sort());
}

describe('new-session agent=<a>: the recorded launch command, run for real', () => {
  test('claude: --settings from the state folder; the hook runs with dir=', async (ctx) => {
    skipWithout(ctx, 'claude');
    const l = await launch('claude');
    expectWritten(l, 'claude');
    const calls = expectHookCalls(l, 'claude');
    expect(calls.find((c) => eventOf(c) === 'PreToolUse')!.payload).toMatchObject({ tool_name: 'Write', tool_input: { file_path: l.file }, cwd: l.copy });
    expectClean(l);
  });

  test('codex: the session variables and -c notify; the user-level hooks of agent-setup run in the session', async (ctx) => {
    skipWithout(ctx, 'codex');
    const l = await launch('codex');
    expectWritten(l, 'codex');
    const calls = expectHookCalls(l, 'codex');
    for (const c of calls) expect(c.env).toMatchObject({ PARALLEL_DIR: join(l.repo, '.parallel'), PARALLEL_WORKSPACE: 'sessions', PARALLEL_SESSION: 'x-codex' });
    // notify after the Stop hook said idle ends in bin/hook-unless: at most one reaches the hook.
    const notify = calls.filter((c) => eventOf(c) === 'notify');
    expect(notify.length).toBeLessThanOrEqual(1);
    for (const c of notify) expect(JSON.parse(c.argv.at(-1)!).type).toBe('agent-turn-complete');
    expectClean(l);

    // Without the user-level hooks (no make agent-setup), notify is the only word of the turn's end: in
    // a new session it reaches the hook through bin/hook-unless, and the session reads idle.
    expect(kitMake(l.repo, l.home.env, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }).code).toBe(0);
    l.spy.clear();
    const second = kitJson<WithAgent>(l.repo, l.home.env, 'new-session', { name: 'x-codex2', component: 'docs', agent: 'codex' });
    const again = join(second.path!, 'docs', 'again.txt');
    server.setScript([writeTurn('codex', again, 'again\n', second.path!), { text: 'Wrote docs/again.txt.' }]);
    const ran = await runArgv([...second.agent_argv!, ...headless('codex', 'Write docs/again.txt', second.path!)], second.path!, l.home.env, 90_000, 10_000);
    expect(ran.code, ran.stderr).toBe(0);
    expect(l.spy.calls().map((c) => JSON.parse(c.argv.at(-1)!).type)).toEqual(['agent-turn-complete']);
    // Codex does not wait for its notify program: the hook may still be at work when codex exits (so the
    // run above gives the process group time to end).
    const dir2 = join(l.repo, '.parallel', 'sessions', 'x-codex2');
    const stateOf2 = () => JSON.parse(readFileSync(join(dir2, 'status.json'), 'utf8')).state as string;
    for (let i = 0; i < 100 && stateOf2() !== 'idle'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stateOf2(), readFileSync(join(dir2, 'log.jsonl'), 'utf8')).toBe('idle');
  });

  test('gemini: the copy\'s .gemini/settings.json; the hook runs with dir=', async (ctx) => {
    skipWithout(ctx, 'gemini');
    const l = await launch('gemini');
    expectWritten(l, 'gemini');
    const calls = expectHookCalls(l, 'gemini');
    expect(calls.find((c) => eventOf(c) === 'BeforeTool')!.payload).toMatchObject({ tool_name: 'write_file' });
    expectClean(l, ['.gemini/settings.json']);
  });

  test('opencode: the plugin of the state folder; the hook runs with dir=; no install', async (ctx) => {
    skipWithout(ctx, 'opencode');
    const l = await launch('opencode');
    expectWritten(l, 'opencode');
    const calls = expectHookCalls(l, 'opencode');
    expect(calls.find((c) => eventOf(c) === 'tool.execute.before')!.payload).toMatchObject({ tool: 'write', cwd: l.copy });
    expectClean(l);
    // No install: no registry request, node_modules/ still empty, no lock file of its own. OpenCode does
    // write a .gitignore (its install's files) into every config folder it reads, install or not.
    expect(server.requests.filter((r) => r.path.startsWith('/registry'))).toEqual([]);
    const dir = join(l.stateDir, 'opencode');
    expect(readdirSync(join(dir, 'node_modules'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f !== '.gitignore').sort()).toEqual(['node_modules', 'package-lock.json', 'package.json', 'plugins']);
    expect(readFileSync(join(dir, 'plugins', 'parallel-kit.js'), 'utf8')).toContain('ParallelKit');
    expect(existsSync(join(l.copy, '.opencode'))).toBe(false);
  });
});

describe('claude -w COMPONENT/NAME: the WorktreeCreate hook of make agent-setup agent=claude', () => {
  test('a headless `claude -w ui/fix-login` makes a full kit session, and Claude works in its copy', async (ctx) => {
    skipWithout(ctx, 'claude');
    // A setup command that talks on stdout: none of it may reach Claude, which reads the copy's path there.
    const repo = makeRepo({ config: `${DEFAULT_CONFIG}setup: echo setup-says-hello; echo setup-warns >&2\n` });
    const home = makeHome('claude', { cwd: repo, server });
    const spy = hookSpy(join(home.root, 'spy'));
    home.env.PATH = `${spy.bin}:${home.env.PATH}`;
    const set = kitMake(repo, home.env, 'agent-setup', { agent: 'claude', apply: 1 });
    expect(set.code, set.stderr).toBe(0);
    const local = JSON.parse(readFileSync(join(repo, '.claude', 'settings.local.json'), 'utf8'));
    expect(Object.keys(local.hooks)).toEqual(['WorktreeCreate']);
    expect(extra(repo).filter((l) => !l.startsWith('!! .parallel/'))).toEqual(['!! .claude/settings.local.json']);

    // What Claude sees: the hook's stdout is the copy's absolute path and nothing else.
    const command = local.hooks.WorktreeCreate[0].hooks[0].command as string;
    const probe = spawnSync('/bin/sh', ['-c', command], { cwd: repo, env: home.env, encoding: 'utf8', input: JSON.stringify({ session_id: 's', transcript_path: '/dev/null', cwd: repo, hook_event_name: 'WorktreeCreate', name: 'docs/probe' }) });
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout).toBe(`${join(dirname(repo), 'repo-sessions', 'probe')}\n`);

    const copy = join(dirname(repo), 'repo-sessions', 'fix-login');
    const file = join(copy, 'ui', 'fixed.txt');
    server.setScript([writeTurn('claude', file, 'fixed\n'), { text: 'Fixed.' }]);
    const log = join(home.root, 'events.jsonl');
    const settings = captureSettings('claude', join(home.root, 'capture'), log);
    const argv = ['claude', '-w', 'ui/fix-login', '--settings', settings, ...headless('claude', 'Fix the login', repo)];
    const ran = await runArgv(argv, repo, home.env);
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);

    // The kit's session: listed with its component, port and WORK_LOG entry.
    const listed = kitJson<any[]>(repo, home.env, 'list-sessions', {});
    const s = listed.find((r) => r.name === 'fix-login');
    expect(s, JSON.stringify(listed)).toMatchObject({ name: 'fix-login', component: 'ui', path: copy, state: 'active', port: expect.any(Number) });
    const uid = /parallel-session:begin uid=(\w+) name=fix-login /.exec(readFileSync(join(repo, 'WORK_LOG.md'), 'utf8'))?.[1];
    expect(uid).toBeTruthy();
    expect(worklogField(repo, uid!, 'Component')).toBe('ui');
    expect(worklogField(repo, uid!, 'Port')).toBe(String(s.port));
    expect(worklogField(repo, uid!, 'Copy')).toContain(copy);

    // Claude worked in the copy: the write landed there, its session's cwd is the copy, nothing in the main checkout.
    expect(readFileSync(file, 'utf8')).toBe('fixed\n');
    const events = readCaptured(log);
    expect(events.find((e) => e.event === 'SessionStart')?.payload.cwd).toBe(copy);
    expect(events.find((e) => e.event === 'PreToolUse')?.payload).toMatchObject({ cwd: copy, tool_input: { file_path: file } });
    expect(existsSync(join(repo, 'ui', 'fixed.txt'))).toBe(false);
    expect(existsSync(join(repo, '.claude', 'worktrees'))).toBe(false);
    expect(extra(repo).filter((l) => !l.startsWith('!! .parallel/'))).toEqual(['!! .claude/settings.local.json', '?? WORK_LOG.md']);
    expect(extra(copy)).toEqual(['!! .claude/settings.local.json', '!! .parallel-session.env', '?? ui/fixed.txt']);
  });
});
