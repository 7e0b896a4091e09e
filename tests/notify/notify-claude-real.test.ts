// A real Claude Code launched with make launch (offline, scripted model server, its own HOME and tmux
// server): the model asks to write a file, so Claude asks for permission and the session shows
// waiting_input; `make monitor watch=1 notify=1` runs the config's notify command, which receives exactly
// one event, after dwell, as JSON on stdin. make stop ends it. Skips (one line) without Claude or tmux.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { cleanupHomes, hasTmux, makeHome, sleep, waitFor, whyMissing } from '../helpers/agents/run.ts';
import { KIT_BIN } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

let server: ModelServer;
let watcher: ChildProcess | null = null;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  watcher?.kill('SIGTERM');
  await server?.close();
  cleanupHomes();
});

function skipWithout(ctx: TestContext): void {
  const why = whyMissing('claude') ?? (!hasTmux() ? 'tmux is not installed (apt-get install tmux)' : null);
  if (why) ctx.skip(why);
}

describe('a notification from a launched real Claude', () => {
  test('its permission question: waiting_input, and exactly one event after dwell', async (ctx) => {
    skipWithout(ctx);
    const events = 'NOTIFY_EVENTS_FILE';
    const repo = makeRepo({ config: `base: main\nworkspace: sessions\nworktree_root: ../{repo}-sessions\ncomponents:\n  ui: { paths: [ui/] }\nnotify: { command: 'cat >> "$${events}"', dwell: 3, cooldown: 60 }\n` });
    const copy = join(dirname(repo), 'repo-sessions', 'asks');
    const home = makeHome('claude', { cwd: copy, server, interactive: true });
    const file = join(home.root, 'events.jsonl');
    const env = { ...home.env, TMUX_TMPDIR: home.tmp, [events]: file };
    const kit = (...args: string[]) => spawnSync(KIT_BIN, args, { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
    server.setScript([writeTurn('claude', join(copy, 'ui', 'asked.txt'), 'asked\n'), { text: 'Wrote it.' }]);
    const made = kit('new-session', 'name=asks', 'component=ui', 'agent=claude');
    expect(made.status, made.stderr).toBe(0);
    watcher = spawn(KIT_BIN, ['monitor', 'watch=1', 'notify=1', 'poll=1'], { cwd: repo, env, stdio: 'ignore' });
    const launched = kit('launch', 'name=asks', 'prompt=Write ui/asked.txt');
    expect(launched.status, launched.stderr).toBe(0);
    const status = join(repo, '.parallel', 'sessions', 'asks', 'status.json');
    try {
      await waitFor('waiting_input', () => existsSync(status) && JSON.parse(readFileSync(status, 'utf8')).state === 'waiting_input', 90_000, 100);
      const asked = Date.now();
      const received = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
      await waitFor('the notification', () => received().length > 0, 45_000, 100);
      expect(Date.now() - asked).toBeGreaterThanOrEqual(2_500);
      await sleep(3000);
      expect(received()).toHaveLength(1);
      expect(received()[0]).toMatchObject({ event: 'waiting_input', workspace: 'sessions', session: 'asks' });
      expect(received()[0].message).toMatch(/Write/);
    } finally {
      const stop = kit('stop', 'name=asks');
      expect(stop.status, stop.stderr).toBe(0);
    }
  }, 200_000);
});
