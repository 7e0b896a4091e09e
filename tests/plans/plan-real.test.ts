// make up with real headless agents (Claude Code, offline, against the scripted model server): a plan of
// three sessions (api, then ui, then tests) starts each only after the one it waits for completed (the
// order from the timestamps in their logs), keeps each final answer in the session's log; a dependency
// whose model fails leaves the rest blocked and never started; the orchestrator killed with kill -9 in
// the middle and run again finishes the plan, nothing started twice. Skips (one line) without Claude.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.ts';
import { agentBinary, cleanupHomes, makeHome, waitFor, whyMissing, type AgentHome } from '../helpers/agents/run.ts';
import { KIT_BIN, kitIn } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
ports: { range: 8001-8099, env: [PORT] }
components:
  server: { paths: [server/] }
  ui: { paths: [ui/] }
  tests: { paths: [tests/] }
agent: claude
`;

const PLAN = (agent = 'claude') => `workspace: auth
sessions:
  - { name: api, component: server, agent: ${agent}, prompt: "Add JWT auth to the API" }
  - { name: ui, component: ui, agent: claude, prompt: "Login form using the new API", after: [api] }
  - { name: tests, component: tests, agent: claude, prompt: "Integration tests", after: [api, ui] }
`;

let server: ModelServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

function skipWithout(ctx: TestContext): void {
  const why = whyMissing('claude');
  if (why) ctx.skip(why);
}

interface World {
  repo: string;
  home: AgentHome;
  plan: string;
  state: string;
}

function world(config = CONFIG, plan = PLAN()): World {
  const repo = makeRepo({ config, files: { 'server/app.py': 'x\n', 'ui/app.js': 'x\n', 'tests/t.py': 'x\n' } });
  const home = makeHome('claude', { cwd: repo, server });
  const file = join(tempDir('kit-plan-'), 'plan.yaml');
  writeFileSync(file, plan);
  return { repo, home, plan: file, state: join(repo, '.parallel') };
}

/** bin/kit up plan= wait=1, without blocking: the model server answers from this process. */
const up = (w: World) => kitIn(w.repo, ['up', `plan=${w.plan}`, 'wait=1', 'timeout=120'], w.home.env);

const events = (w: World, name: string) =>
  existsSync(join(w.state, 'auth', name, 'log.jsonl'))
    ? readFileSync(join(w.state, 'auth', name, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: string; event: string; message?: string })
    : [];
const at = (w: World, name: string, event: string) => events(w, name).filter((e) => e.event === event).map((e) => Date.parse(e.at));
const status = (w: World, name: string) => JSON.parse(readFileSync(join(w.state, 'auth', name, 'status.json'), 'utf8')) as { state: string; message: string };
const planState = (w: World) => JSON.parse(readFileSync(join(w.state, 'plans', 'auth.json'), 'utf8')) as { sessions: { name: string; outcome: string | null; started_at: string | null }[]; orchestrator: unknown };

describe('make up: three headless Claude sessions', () => {
  test('each starts only after what it waits for completed; the final answers are in the logs', async (ctx) => {
    skipWithout(ctx);
    server.setScript([{ text: 'Implemented as asked.' }]);
    const w = world();
    const r = await up(w);
    expect(r.code, r.stderr).toBe(0);
    for (const n of ['api', 'ui', 'tests']) {
      expect(status(w, n).state, n).toBe('completed');
      expect(existsSync(join(w.state, 'auth', n, 'COMPLETED')), n).toBe(true);
      expect(at(w, n, 'start'), n).toHaveLength(1);
      expect(events(w, n).find((e) => e.event === 'answer')?.message, n).toContain('Implemented as asked.');
    }
    const [apiDone] = at(w, 'api', 'complete');
    const [uiStart] = at(w, 'ui', 'start');
    const [uiDone] = at(w, 'ui', 'complete');
    const [testsStart] = at(w, 'tests', 'start');
    expect(uiStart).toBeGreaterThanOrEqual(apiDone!);
    expect(testsStart).toBeGreaterThanOrEqual(uiDone!);
    expect(planState(w).sessions.map((s) => s.outcome)).toEqual(['completed', 'completed', 'completed']);
    expect(planState(w).orchestrator).toBeNull();
    expect(r.stdout).toMatch(/tests\s+api,ui\s+headless\s+completed/);
  });

  test('a dependency whose model fails leaves the rest blocked, never started (exit 1)', async (ctx) => {
    skipWithout(ctx);
    server.setScript([{ error: 400, message: 'scripted failure' }]);
    const w = world();
    const r = await up(w);
    expect(r.code, r.stderr).toBe(1);
    expect(status(w, 'api').state).toBe('failed');
    expect(existsSync(join(w.state, 'auth', 'api', 'FAILED'))).toBe(true);
    for (const n of ['ui', 'tests']) {
      expect(status(w, n).state, n).toBe('blocked');
      expect(status(w, n).message, n).toMatch(/blocked: (api did not complete|ui is blocked)/);
      expect(at(w, n, 'start'), n).toEqual([]);
      expect(existsSync(join(w.state, 'auth', n, 'plan-run.json')), n).toBe(false);
    }
    expect(planState(w).sessions.map((s) => s.outcome)).toEqual(['failed', 'blocked', 'blocked']);
    // The reason has the agent's own word (claude -p prints the API error on stdout), and each block is said once.
    expect(status(w, 'api').message).toMatch(/^exit code 1: API Error: 400 .*scripted failure/);
    expect(r.stderr.match(/^up: ui: blocked/gm)).toHaveLength(1);
    const listed = spawnSync(KIT_BIN, ['monitor', 'workspace=auth'], { cwd: w.repo, env: w.home.env, encoding: 'utf8' });
    expect(listed.stdout).toMatch(/blocked 2/);
  });

  test('the orchestrator killed with kill -9 mid-plan, run again, finishes it with nothing started twice', async (ctx) => {
    skipWithout(ctx);
    server.setScript([{ text: 'done' }]);
    // api's agent is Claude behind a wrapper that takes two seconds first: the kill lands while it runs.
    const slow = join(tempDir('kit-slow-'), 'slow-claude');
    writeFileSync(slow, `#!/bin/sh\nsleep 2\nexec ${JSON.stringify(agentBinary('claude'))} "$@"\n`);
    chmodSync(slow, 0o755);
    const w = world(`${CONFIG}agents:\n  slow-claude: { kind: claude, command: ${JSON.stringify(slow)} }\n`, PLAN('slow-claude'));
    const child = spawn(KIT_BIN, ['up', `plan=${w.plan}`, 'wait=1'], { cwd: w.repo, env: w.home.env, stdio: 'ignore' });
    await waitFor('api to start', () => existsSync(join(w.state, 'auth', 'api', 'plan-run.json')), 60_000);
    process.kill(child.pid!, 'SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(status(w, 'ui').state).toBe('created');
    const r = await up(w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/already made: api, ui, tests/);
    for (const n of ['api', 'ui', 'tests']) {
      expect(status(w, n).state, n).toBe('completed');
      expect(at(w, n, 'start'), `${n} started once`).toHaveLength(1);
      expect(at(w, n, 'complete'), n).toHaveLength(1);
    }
    expect(at(w, 'ui', 'start')[0]).toBeGreaterThanOrEqual(at(w, 'api', 'complete')[0]!);
  });
});
