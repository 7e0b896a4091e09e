// Gemini CLI and OpenCode in their interactive interfaces under tmux (the pinned CLIs, offline, the scripted
// model server), started with the command line `make new-session agent=<a> json=1` records, calling the
// real dist/hook.cjs: the model asks to write a file, the interface asks the person (Gemini's Notification
// ToolPermission, OpenCode's permission.asked), so the session shows waiting_input; the test answers in the
// window, the write happens, the session goes running then idle; the agent's quit ends it. Each agent
// skips (one line) when it or tmux is missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectSession } from '../../scripts/lib/monitor/monitor.ts';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { TmuxAgent, cleanupHomes, makeHome, waitFor } from '../helpers/agents/run.ts';
import { kitJson, skipWithout } from '../helpers/agents/kit.ts';
import { makeRepo } from '../helpers/repo.ts';
import type { Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

let server: ModelServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

const AGENTS = {
  gemini: { ready: /Type your message/, question: /Apply this change\?/, quit: '/quit' },
  opencode: { ready: /Ask anything/, question: /Permission required/, quit: '/exit' },
} as const;

const logOf = (dir: string): Record<string, unknown>[] => (existsSync(join(dir, 'log.jsonl')) ? readFileSync(join(dir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const statusOf = (dir: string): Record<string, unknown> => (existsSync(join(dir, 'status.json')) ? JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) : {});

describe('real agents, interactive under tmux, through the kit', () => {
  for (const agent of ['gemini', 'opencode'] as const) {
    test(`${agent}: waiting_input on the permission question, running after the answer, idle after the turn, ended on quit`, async (ctx) => {
      skipWithout(ctx, agent, true);
      const ui = AGENTS[agent];
      const repo = makeRepo();
      const home = makeHome(agent, { cwd: repo, server, interactive: true });
      const s = kitJson<Created & { agent_argv: string[] }>(repo, home.env, 'new-session', { name: 'asks', component: 'ui', agent });
      const copy = s.path as string;
      const dir = join(repo, '.parallel', 'sessions', 'asks');
      const file = join(copy, 'ui', 'asked.txt');
      server.setScript([writeTurn(agent, file, 'asked\n'), { text: 'Wrote it.' }]);
      const states = () => logOf(dir).filter((e) => e.event === 'agent' && e.state).map((e) => e.state as string).filter((x, i, xs) => i === 0 || xs[i - 1] !== x);
      const t = new TmuxAgent(home, copy);
      t.start(s.agent_argv[0]!, s.agent_argv.slice(1));
      try {
        await waitFor('the input box', () => ui.ready.test(t.screen()), 120_000);
        // Enter again while the turn has not started: under load an interface can take the first one for
        // the end of a paste.
        await t.type('Write ui/asked.txt');
        for (let i = 0; i < 4 && !(await waitFor('the turn', () => logOf(dir).some((e) => e.state === 'running'), 8_000).catch(() => false)); i++) t.keys('Enter');
        await waitFor('waiting_input', () => statusOf(dir).state === 'waiting_input', 90_000);
        expect(existsSync(file)).toBe(false);
        await waitFor('the question on screen', () => ui.question.test(t.screen()), 15_000);
        await t.answer(ui.question, ['Enter']); // the first choice: allow once
        await waitFor('idle', () => statusOf(dir).state === 'idle' && states().at(-1) === 'idle', 60_000);
        expect(readFileSync(file, 'utf8')).toBe('asked\n');
        const seen = states();
        expect(seen.slice(seen.indexOf('waiting_input'))).toEqual(['waiting_input', 'running', 'idle']);
        expect(seen[0]).toBe('running');
        // OpenCode's first Enter picks the command from its menu, the next one runs it.
        await t.type(ui.quit);
        for (let i = 0; i < 4 && !(await waitFor('the agent gone', () => !t.alive(), 6_000).catch(() => false)); i++) t.keys('Enter');
        await waitFor('the agent gone', () => !t.alive(), 10_000);
        // Gemini says SessionEnd; OpenCode says nothing at exit: the monitor reads idle and gone as ended.
        if (agent === 'gemini') expect(statusOf(dir).state).toBe('ended');
        expect(inspectSession(join(repo, '.parallel'), 'sessions', 'asks').state).toBe('ended');
      } catch (e) {
        throw new Error(`${(e as Error).message} (the agent ${t.alive() ? 'runs' : 'is gone'})\n--- screen ---\n${t.screen()}\n--- log ---\n${logOf(dir).map((x) => JSON.stringify(x)).join('\n')}`);
      } finally {
        await t.stop();
      }
      expect(t.alive()).toBe(false);
    }, 240_000);
  }
});
