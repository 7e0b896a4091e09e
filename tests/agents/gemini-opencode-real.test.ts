// Gemini CLI and OpenCode for real (the pinned CLIs, headless, offline against the scripted model server),
// started with the command line `make new-session agent=<a> json=1` records (agent_argv), calling the real
// dist/hook.cjs through the kit's own files (the copy's .gemini/settings.json; the plugin of the session's
// state folder): the states they leave in status.json and log.jsonl, and the guard's four outcomes.
//
// Two runs per agent:
// - a good turn, the model writing four files one after the other: in its own component (written), in the
//   component of another live session (denied: the reason, naming that session, reaches the model; the
//   file is absent), in a component no session claims (written), in the main checkout (denied); then text.
// - a turn the model server fails with HTTP 400: Gemini's SessionEnd with no AfterAgent, OpenCode's session.error.
// Each agent skips (one line) when it is not in .cache/agents. AGENT_FIXTURES=1 also saves OpenCode's real
// session.error (taken by the harness's capture plugin next to the kit's) as fixtures/opencode/session.error.real.json.
// (Gemini's SessionEnd after a model error is the same as after a good turn, reason "exit": only the open
// turn tells them apart, so no new fixture.)
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectSession } from '../../scripts/lib/monitor/monitor.ts';
import { scrub, FIXTURES } from '../helpers/agents/fixtures.ts';
import { startModelServer, writeTurn, type ModelServer, type Turn } from '../helpers/agents/model-server.ts';
import { CAPTURE, KIT, captureSettings, cleanupHomes, makeHome, readCaptured, type AgentHome } from '../helpers/agents/run.ts';
import { gitIn, makeRepo } from '../helpers/repo.ts';
import type { Created } from '../helpers/session.ts';
import { readLog, readStatus } from '../helpers/tracker.ts';
import { kitJson, runArgv, skipWithout } from '../helpers/agents/kit.ts';

type A = 'gemini' | 'opencode';
type WithAgent = Created & { agent_kind: string | null; agent_argv: string[] | null };

const SAVE = !!process.env.AGENT_FIXTURES;

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

const headless = (agent: A, prompt: string): string[] => (agent === 'gemini' ? ['-p', prompt, '--approval-mode', 'auto_edit'] : ['run', '--title', 'test', prompt]);

interface World {
  repo: string;
  root: string;
  home: AgentHome;
}

/** A repository with a live session `other` on component server (no agent), and the agent's clean home. */
function world(agent: A): World {
  const repo = makeRepo();
  const home = makeHome(agent, { cwd: repo, server });
  if (agent === 'gemini') {
    // What the kit's launch command and files must bring on their own: hooks on, the new copy trusted.
    const settings = join(home.home, '.gemini', 'settings.json');
    const s = JSON.parse(readFileSync(settings, 'utf8'));
    delete s.hooksConfig;
    writeFileSync(settings, JSON.stringify(s, null, 2));
    rmSync(join(home.home, '.gemini', 'trustedFolders.json'));
    delete home.env.GEMINI_CLI_TRUST_WORKSPACE;
  } else {
    // Any package install would ask this registry (the model server, which logs it) and nothing else.
    home.env.npm_config_registry = `${server.url}/registry/`;
    home.env.BUN_CONFIG_REGISTRY = `${server.url}/registry/`;
  }
  const other = kitJson<Created>(repo, home.env, 'new-session', { name: 'other', component: 'server' });
  expect(other.component).toBe('server');
  return { repo, root: join(repo, '.parallel'), home };
}

interface Session {
  s: WithAgent;
  copy: string;
  dir: string;
  status: () => ReturnType<typeof readStatus>;
  agentLines: () => Record<string, any>[];
}

function session(w: World, agent: A, name: string, component: string): Session {
  const s = kitJson<WithAgent>(w.repo, w.home.env, 'new-session', { name, component, agent });
  expect(s.agent_kind).toBe(agent);
  return {
    s,
    copy: s.path as string,
    dir: join(w.root, s.workspace, name),
    status: () => readStatus(w.root, s.workspace, name),
    agentLines: () => readLog(w.root, s.workspace, name).filter((e) => e.event === 'agent'),
  };
}

