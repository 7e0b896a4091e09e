// make stop on a plan's headless session: its detached runner and the agent under it end (SIGTERM, passed
// on), the session is failed "stopped (SIGTERM)", what waits for it is blocked and never started, and the
// plan's wait=1 exits 1. No tmux needed: a headless run has no window.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { kitIn } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { waitFor } from '../helpers/agents/run.ts';

const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
components:
  server: { paths: [server/] }
  ui: { paths: [ui/] }
agents:
  slow: { command: "sleep 300" }
  echoer: { command: ${JSON.stringify('echo "built: $PARALLEL_PROMPT"')} }
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('make stop on a headless plan session', () => {
  test('the runner and its agent end; the session is failed; its dependent is blocked, never started', async () => {
    ensureBuilt();
    const repo = makeRepo({ config: CONFIG });
    const plan = join(tempDir('kit-plan-stop-'), 'plan.yaml');
    writeFileSync(plan, `workspace: w
sessions:
  - { name: api, component: server, agent: slow, prompt: "the API" }
  - { name: ui, component: ui, agent: echoer, prompt: "the form", after: [api] }
`);
    // Run from inside a launched agent's window: its launch marker must not reach what the plan starts,
    // or make stop on that agent would end the plan's runners too.
    const up = kitIn(repo, ['up', `plan=${plan}`, 'wait=1', 'timeout=120'], { ...process.env, NO_COLOR: '1', PARALLEL_LAUNCH_ID: 'the-callers-launch', PARALLEL_PROMPT: 'not mine' });
    const dir = join(repo, '.parallel', 'w', 'api');
    await waitFor('the run', () => existsSync(join(dir, 'plan-run.json')), 60_000);
    const runner = (JSON.parse(readFileSync(join(dir, 'plan-run.json'), 'utf8')) as { pid: number }).pid;
    const environ = readFileSync(`/proc/${runner}/environ`, 'utf8').split('\0');
    expect(environ.filter((v) => /^PARALLEL_(LAUNCH_ID|PROMPT)=/.test(v))).toEqual([]);
    const stop = await kitIn(repo, ['stop', 'name=api', 'workspace=w', 'timeout=5', 'json=1'], process.env);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ session: 'api', stop: 'terminated', pids: [runner], state: 'failed' });
    expect(alive(runner)).toBe(false);
    const r = await up;
    expect(r.code, r.stderr).toBe(1);
    const status = (n: string) => JSON.parse(readFileSync(join(repo, '.parallel', 'w', n, 'status.json'), 'utf8')) as { state: string; message: string };
    expect(status('api')).toMatchObject({ state: 'failed', message: expect.stringMatching(/stopped \(SIGTERM\)|killed by SIGTERM/) }); // the runner and the agent get the signal at once: either reads first
    expect(status('ui').state).toBe('blocked');
    expect(existsSync(join(repo, '.parallel', 'w', 'ui', 'plan-run.json'))).toBe(false);
    // Nothing runs any more: stopping again says so.
    const again = await kitIn(repo, ['stop', 'name=api', 'workspace=w'], process.env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  }, 180_000);
});
