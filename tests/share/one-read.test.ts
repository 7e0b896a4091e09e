// Scale: what list-sessions remote=1 runs after its one fetch does not grow with the published sessions.
// Every part of the command (web branches, the base, claims, last seen, every machine's sessions) reads
// one snapshot: one for-each-ref of what the fetch wrote, the published JSON from the commits' messages,
// and git's blob reader only for a commit an older kit made (JSON in its tree only). Counted with GIT_TRACE.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SharedView } from '../../scripts/lib/share/view.ts';
import { kit } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { laptops, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

let m: Laptops;
beforeAll(() => {
  m = laptops();
  for (const [name, component] of [['s1', 'ui'], ['s2', 'server'], ['s3', 'docs']] as const) start(m.a, name, component);
});

/** list-sessions remote=1 json=1 on laptop B, with the git commands it ran. */
function listTraced(): { view: SharedView; git: string[] } {
  const trace = join(tempDir('kit-trace-'), 'trace');
  const r = kit(m.b, 'list-sessions', { remote: 1, json: 1 }, { GIT_TRACE: trace });
  expect(r.exit, r.stderr).toBe(0);
  const git = readFileSync(trace, 'utf8')
    .split('\n')
    .map((l) => /trace: built-in: git (.*)$/.exec(l)?.[1] ?? '')
    .filter(Boolean);
  return { view: (JSON.parse(r.stdout) as { shared: SharedView }).shared, git };
}

const count = (git: string[], re: RegExp) => git.filter((g) => re.test(g)).length;

describe('one read of what the fetch left', () => {
  it('three published sessions and their claims: one for-each-ref of refs/parallel-remote, no blob read', () => {
    const { view, git } = listTraced();
    expect(view.sessions.map((s) => s.name)).toEqual(['s1', 's2', 's3']);
    expect(view.claims.map((c) => c.component).sort()).toEqual(['docs', 'server', 'ui']);
    expect(count(git, /^fetch /)).toBe(1);
    expect(count(git, /^for-each-ref .*refs\/parallel-remote\//)).toBe(1);
    expect(count(git, /^cat-file /)).toBe(0);
    expect(count(git, /^config .*--get-regexp .*parallel/)).toBe(1);
  });

  it("a session an older kit published (its JSON in the tree only) is read too, with one blob read for all such", () => {
    const doc = { version: 1, name: 'old', workspace: 'sessions', component: 'ui', branch: 'feature/old', state: 'running', progress: 10, message: '', agent: null, machine: 'laptop-c', machine_id: 'cccccccc', created: '2026-01-01T00:00:00+00:00', last_heartbeat: null, published_at: new Date().toISOString() };
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: m.bare, input: JSON.stringify(doc) }).toString().trim();
    const tree = execFileSync('git', ['mktree'], { cwd: m.bare, input: `100644 blob ${blob}\tsession.json\n` }).toString().trim();
    const commit = execFileSync('git', ['-c', 'user.name=k', '-c', 'user.email=k@x', 'commit-tree', tree, '-m', 'session sessions/old'], { cwd: m.bare }).toString().trim();
    execFileSync('git', ['update-ref', 'refs/parallel/sessions/laptop-c-cccccccc/sessions/old', commit], { cwd: m.bare });
    const { view, git } = listTraced();
    expect(view.sessions.map((s) => `${s.machine}/${s.name}`)).toEqual(['laptop-a/s1', 'laptop-a/s2', 'laptop-a/s3', 'laptop-c/old']);
    expect(count(git, /^for-each-ref .*refs\/parallel-remote\//)).toBe(1);
    expect(count(git, /^cat-file /)).toBe(1);
  });
});
