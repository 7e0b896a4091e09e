// A web session's branch that a teammate adopted on their machine: the other machines see who works on
// it instead of an invitation to adopt it again, and the radar does not call the branch a stray in the
// component its own session claimed. A branch nobody works on gets the component its files are in.
import { beforeAll, describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { webClone } from '../remote/web.ts';
import { kitJson, laptops, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

interface Row {
  branch: string;
  owner: { machine: string; session: string; component: string } | null;
  component_hint: string | null;
}

let m: Laptops;
beforeAll(() => {
  m = laptops();
  const web = webClone(m.bare);
  web.push('claude/fix-x', { 'server/fix.py': 'fix\n' });
  web.push('claude/ui-y', { 'ui/y.js': 'y\n' });
});

describe('a web branch adopted on another machine', () => {
  it('adopt under sharing claims the component on the remote and says so', () => {
    const r = kit(m.b, 'adopt', { branch: 'claude/fix-x', component: 'server' });
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/component +server, claimed on origin/);
  });

  it('list-sessions remote=1 on the first machine names who works on it, and hints the component of the other', () => {
    const { r, data } = kitJson<{ remote_branches: Row[] }>(m.a, 'list-sessions', { remote: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.remote_branches.map((b) => [b.branch, b.owner, b.component_hint])).toEqual([
      ['claude/fix-x', { machine: 'laptop-b', session: 'fix-x', component: 'server' }, 'server'],
      ['claude/ui-y', null, 'ui'],
    ]);
    const table = kit(m.a, 'list-sessions', { remote: 1 }).stdout;
    expect(table).toMatch(/claude\/fix-x .*session fix-x on laptop-b works on it/);
    expect(table).toMatch(/claude\/ui-y .*adopt branch=claude\/ui-y component=ui/);
  });

  it("conflicts remote=1: the adopted branch is not a stray in its own session's component", () => {
    const { r, data } = kitJson<{ sessions: { name: string; in_other_components: { session: string }[] }[] }>(m.a, 'conflicts', { remote: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.sessions.find((s) => s.name === 'origin/claude/fix-x')?.in_other_components).toEqual([]);
  });
});
