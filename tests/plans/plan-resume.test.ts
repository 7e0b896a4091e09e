// Killing the orchestrator loses nothing, at every write it makes: each test leaves the files as a kill -9
// at one point would (the real orchestrator killed by a tmux on PATH that kills its caller at one tmux
// command, or the files written as that kill leaves them), runs `make up` again, and proves the plan is
// finished, nothing started twice:
// - an interactive session whose start was recorded, killed before its launch (the plan waited forever);
// - killed with its window open on the placeholder (pending launch.json), and after its agent started;
// - a headless run whose claim file cannot be read, or whose runner ended before claiming it;
// - make up killed after making a session and before recording where it is;
// - an orchestrator or runner pid now someone else's (after a reboot).
// Custom agents (the config's agents:) stand in for the person's agent; a tmux server of the file's own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadContext } from '../../scripts/lib/config/context.ts';
import { tmuxSessionName } from '../../scripts/lib/launch/tmux.ts';
import { orchestrate } from '../../scripts/lib/plans/orchestrate.ts';
import { planStarter } from '../../scripts/lib/plans/start.ts';
import { readPlanState, updatePlanState } from '../../scripts/lib/plans/state.ts';
import { upPlan } from '../../scripts/lib/plans/up.ts';
import { procStat } from '../../scripts/lib/tracker/proc.ts';
import { hasTmux, waitFor } from '../helpers/agents/run.ts';
import { kitIn } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

const tmp = tempDir('kit-plan-resume-');
const socket = join(tmp, 'tmux.sock');
const realTmux = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout.trim();
const baseEnv = { ...process.env, PARALLEL_TMUX_SOCKET: socket, NO_COLOR: '1' };
const strays: ChildProcess[] = [];
beforeAll(() => ensureBuilt());
afterAll(() => {
  spawnSync('tmux', ['-S', socket, 'kill-server']);
  for (const c of strays) c.kill('SIGKILL');
});

const TRACK = 'node "$PARALLEL_KIT/dist/track.mjs"';
const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
components:
  server: { paths: [server/] }
  docs: { paths: [docs/] }
agents:
  finisher: { command: ${JSON.stringify(`echo x >> "$PARALLEL_DIR/starts-$PARALLEL_SESSION"; "$PARALLEL_HOOK" running; sleep 1; ${TRACK} event=complete message=done; sleep 600`)} }
  gated: { command: ${JSON.stringify(`echo x >> "$PARALLEL_DIR/starts-$PARALLEL_SESSION"; "$PARALLEL_HOOK" running; while [ ! -f "$PARALLEL_DIR/go-$PARALLEL_SESSION" ]; do sleep 0.1; done; ${TRACK} event=complete message=done; sleep 600`)} }
  echoer: { command: ${JSON.stringify('echo "built: $PARALLEL_PROMPT"')} }
`;

/** A PATH whose tmux kills its caller (kill -9) at the `nth` call with `word` among its arguments, once; the real tmux otherwise. */
function killingAt(word: string, nth = 1): NodeJS.ProcessEnv {
  const bin = tempDir('kit-kill-tmux-');
  const seen = join(bin, 'seen');
  writeFileSync(
    join(bin, 'tmux'),
    `#!/bin/sh\nfor a in "$@"; do if [ "$a" = ${JSON.stringify(word)} ]; then echo >> ${seen}; if [ "$(wc -l < ${seen})" -eq ${nth} ]; then kill -9 $PPID; exit 1; fi; fi; done\nexec ${realTmux} "$@"\n`,
  );
  chmodSync(join(bin, 'tmux'), 0o755);
  return { ...baseEnv, PATH: `${bin}:${process.env.PATH}` };
}