/** The model requests of one run (side requests, titles, left out). */
const since = (n: number) => server.requests.slice(n).filter((r) => r.wire !== 'other' && !r.side);

/** The good turn: four writes (own, another session's, unclaimed, outside), then text. */
function fourWrites(agent: A, w: World, t: Session): { files: Record<'own' | 'taken' | 'free' | 'outside', string>; script: Turn[] } {
  const files = {
    own: join(t.copy, 'ui', 'own.txt'),
    taken: join(t.copy, 'server', 'taken.txt'),
    free: join(t.copy, 'docs', 'free.md'),
    outside: join(w.repo, 'ui', 'outside.txt'),
  };
  const script: Turn[] = [
    writeTurn(agent, files.own, 'own\n'),
    writeTurn(agent, files.taken, 'taken\n'),
    writeTurn(agent, files.free, 'free\n'),
    writeTurn(agent, files.outside, 'outside\n'),
    { text: 'Wrote what I could.' },
  ];
  return { files, script };
}

/** The guard's log lines: [file relative to the copy or absolute, decision]. */
function decisions(t: Session): [string, string][] {
  return t
    .agentLines()
    .filter((e) => e.decision)
    .map((e) => [String(e.paths[0]).startsWith(`${t.copy}/`) ? String(e.paths[0]).slice(t.copy.length + 1) : e.paths[0], e.decision]);
}

