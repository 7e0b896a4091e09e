// The guard across machines, through the real dist/hook.cjs and a saved Claude payload: an edit in a
// component that a session on the other laptop holds is denied, naming that session and machine. The hook
// reads the claims the last fetch saw (a local file); it never touches the network itself.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { commitFiles } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { fixtureIn } from '../agents/hook-fixtures.ts';
import { hook } from '../agents/hook-run.ts';
import { kitJson, laptops, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

let m: Laptops;
let copy: string;
let dir: string;

beforeAll(() => {
  m = laptops();
  start(m.a, 'web', 'ui'); // laptop A holds ui on the remote
  start(m.b, 'api', 'server'); // laptop B's new-session fetched, and noted A's claim
  const rows = kitJson<{ name: string; path: string }[]>(m.b, 'list-sessions').data;
  copy = rows[0]?.path as string;
  dir = join(m.b, '.parallel', 'sessions', 'api');
});

function write(file: string) {
  const p = fixtureIn('claude', 'PreToolUse-Write', copy);
  (p.tool_input as Record<string, unknown>).file_path = join(copy, file);
  return hook(['claude', `dir=${dir}`], p);
}

describe('the guard and the remote claims', () => {
  it("denies an edit in the component a session on the other machine holds, naming it", () => {
    const r = write('ui/app.js');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout).hookSpecificOutput as { permissionDecision: string; permissionDecisionReason: string };
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionDecisionReason).toContain('ui/app.js is in component ui, which session web (workspace sessions, on machine laptop-a) works on');
  });

  it('allows an edit in its own component', () => {
    expect(write('server/health.py')).toMatchObject({ code: 0, stdout: '' });
  });

  it("the radar counts the other machine's claim: a commit there is in another session's component", () => {
    commitFiles(copy, { 'ui/extra.js': 'x\n' }, 'strays into ui');
    const { data } = kitJson<{ sessions: { name: string; in_other_components: unknown[] }[] }>(m.b, 'conflicts');
    expect(data.sessions[0]?.in_other_components).toEqual([{ session: 'web (on laptop-a)', component: 'ui', files: ['ui/extra.js'] }]);
  });

  it('once the other machine ended its session, the next fetch lets the edit through', () => {
    expect(kit(m.a, 'end-session', { name: 'web' }).exit).toBe(0);
    expect(kit(m.b, 'list-sessions', { remote: 1 }).exit).toBe(0);
    expect(write('ui/app.js')).toMatchObject({ code: 0, stdout: '' });
  });
});