const dirOf = (repo: string, name: string) => join(repo, '.parallel', 'sessions', name);
const status = (repo: string, name: string) => JSON.parse(readFileSync(join(dirOf(repo, name), 'status.json'), 'utf8')) as { state: string; message: string; pid: number };
const launchOf = (repo: string, name: string) => JSON.parse(readFileSync(join(dirOf(repo, name), 'launch.json'), 'utf8')) as { pending?: boolean; pid: number; stopped_at: string | null };
const startsFile = (repo: string, name: string) => join(repo, '.parallel', `starts-${name}`);
const starts = (repo: string, name: string) => (existsSync(startsFile(repo, name)) ? readFileSync(startsFile(repo, name), 'utf8').split('\n').filter(Boolean).length : 0);
/** The windows of the repository's workspace: name and command. */
const windows = (repo: string) => spawnSync(realTmux, ['-S', socket, 'list-windows', '-t', `=${tmuxSessionName(realpathSync(repo), 'sessions')}`, '-F', '#{window_name}\t#{pane_start_command}'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

function planFile(body: string): string {
  const file = join(tempDir('kit-plan-'), 'plan.yaml');
  writeFileSync(file, `workspace: sessions\nsessions:\n${body}`);
  return file;
}

const ONE_INTERACTIVE = (agent: string) => `  - { name: design, component: docs, agent: ${agent}, interactive: true }\n  - { name: build, component: server, agent: echoer, prompt: api, after: [design] }\n`;

/** make up plan=FILE wait=1 killed by its tmux at the `nth` `word`; then the state as that kill left it. */
async function killedAt(word: string, agent: string, nth = 1) {
  const repo = makeRepo({ config: CONFIG });
  const plan = planFile(ONE_INTERACTIVE(agent));
  const r = await kitIn(repo, ['up', `plan=${plan}`, 'wait=1', 'timeout=60'], killingAt(word, nth));
  expect(r.code, r.stderr).not.toBe(0);
  const entry = readPlanState(join(repo, '.parallel'), 'sessions').sessions.find((e) => e.name === 'design')!;
  expect(entry.started_at, 'its start was recorded').not.toBeNull();
  expect(entry.outcome).toBeNull();
  return { repo, plan };
}

describe.skipIf(!hasTmux())('make up after the orchestrator was killed', () => {
  test('killed after recording an interactive start, before its launch: the rerun launches it and finishes the plan', async () => {
    // The first tmux -V is make up's check (the plan has an interactive session), the second the launch's.
    const { repo } = await killedAt('-V', 'finisher', 2);
    expect(existsSync(join(dirOf(repo, 'design'), 'launch.json'))).toBe(false);
    const r = await kitIn(repo, ['up', 'workspace=sessions', 'wait=1', 'timeout=60'], baseEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/design: finishing its launch \(cut short by a restart\)/);
    // Two completions with nowhere to notify: said in full once, then in a word.
    expect(r.stderr.match(/^up: not notified: /gm)).toHaveLength(2);
    expect(r.stderr.match(/no notify-send, no terminal; set notify\.command/g)).toHaveLength(1);
    expect(status(repo, 'design').state).toBe('completed');
    expect(status(repo, 'build').state).toBe('completed');
    expect(starts(repo, 'design')).toBe(1);
  }, 90_000);

  test('killed with the window on its placeholder: the rerun clears that window and launches once', async () => {
    const { repo } = await killedAt('respawn-pane', 'finisher');
    expect(launchOf(repo, 'design').pending).toBe(true);
    expect(windows(repo)).toContain('design\tsleep 2147483');
    const r = await kitIn(repo, ['up', 'workspace=sessions', 'wait=1', 'timeout=60'], baseEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(status(repo, 'build').state).toBe('completed');
    expect(starts(repo, 'design')).toBe(1);
    expect(windows(repo).filter((w) => w.startsWith('design\t'))).toHaveLength(1);
    expect(windows(repo)).not.toContain('design\tsleep 2147483');
    expect(launchOf(repo, 'design').pending).toBeUndefined();
  }, 90_000);

  test('killed after its agent started, before the launch was recorded: the rerun keeps that agent, starts none', async () => {
    const { repo } = await killedAt('display-message', 'gated');
    await waitFor('the agent to report', () => status(repo, 'design').state === 'running' && starts(repo, 'design') === 1, 20_000, 100);
    expect(launchOf(repo, 'design').pending).toBe(true);
    const rerun = kitIn(repo, ['up', 'workspace=sessions', 'wait=1', 'timeout=60'], baseEnv);
    await waitFor('the rerun to settle the launch', () => launchOf(repo, 'design').pending === undefined, 20_000, 100);
    writeFileSync(join(repo, '.parallel', 'go-design'), '');
    const r = await rerun;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/design: session design was launched at .*; watching it/);
    expect(starts(repo, 'design')).toBe(1);
    expect(status(repo, 'build').state).toBe('completed');
  }, 90_000);
});

describe('the files a killed orchestrator or make up leaves', () => {
  /** The plan made (sessions created, nothing started), as make up leaves it before its orchestrator runs. */
  async function made(body: string, env: NodeJS.ProcessEnv = baseEnv) {
    const repo = makeRepo({ config: CONFIG });
    const ctx = await loadContext(repo, { cwd: repo, env });
    await upPlan(ctx, planFile(body));
    return { repo, ctx, root: join(repo, '.parallel') };
  }
  const TWO = '  - { name: a, component: server, agent: echoer, prompt: one }\n  - { name: b, component: docs, agent: echoer, prompt: two, after: [a] }\n';

  test('a claim file that cannot be read fails its session (never a plan waiting forever)', async () => {
    const { repo } = await made(TWO);
    writeFileSync(join(dirOf(repo, 'a'), 'plan-run.json'), '');
    const r = await kitIn(repo, ['up', 'workspace=sessions', 'wait=1', 'timeout=30'], baseEnv);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/a: failed \(its run cannot be told: .*plan-run\.json is not valid JSON\)/);
    expect(status(repo, 'b').state).toBe('blocked');
  }, 60_000);

  test('a runner that ends before claiming its run fails its session, saying why', async () => {
    // The runner's node cannot start (the orchestrator's environment breaks it): it never claims the run.
    const { ctx, root } = await made(TWO, { ...baseEnv, NODE_OPTIONS: '--require=/nonexistent/preload.cjs' });
    const result = await orchestrate({ root, workspace: 'sessions', starter: planStarter(ctx, 'sessions'), timeoutS: 30, pollMs: 100 });
    expect(result.code).toBe(1);
    const a = result.state.sessions.find((e) => e.name === 'a')!;
    expect(a.outcome).toBe('failed');
    expect(a.reason).toMatch(/its runner \(pid \d+\) ended before starting the agent: .*(Cannot find module|preload)/);
    expect(result.state.sessions.find((e) => e.name === 'b')!.outcome).toBe('blocked');
  }, 60_000);

  test('a session whose copy is gone cannot start: failed at once', async () => {
    const { repo, ctx, root } = await made(TWO);
    rmSync(readPlanState(root, 'sessions').sessions.find((e) => e.name === 'a')!.cwd, { recursive: true, force: true });
    const result = await orchestrate({ root, workspace: 'sessions', starter: planStarter(ctx, 'sessions'), timeoutS: 30, pollMs: 100 });
    expect(result.code).toBe(1);
    expect(result.state.sessions.find((e) => e.name === 'a')!.reason).toMatch(/could not start: its runner could not be started in .* \(that folder is gone\)/);
    expect(status(repo, 'a')).toMatchObject({ state: 'failed', message: expect.stringMatching(/^could not start: /) });
    expect(existsSync(join(dirOf(repo, 'b'), 'plan-run.json'))).toBe(false);
  }, 60_000);

  test('make up killed after making a session, before recording where it is: the rerun records it; nothing runs in the main checkout', async () => {
    const { repo, ctx, root } = await made(TWO);
    const copy = readPlanState(root, 'sessions').sessions.find((e) => e.name === 'a')!.cwd;
    expect(copy).not.toBe(repo);
    // What the cut leaves: the entry as recorded before its session was made.
    await updatePlanState(root, 'sessions', (s) => ({ state: { ...s, sessions: s.sessions.map((e) => (e.name === 'a' ? { ...e, cwd: repo, env_file: '' } : e)) }, value: null }));
    const said: string[] = [];
    const waiting = await orchestrate({ root, workspace: 'sessions', starter: planStarter(ctx, 'sessions'), timeoutS: 1, pollMs: 100, onEvent: (l) => said.push(l) });
    expect(waiting.code).toBe(124);
    expect(said).toContain('a: waiting for its session to be made (make up plan=FILE makes it)');
    expect(existsSync(join(dirOf(repo, 'a'), 'plan-run.json'))).toBe(false);
    const again = await upPlan(ctx, readPlanState(root, 'sessions').plan_file!);
    expect(again.existing).toEqual(['a', 'b']);
    const a = readPlanState(root, 'sessions').sessions.find((e) => e.name === 'a')!;
    expect(a.cwd).toBe(copy);
    expect(a.env_file).toMatch(/\.parallel-session\.env$|session\.env$/);
    const done = await orchestrate({ root, workspace: 'sessions', starter: planStarter(ctx, 'sessions'), timeoutS: 30, pollMs: 100 });
    expect(done.code).toBe(0);
  }, 60_000);

  test("an orchestrator's or a runner's pid that is now another process's is not taken for it", async () => {
    const { repo, root } = await made(TWO);
    const stranger = spawn('sleep', ['600'], { stdio: 'ignore' });
    strays.push(stranger);
    const mark = { pid: stranger.pid!, host: hostname(), start: procStat(stranger.pid!)!.start - 1 };
    await updatePlanState(root, 'sessions', (s) => ({ state: { ...s, orchestrator: { ...mark, started_at: s.updated_at } }, value: null }));
    mkdirSync(dirOf(repo, 'a'), { recursive: true });
    writeFileSync(join(dirOf(repo, 'a'), 'plan-run.json'), JSON.stringify({ ...mark, at: new Date().toISOString() }));
    const r = await kitIn(repo, ['up', 'workspace=sessions', 'wait=1', 'timeout=30'], baseEnv);
    expect(r.stderr).not.toMatch(/another orchestrator/);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/a: failed \(its runner \(pid \d+\) is gone without recording an exit/);
    expect(status(repo, 'b').state).toBe('blocked');
  }, 60_000);
});
