// make launch and make stop with the real Claude Code and Codex, offline (scripted model server), each
// test with its own HOME and its own tmux server (TMUX_TMPDIR in its home): the agent runs in its
// window, in the session's copy, with the session's PORT (read from the agent's own /proc entry); the
// model asks to write a file, so the session shows waiting_input; the test answers in the window
// (send-keys, again while the question stays up); the write lands, the session goes running then idle;
// list-sessions and monitor show agent, state, time in state and window; make stop leaves no process of
// it: every pid it saw is gone, and no process on the machine holds the launch's marker.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { TmuxAgent, cleanupHomes, hasTmux, makeHome, waitFor, whyMissing, type AgentHome } from '../helpers/agents/run.ts';
import { MAKEFILE } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

type CC = 'claude' | 'codex';

let server: ModelServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

function skipWithout(ctx: TestContext, agent: CC): void {
  const why = whyMissing(agent) ?? (!hasTmux() ? 'tmux is not installed (apt-get install tmux)' : null);
  if (why) ctx.skip(why);
}

/** A kit command through make, in the agent's clean environment only. */
export function kitMake(cwd: string, env: Record<string, string>, target: string, vars: Record<string, string | number> = {}) {
  const args = ['-s', '--no-print-directory', '-f', MAKEFILE, target, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('make', args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kitJson<T = any>(cwd: string, env: Record<string, string>, target: string, vars: Record<string, string | number> = {}): T {
  const r = kitMake(cwd, env, target, { ...vars, json: 1 });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const logOf = (dir: string) => (existsSync(join(dir, 'log.jsonl')) ? readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

/** The processes on this machine whose environment holds `marker` (readable ones: ours). */
function holding(marker: string): number[] {
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      if (readFileSync(`/proc/${n}/environ`).includes(`${marker}\0`)) out.push(Number(n));
    } catch {
      /* gone or not ours */
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

function envOf(pid: number): Record<string, string> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

interface World {
  repo: string;
  copy: string;
  dir: string;
  home: AgentHome;
  port: number;
}

function world(agent: CC): World {
  const repo = makeRepo();
  const name = `l-${agent}`;
  const copy = join(dirname(repo), 'repo-sessions', name);
  const home = makeHome(agent, { cwd: copy, server, interactive: true });
  // The kit's tmux server for this test only: tmux puts its socket under TMUX_TMPDIR.
  home.env.TMUX_TMPDIR = home.tmp;
  if (agent === 'codex') expect(kitMake(repo, home.env, 'agent-setup', { agent: 'codex', apply: 1 }).code).toBe(0);
  const s = kitJson(repo, home.env, 'new-session', { name, component: 'ui', agent });
  return { repo, copy, dir: join(repo, '.parallel', 'sessions', name), home, port: s.port };
}

for (const agent of ['claude', 'codex'] as const) {
  describe(`make launch / make stop with the real ${agent}`, () => {
    test(`${agent}: its window, its copy and PORT; waiting_input on the question, answered in the window; running, idle; stopped with nothing left`, async (ctx) => {
      skipWithout(ctx, agent);
      const w = world(agent);
      const name = `l-${agent}`;
      const file = join(w.copy, 'ui', 'asked.txt');
      server.setScript(
        agent === 'claude'
          ? [writeTurn('claude', file, 'asked\n'), { text: 'Wrote it.' }]
          : [{ tool: 'exec_command', input: { cmd: 'echo asked > ui/asked.txt', sandbox_permissions: 'require_escalated', justification: 'write the file' } }, { text: 'Wrote it.' }],
      );
      const launched = kitMake(w.repo, w.home.env, 'launch', { name, prompt: 'Write ui/asked.txt' });
      expect(launched.code, launched.stderr).toBe(0);
      const rec = readJson(join(w.dir, 'launch.json'));
      expect(launched.stdout).toContain(`in tmux window ${rec.tmux.session}:${name}`);
      expect(rec.tmux.socket.startsWith(w.home.tmp)).toBe(true);
      const t = TmuxAgent.inPane(w.home, rec.tmux.socket, rec.tmux.pane_id, rec.pid);
      const status = () => (existsSync(join(w.dir, 'status.json')) ? readJson(join(w.dir, 'status.json')) : {});
      const states = () => logOf(w.dir).filter((e) => (e.event === 'agent' || e.event === 'launch') && e.state).map((e) => e.state as string).filter((s, i, xs) => i === 0 || xs[i - 1] !== s);
      let stopped = false;
      try {
        await waitFor('waiting_input', () => status().state === 'waiting_input', 45_000);
        // The agent (the process its hooks found by name) works in the copy with the session's PORT.
        const pid = status().pid as number;
        expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe(agent);
        expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(w.copy);
        expect(envOf(pid)).toMatchObject({ PORT: String(w.port), PARALLEL_SESSION: name, PARALLEL_LAUNCH_ID: rec.launch_id });

        // The dashboard: agent, state, time in it, window.
        const row = kitJson<any[]>(w.repo, w.home.env, 'list-sessions').find((r) => r.name === name);
        expect(row).toMatchObject({ agent, tracker_state: 'waiting_input', window: { target: `${rec.tmux.session}:${name}`, dead: false, pid: rec.pid } });
        expect(row.state_for_s).toBeGreaterThanOrEqual(0);
        const view = kitJson<any>(w.repo, w.home.env, 'monitor').sessions.find((s: any) => s.session_id === name);
        expect(view).toMatchObject({ agent, state: 'waiting_input', window: { target: `${rec.tmux.session}:${name}` } });
        expect(kitMake(w.repo, w.home.env, 'monitor').stdout).toMatch(new RegExp(`sessions/${name} +needs input +\\d+s +${agent} +${rec.tmux.session}:${name} `));

        await waitFor('the question on screen', () => (agent === 'claude' ? /Do you want/ : /Yes, proceed/).test(t.screen()), 15_000);
        if (agent === 'claude') await t.answer(/Do you want/, ['Enter']);
        else await t.answer(/Yes, proceed/, ['y'], true);
        await waitFor('the turn to end', () => logOf(w.dir).some((e) => e.hook_event === 'Stop'), 45_000);
        expect(readFileSync(file, 'utf8').trim()).toBe('asked');
        await waitFor('idle', () => status().state === 'idle', 10_000);
        expect(states().slice(states().indexOf('waiting_input'))).toEqual(['waiting_input', 'running', 'idle']);

        const r = kitJson<any>(w.repo, w.home.env, 'stop', { name });
        stopped = true;
        expect(r).toMatchObject({ session: name, state: 'ended' });
        expect(['graceful', 'terminated', 'killed']).toContain(r.stop);
        expect(r.pids).toContain(rec.pid);
        expect(r.pids).toContain(pid);
        expect(r.pids.filter(alive)).toEqual([]);
        expect(holding(`PARALLEL_LAUNCH_ID=${rec.launch_id}`)).toEqual([]);
        expect(readJson(join(w.dir, 'launch.json'))).toMatchObject({ stop: r.stop, stopped_at: expect.any(String) });
        expect(logOf(w.dir).at(-1)).toMatchObject({ event: 'stop', how: r.stop, state: 'ended' });
        expect(kitJson<any[]>(w.repo, w.home.env, 'list-sessions').find((x) => x.name === name)).toMatchObject({ tracker_state: 'ended', window: null });
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- screen ---\n${t.screen()}\n--- log ---\n${logOf(w.dir).map((x) => JSON.stringify(x)).join('\n')}`);
      } finally {
        if (!stopped) kitMake(w.repo, w.home.env, 'stop', { name, timeout: 2 });
        spawnSync('tmux', ['-S', rec.tmux.socket, 'kill-server'], { env: w.home.env });
      }
    });
  });
}
