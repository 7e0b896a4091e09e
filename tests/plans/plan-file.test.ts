// Bad plans are refused before anything is made, in one line naming the file, the line and the key
// (exit 2): a cycle, bad YAML, an unknown component, a duplicate name, an unknown dependency, an unknown
// key, an interactive session without tmux. Then make new-session after=: its checks (a dependency that
// cannot complete among them). Real repositories, the real command (bin/kit).
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { loadContext } from '../../scripts/lib/config/context.ts';
import { OperationError, UsageError } from '../../scripts/lib/core/errors.mjs';
import { upPlan } from '../../scripts/lib/plans/up.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { hasTmux } from '../helpers/agents/run.ts';

const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
components:
  server: { paths: [server/] }
  ui: { paths: [ui/] }
agent: claude
`;

const repo = makeRepo({ config: CONFIG });
const dir = tempDir('kit-plans-');

function up(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, ...kit(repo, 'up', { plan: file }) };
}

/** Nothing made: no branch, no copy, no state. */
function nothingMade(): void {
  expect(gitIn(repo, 'branch', '--list', 'feature/*')).toBe('');
  expect(existsSync(join(repo, '..', 'repo-sessions'))).toBe(false);
  expect(existsSync(join(repo, '.parallel')) ? readdirSync(join(repo, '.parallel')).filter((f) => f !== 'locks') : []).toEqual([]);
}

describe('make up refuses a bad plan before making anything', () => {
  it.each([
    ['a cycle', 'cycle.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x, after: [c] }\n  - { name: b, component: ui, prompt: x, after: [a] }\n  - { name: c, component: ui, prompt: x, after: b }\n', /:3: sessions\[0\]\.after: a cycle: a -> c -> b -> a; nothing was created$/],
    ['bad YAML', 'bad.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server\n  - b\n', /:4: not valid YAML: /],
    ['an unknown component', 'component.yaml', 'workspace: w\nsessions:\n  - name: a\n    component: backend\n    prompt: x\n', /:4: sessions\[0\]\.component: 'backend' is not a component of parallel\.config\.yaml \(server, ui\)$/],
    ['a duplicate name', 'dup.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x }\n  - { name: a, component: ui, prompt: y }\n', /:4: sessions\[1\]\.name: 'a' is also the name of sessions\[0\]; names must be unique$/],
    ['an unknown dependency', 'dep.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x }\n  - name: b\n    component: ui\n    prompt: y\n    after: [a, api]\n', /:7: sessions\[1\]\.after\[1\]: 'api' is not a session of this plan \(a, b\)$/],
    ['an unknown key', 'key.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x, colour: red }\n', /:3: sessions\[0\]\.colour: unknown key 'colour'$/],
    ['a headless session without a prompt', 'prompt.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server }\n', /:3: sessions\[0\]\.prompt: is required for a headless session \(or set interactive: true\)$/],
    ['an unknown agent', 'agent.yaml', 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x, agent: robot }\n', /:3: sessions\[0\]: agent="robot": expected one of /],
  ])('%s', async (what, name, text, error) => {
    // Through the real command for the first two; the library's own check (the same one) for the rest.
    if (what === 'a cycle' || what === 'bad YAML') {
      const r = up(name, text);
      expect(r.exit).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^up: ${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${error.source}`));
      nothingMade();
      return;
    }
    const file = join(dir, name);
    writeFileSync(file, text);
    const ctx = await loadContext(repo, { cwd: repo, env: {} });
    const err = await upPlan(ctx, file).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${error.source}`));
    nothingMade();
  });

  it('an interactive session without tmux on PATH: refused before anything is made', async () => {
    const file = join(dir, 'windowed.yaml');
    writeFileSync(file, 'workspace: w\nsessions:\n  - { name: a, component: server, prompt: x }\n  - { name: b, component: ui, interactive: true, after: [a] }\n');
    const ctx = await loadContext(repo, { cwd: repo, env: { PATH: join(dir, 'no-such-bin') } });
    const err = await upPlan(ctx, file).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err!.message).toBe(`${file}:4: sessions[1].interactive: session 'b' runs in a tmux window; tmux is not installed; install it (apt-get install tmux, dnf install tmux, brew install tmux) and try again; nothing was created`);
    nothingMade();
  });

  it('a missing plan file, and no plan=', () => {
    expect(kit(repo, 'up', { plan: join(dir, 'none.yaml') }).stderr).toMatch(/^up: plan=.*none\.yaml: cannot read it \(ENOENT\)$/m);
    expect(kit(repo, 'up').stderr).toMatch(/^up: plan=FILE is required/m);
    nothingMade();
  });
});

describe('make new-session after=', () => {
  it('needs launch=1, and names sessions of the workspace', () => {
    expect(kit(repo, 'new-session', { name: 'ui1', component: 'ui', after: 'api' }).stderr).toMatch(/^new-session: after= launches the session when those complete: add launch=1$/m);
    const r = kit(repo, 'new-session', { name: 'ui1', component: 'ui', after: 'api', launch: 1 });
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^new-session: after=api: no session 'api' in workspace 'sessions'; /m);
    nothingMade();
  });

  it.skipIf(!hasTmux())('refuses a dependency that failed: what waits for it would be blocked at once', () => {
    const other = makeRepo({ config: CONFIG });
    expect(kit(other, 'new-session', { name: 'api', component: 'server' }).exit).toBe(0);
    expect(kit(other, 'track', { event: 'fail', session: 'api', workspace: 'sessions', message: 'boom' }).exit).toBe(0);
    const r = kit(other, 'new-session', { name: 'ui1', component: 'ui', after: 'api', launch: 1 });
    expect(r.exit, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe("new-session: after=api: session 'api' is failed (boom) and will not complete; ui1 would be blocked at once; nothing was created");
    expect(gitIn(other, 'branch', '--list', 'feature/ui1')).toBe('');
  });
});
