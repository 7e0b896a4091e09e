// Plans with interactive sessions, in a real tmux server of the test's own (PARALLEL_TMUX_SOCKET):
// - `interactive: true` runs in its window (make launch) and completes on an explicit track event=complete;
//   the headless session after it starts only then, and keeps its answer.
// - an interactive session whose agent exits without completing leaves its dependents blocked.
// - make new-session after=api launch=1: recorded, the workspace's orchestrator starts in its own tmux
//   window, and launches ui once api completed.
// Custom agents (the config's agents: with a command) stand in for the person's agent.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { KIT_BIN, kitIn } from '../helpers/make.ts';
import { inspectSession } from '../../scripts/lib/monitor/monitor.ts';
import { loadContext } from '../../scripts/lib/config/context.ts';
import { ensureOrchestrator } from '../../scripts/lib/plans/start.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { hasTmux, waitFor } from '../helpers/agents/run.ts';

const tmp = tempDir('kit-plan-tmux-');
const socket = join(tmp, 'tmux.sock');
const env = { ...process.env, PARALLEL_TMUX_SOCKET: socket, NO_COLOR: '1' };
afterAll(() => {
  spawnSync('tmux', ['-S', socket, 'kill-server']);
});

const TRACK = 'node "$PARALLEL_KIT/dist/track.mjs"';
const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
components:
  server: { paths: [server/] }
  ui: { paths: [ui/] }
  docs: { paths: [docs/] }
agents:
  finisher: { command: ${JSON.stringify(`"$PARALLEL_HOOK" running; sleep 1; ${TRACK} event=complete message="design done"; sleep 600`)} }
  quitter: { command: "sleep 1" }
  waiter: { command: "sleep 600" }
  echoer: { command: ${JSON.stringify('echo "built: $PARALLEL_PROMPT"')} }
`;

const run = (repo: string, args: string[]) => kitIn(repo, args, env);

const state = (repo: string, name: string) => JSON.parse(readFileSync(join(repo, '.parallel', 'sessions', name, 'status.json'), 'utf8')) as { state: string; message: string };
const logOf = (repo: string, name: string) => readFileSync(join(repo, '.parallel', 'sessions', name, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: string; event: string; message?: string });
const firstAt = (repo: string, name: string, event: string) => Date.parse(logOf(repo, name).find((e) => e.event === event)?.at ?? 'x');

describe.skipIf(!hasTmux())('plans with interactive sessions', () => {
  test('interactive: true completes on track event=complete; what waits for it starts then', async () => {
    ensureBuilt();
    const repo = makeRepo({ config: CONFIG });
    const plan = join(tmp, 'design.yaml');
    writeFileSync(plan, `workspace: sessions
sessions:
  - { name: design, component: docs, agent: finisher, interactive: true }
  - { name: build, component: server, agent: echoer, prompt: "the API", after: [design] }
  - { name: quit, component: ui, agent: quitter, interactive: true }
  - { name: after-quit, component: ui, agent: echoer, prompt: x, after: [quit], shared: true }
`);
    const r = await run(repo, ['up', `plan=${plan}`, 'wait=1', 'timeout=90']);
    expect(r.code, r.stderr).toBe(1);
    expect(state(repo, 'design').state).toBe('completed');
    expect(existsSync(join(repo, '.parallel', 'sessions', 'design', 'launch.json'))).toBe(true);
    expect(state(repo, 'build').state).toBe('completed');
    expect(firstAt(repo, 'build', 'start')).toBeGreaterThanOrEqual(firstAt(repo, 'design', 'complete'));
    expect(logOf(repo, 'build').find((e) => e.event === 'answer')?.message).toBe('built: the API\n');
    // Its agent exited without saying it completed: not completed, and what waits for it never starts.
    // The monitor's reading: a process gone without an end is crashed (status.json still says what it last said).
    expect(['crashed', 'ended']).toContain(inspectSession(join(repo, '.parallel'), 'sessions', 'quit').state);
    expect(state(repo, 'after-quit').state).toBe('blocked');
    expect(r.stdout).toMatch(/after-quit\s+quit\s+headless\s+blocked\s+quit did not complete/);
  }, 120_000);

  test('make new-session after=api launch=1: the orchestrator in its window launches ui when api completed', async () => {
    const repo = makeRepo({ config: CONFIG });
    const api = await run(repo, ['new-session', 'name=api', 'component=server', 'agent=waiter', 'launch=1']);
    expect(api.code, api.stderr).toBe(0);
    const ui = await run(repo, ['new-session', 'name=ui', 'component=ui', 'agent=finisher', 'after=api', 'launch=1']);
    expect(ui.code, ui.stderr).toBe(0);
    expect(ui.stderr).toMatch(/ui starts when api completed; the orchestrator runs in tmux window .*:plan~ /);
    const windows = spawnSync('tmux', ['-S', socket, 'list-windows', '-a', '-F', '#{window_name}'], { encoding: 'utf8' }).stdout;
    expect(windows.split('\n')).toContain('plan~');
    // The window it names is the orchestrator's when typed as a tmux target (a leading '+' meant "the next window").
    const target = /tmux window (\S+) \(make attach/.exec(ui.stderr)?.[1] ?? '';
    expect(spawnSync('tmux', ['-S', socket, 'display-message', '-p', '-t', target, '#{window_name}'], { encoding: 'utf8' }).stdout.trim()).toBe('plan~');
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(join(repo, '.parallel', 'sessions', 'ui', 'launch.json'))).toBe(false);
    expect(state(repo, 'ui').state).toBe('created');
    const done = spawnSync(KIT_BIN, ['track', 'event=complete', 'workspace=sessions', 'session=api'], { cwd: repo, env, encoding: 'utf8' });
    expect(done.status, done.stderr).toBe(0);
    await waitFor('ui to complete', () => state(repo, 'ui').state === 'completed', 60_000, 200);
    expect(firstAt(repo, 'ui', 'launch')).toBeGreaterThanOrEqual(firstAt(repo, 'api', 'complete'));
    await waitFor('the orchestrator to finish', () => JSON.parse(readFileSync(join(repo, '.parallel', 'plans', 'sessions.json'), 'utf8')).orchestrator === null, 20_000, 200);
  }, 120_000);

  test("the orchestrator of another workspace than the config's: the hint names it", async () => {
    const repo = makeRepo({ config: CONFIG });
    const ctx = await loadContext(repo, { cwd: repo, env });
    expect(await ensureOrchestrator(ctx, 'other')).toMatch(/^the orchestrator runs in tmux window \S+-other-\w+:plan~ \(make attach workspace=other shows the workspace's windows\)$/);
  });
});
