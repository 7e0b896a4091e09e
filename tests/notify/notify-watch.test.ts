// Notifications end to end: sessions launched with make launch in a real tmux server (a custom agent that
// just sleeps; the test reports for it through the kit's hook command, as such an agent does), watched by
// two `make monitor watch=1 notify=1` at once, the config's notify.command receiving each event as JSON on
// stdin. A short waiting_input sends nothing, a long one exactly one (the two watchers share their memory);
// the cooldown holds the next; a session whose window a person looks at (a tmux client attached, its window
// the active one) gets none.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { KIT_BIN } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { hasTmux, sleep, waitFor } from '../helpers/agents/run.ts';

const tmp = tempDir('kit-notify-');
const socket = join(tmp, 'tmux.sock');
const events = join(tmp, 'events.jsonl');
const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
components:
  server: { paths: [server/] }
  ui: { paths: [ui/] }
agents:
  # A custom agent that reports what the test asks of it: a state written to <tmp>/<session>.say.
  teller: { command: ${JSON.stringify(`while sleep 0.2; do f='${tmp}'/$PARALLEL_SESSION.say; if [ -f "$f" ]; then s=$(cat "$f"); rm -f "$f"; "$PARALLEL_HOOK" "$s"; fi; done`)} }
notify: { command: ${JSON.stringify(`cat >> '${events}'`)}, dwell: 2, cooldown: 8 }
`;
const env = { ...process.env, PARALLEL_TMUX_SOCKET: socket, NO_COLOR: '1' };
const watchers: ChildProcess[] = [];
// The watchers are gone before the repositories are removed (one still writing notify.json made that fail).
afterAll(async () => {
  await Promise.all(watchers.map((w) => (w.exitCode !== null || w.signalCode !== null ? null : new Promise((r) => (w.once('close', r), w.kill('SIGTERM'))))));
  spawnSync('tmux', ['-S', socket, 'kill-server']);
});

const kit = (repo: string, ...args: string[]) => spawnSync(KIT_BIN, args, { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
/** Has the agent say `state` through PARALLEL_HOOK, and waits until the status says so. */
async function report(repo: string, session: string, state: string): Promise<void> {
  writeFileSync(join(tmp, `${session}.say`), state);
  const file = join(repo, '.parallel', 'sessions', session, 'status.json');
  await waitFor(`${session} ${state}`, () => JSON.parse(readFileSync(file, 'utf8')).state === state, 10_000, 50);
}
const received = () => (existsSync(events) ? readFileSync(events, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; session: string; workspace: string }) : []);
const count = (session: string, event: string) => received().filter((e) => e.session === session && e.event === event).length;

describe.skipIf(!hasTmux())('notifications from make monitor watch=1 notify=1', () => {
  test('dwell, one event between two watchers, cooldown, focus', async () => {
    ensureBuilt();
    const repo = makeRepo({ config: CONFIG });
    for (const [name, component] of [['s1', 'server'], ['s2', 'ui']]) {
      const r = kit(repo, 'new-session', `name=${name}`, `component=${component}`, 'agent=teller', 'launch=1');
      expect(r.status, r.stderr).toBe(0);
    }
    for (let i = 0; i < 2; i++) watchers.push(spawn(KIT_BIN, ['monitor', 'watch=1', 'notify=1', 'poll=1'], { cwd: repo, env, stdio: 'ignore' }));
    await report(repo, 's1', 'running');
    await report(repo, 's2', 'running');
    await sleep(2500);

    // A question answered within dwell: nothing.
    await report(repo, 's1', 'waiting_input');
    await sleep(700);
    await report(repo, 's1', 'running');
    await sleep(3500);
    expect(received()).toEqual([]);

    // One that lasts: exactly one event, though two watchers saw it.
    await report(repo, 's1', 'waiting_input');
    await waitFor('the notification', () => count('s1', 'waiting_input') > 0, 40_000);
    await sleep(3000);
    expect(count('s1', 'waiting_input')).toBe(1);
    const e = received()[0]!;
    expect(e).toMatchObject({ event: 'waiting_input', session: 's1', workspace: 'sessions', previous: 'running' });

    // Within the cooldown (8 s) its failure is not announced.
    await report(repo, 's1', 'failed');
    await sleep(3000);
    expect(count('s1', 'failed')).toBe(0);

    // s2's window is the one a person looks at: no notification however long it waits.
    const session = JSON.parse(readFileSync(join(repo, '.parallel', 'sessions', 's2', 'launch.json'), 'utf8')).tmux.session as string;
    spawnSync('tmux', ['-S', socket, 'select-window', '-t', `=${session}:s2`]);
    const client = spawn('sh', ['-c', `sleep 12 | tmux -S '${socket}' -C attach -t '=${session}'`], { stdio: 'ignore' });
    await sleep(1000);
    await report(repo, 's2', 'waiting_input');
    await sleep(5000);
    expect(count('s2', 'waiting_input')).toBe(0);
    client.kill('SIGKILL');
  }, 150_000);
});