/** What git shows in the copy (untracked files listed one by one; ignored ones not shown, as git status). */
const status = (copy: string) => gitIn(copy, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort();

/** Saves one payload as tests/agents/fixtures/<agent>/<name>.real.json, machine paths replaced. */
function saveFixture(agent: A, name: string, payload: unknown, paths: Record<string, string>): void {
  writeFileSync(join(FIXTURES, agent, `${name}.real.json`), `${JSON.stringify(scrub(payload, { ...paths, [KIT]: '<kit>', [CAPTURE]: '<capture.mjs>', [process.execPath]: '<node>', [server.url]: '<model-server>' }), null, 2)}\n`);
}

describe('gemini, started with its recorded agent_argv, through the real dist/hook.cjs', () => {
  test('a good turn: running, idle at AfterAgent, ended at SessionEnd; the guard: own and unclaimed written, another session\'s and outside denied; no trust prompt; .gemini/settings.json not in git status', async (ctx) => {
    skipWithout(ctx, 'gemini');
    const w = world('gemini');
    const t = session(w, 'gemini', 'g1', 'ui');
    expect(t.s.agent_argv!.slice(0, 2)).toEqual(['env', 'GEMINI_CLI_TRUST_WORKSPACE=true']);
    const { files, script } = fourWrites('gemini', w, t);
    // Gemini refuses on its own a path outside its workspace folders, before any hook: so that the kit's
    // guard decides on the main checkout, this run adds it to the workspace (--include-directories), and a
    // fifth write, to a folder outside both, shows Gemini's own refusal.
    const elsewhere = join(dirname(w.repo), 'elsewhere.txt');
    script.splice(4, 0, writeTurn('gemini', elsewhere, 'elsewhere\n'));
    server.setScript(script);
    const before = server.requests.length;
    const ran = await runArgv([...t.s.agent_argv!, ...headless('gemini', 'Write the four files'), '--include-directories', w.repo], t.copy, w.home.env, 120_000, 5_000);
    // No trust question, no exit 55: the model was asked, and the run ended well.
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);
    const reqs = since(before);
    expect(reqs.map((r) => r.turn)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(existsSync(elsewhere)).toBe(false);
    expect(JSON.stringify(reqs[5]!.body)).toContain(`Path not in workspace: Attempted path \\"${elsewhere}\\" resolves outside the allowed workspace directories`);

    // The files: own and unclaimed written, the other two absent.
    expect(readFileSync(files.own, 'utf8')).toBe('own\n');
    expect(readFileSync(files.free, 'utf8')).toBe('free\n');
    expect(existsSync(files.taken)).toBe(false);
    expect(existsSync(files.outside)).toBe(false);
    expect(decisions(t)).toEqual([
      ['ui/own.txt', 'allow'],
      ['server/taken.txt', 'deny'],
      ['docs/free.md', 'allow'],
      [files.outside, 'deny'],
    ]);
    // What the model received for each denial: Gemini's "Tool execution blocked: R", R naming the other session.
    const afterTaken = JSON.stringify(reqs[2]!.body);
    expect(afterTaken).toContain('Tool execution blocked');
    expect(afterTaken).toContain('server/taken.txt is in component server, which session other (workspace sessions) works on');
    expect(afterTaken).toContain('shared=1');
    const afterOutside = JSON.stringify(reqs[4]!.body);
    expect(afterOutside).toContain(`${files.outside} is outside your copy ${t.copy}, in the main checkout`);

    // The states: running through the turn, idle at AfterAgent, ended at SessionEnd.
    const lines = t.agentLines();
    const states = lines.filter((e) => e.state && !e.ignored).map((e) => [e.hook_event, e.state]);
    expect(states[0]).toEqual(['BeforeAgent', 'running']);
    const afterAgent = states.findIndex(([e]) => e === 'AfterAgent');
    expect(states.slice(0, afterAgent).every(([, s]) => s === 'running'), JSON.stringify(states)).toBe(true);
    expect(states.slice(afterAgent)).toEqual([
      ['AfterAgent', 'idle'],
      ['SessionEnd', 'ended'],
    ]);
    expect(lines.map((e) => e.hook_event)).toEqual(expect.arrayContaining(['SessionStart', 'BeforeTool', 'AfterTool']));
    expect(t.status()).toMatchObject({ state: 'ended', message: 'session ended (exit)' });
    expect(t.status().started_at).not.toBeNull();
    expect(readLog(w.root, 'sessions', 'g1').filter((e) => e.event === 'hook_error')).toEqual([]);
    expect(inspectSession(w.root, 'sessions', 'g1').state).toBe('ended');

    // git status in the copy: the two files written, and never .gemini/settings.json.
    expect(existsSync(join(t.copy, '.gemini', 'settings.json'))).toBe(true);
    expect(status(t.copy)).toEqual(['?? docs/free.md', '?? ui/own.txt']);
    expect(gitIn(w.repo, 'status', '--porcelain', '--untracked-files=all')).not.toContain('outside');
  });

  test('a model error (HTTP 400): SessionEnd with no AfterAgent is failed', async (ctx) => {
    skipWithout(ctx, 'gemini');
    const w = world('gemini');
    const t = session(w, 'gemini', 'g2', 'ui');
    server.setScript([{ error: 400, message: 'scripted bad request' }]);
    const ran = await runArgv([...t.s.agent_argv!, ...headless('gemini', 'Fail please')], t.copy, w.home.env, 120_000, 5_000);
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(1);
    const events = t.agentLines().map((e) => e.hook_event);
    expect(events).toContain('BeforeAgent');
    expect(events).not.toContain('AfterAgent');
    expect(events.at(-1)).toBe('SessionEnd');
    expect(t.status()).toMatchObject({ state: 'failed' });
    expect(t.status().message).toContain('no AfterAgent');
    expect(t.status().errors.at(-1)?.message).toContain('no AfterAgent');
    expect(inspectSession(w.root, 'sessions', 'g2').state).toBe('failed');
  });
});

describe('opencode, started with its recorded agent_argv, through the kit\'s plugin and the real dist/hook.cjs', () => {
  test('a good turn: running, idle at session.idle, ended once the process is gone (the monitor: idle and gone is ended); the guard: the plugin throws on a deny, the model gets the reason and the run goes on', async (ctx) => {
    skipWithout(ctx, 'opencode');
    const w = world('opencode');
    const t = session(w, 'opencode', 'o1', 'ui');
    const { files, script } = fourWrites('opencode', w, t);
    server.setScript(script);
    const before = server.requests.length;
    const ran = await runArgv([...t.s.agent_argv!, ...headless('opencode', 'Write the four files')], t.copy, w.home.env, 120_000, 5_000);
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);
    const reqs = since(before);
    expect(reqs.map((r) => r.turn)).toEqual([0, 1, 2, 3, 4]);

    expect(readFileSync(files.own, 'utf8')).toBe('own\n');
    expect(readFileSync(files.free, 'utf8')).toBe('free\n');
    expect(existsSync(files.taken)).toBe(false);
    expect(existsSync(files.outside)).toBe(false);
    expect(decisions(t)).toEqual([
      ['ui/own.txt', 'allow'],
      ['server/taken.txt', 'deny'],
      ['docs/free.md', 'allow'],
      [files.outside, 'deny'],
    ]);
    // The plugin's throw: OpenCode hands its message to the model as the tool's result, and goes on.
    const afterTaken = JSON.stringify(reqs[2]!.body);
    expect(afterTaken).toContain('server/taken.txt is in component server, which session other (workspace sessions) works on');
    expect(afterTaken).toContain('shared=1');
    expect(JSON.stringify(reqs[4]!.body)).toContain(`${files.outside} is outside your copy ${t.copy}, in the main checkout`);

    // The states: running through the turn, idle at its end; OpenCode has no event for its own exit.
    const states = t.agentLines().filter((e) => e.state && !e.ignored).map((e) => [e.hook_event, e.state]);
    expect(states[0]?.[1]).toBe('running');
    const idle = states.findIndex(([, s]) => s === 'idle');
    expect(idle).toBeGreaterThan(0);
    expect(states.slice(0, idle).every(([, s]) => s === 'running'), JSON.stringify(states)).toBe(true);
    expect(states.map(([e]) => e)).toEqual(expect.arrayContaining(['session.status', 'tool.execute.before', 'tool.execute.after', 'session.idle']));
    expect(states.at(-1)?.[1]).toBe('idle');
    expect(readLog(w.root, 'sessions', 'o1').filter((e) => e.event === 'hook_error')).toEqual([]);
    // What the kit does once `opencode run` exits: status.json stays idle with the agent's pid, and the
    // monitor, which sees that process gone after its turn, shows ended (OpenCode sends no exit event).
    const st = t.status();
    expect(st.state).toBe('idle');
    expect(st.pid).toEqual(expect.any(Number));
    expect(inspectSession(w.root, 'sessions', 'o1')).toMatchObject({ state: 'ended' });

    expect(status(t.copy)).toEqual(['?? docs/free.md', '?? ui/own.txt']);
    expect(server.requests.filter((r) => r.path.startsWith('/registry'))).toEqual([]);
  });

  test('a model error (HTTP 400): session.error is failed, and stays failed through the idle after it', async (ctx) => {
    skipWithout(ctx, 'opencode');
    const w = world('opencode');
    const t = session(w, 'opencode', 'o2', 'ui');
    const log = join(w.home.root, 'capture.jsonl');
    if (SAVE) copyFileSync(captureSettings('opencode', join(w.home.root, 'capture'), log), join(w.home.env.XDG_CONFIG_HOME!, 'opencode', 'plugins', 'capture-plugin.js'));
    server.setScript([{ error: 400, message: 'scripted bad request' }]);
    const ran = await runArgv([...t.s.agent_argv!, ...headless('opencode', 'Fail please')], t.copy, w.home.env, 120_000, 5_000);
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(1);
    const lines = t.agentLines();
    const err = lines.find((e) => e.hook_event === 'session.error');
    expect(err, JSON.stringify(lines.map((e) => [e.hook_event, e.state, e.ignored]))).toMatchObject({ state: 'failed' });
    expect(err!.message).toContain('scripted bad request');
    // OpenCode then reports idle (session.status idle, session.idle): the kit's plugin marks those, and they keep the failure.
    const idles = lines.slice(lines.indexOf(err!)).filter((e) => e.hook_event === 'session.idle' || (e.hook_event === 'session.status' && !e.state));
    expect(idles.map((e) => e.hook_event)).toContain('session.idle');
    for (const e of idles) expect(e).toMatchObject({ ignored: 'no state', message: 'idle after session.error: still failed' });
    expect(t.status()).toMatchObject({ state: 'failed' });
    expect(inspectSession(w.root, 'sessions', 'o2').state).toBe('failed');
    if (SAVE) {
      const e = readCaptured(log).find((c) => c.event === 'session.error');
      expect(e).toBeTruthy();
      saveFixture('opencode', 'session.error', e!.payload, { [t.copy]: '<repo>', [w.home.root]: '<agent-root>', [dirname(t.copy)]: '<sessions>' });
    }
  });
});
