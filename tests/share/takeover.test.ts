// Release, stale and takeover: a machine that has published nothing for share_stale is marked stale, its
// claim can be taken over with takeover=1 (which says whose it was), and its release afterwards does
// not remove the new holder's claim: a release only goes through while the ref is what this machine left.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SharedView } from '../../scripts/lib/share/view.ts';
import { kit } from '../helpers/make.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { kitJson, laptops, remoteBlob, remoteRefs, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

let m: Laptops;
const claimOf = (component: string) => remoteBlob(m.bare, `refs/parallel/claims/sessions/${component}`, 'claim.json');

beforeAll(async () => {
  m = laptops();
  // Laptop B calls a machine stale after one silent second (its own, uncommitted setting).
  appendFileSync(join(m.b, 'parallel.config.yaml'), 'share_stale: 1s\n');
  start(m.a, 'owner', 'ui');
  await new Promise((r) => setTimeout(r, 1500));
});

describe('stale, takeover, release', () => {
  it('a machine silent for share_stale is marked stale', () => {
    const { data } = kitJson<{ shared: SharedView }>(m.b, 'list-sessions', { remote: 1 });
    expect(data.shared.machines).toMatchObject([{ machine: 'laptop-a', stale: true, sessions: 1 }]);
    expect(data.shared.sessions[0]).toMatchObject({ name: 'owner', stale: true });
    expect(kit(m.b, 'list-sessions', { remote: 1 }).stdout).toMatch(/laptop-a \(stale\) +owner/);
  });

  it('without takeover=1 the claim is refused, naming the holder and the way to take it over', () => {
    const r = kit(m.b, 'new-session', { name: 'mine', component: 'ui' });
    expect(r.exit).toBe(1);
    expect(r.stderr.trim()).toMatch(/^new-session: component 'ui' is claimed by session 'owner' on machine 'laptop-a' \(on origin\);.*takeover=1$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('takeover=1 takes it and says whose it was', () => {
    const r = kit(m.b, 'new-session', { name: 'mine', component: 'ui', takeover: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain("took over component 'ui' from session 'owner' on machine 'laptop-a'");
    expect(claimOf('ui')).toMatchObject({ session: 'mine', machine: 'laptop-b' });
  });

  it('the machine that lost the claim is told so by its next look at the remote, in one line', () => {
    const { r, data } = kitJson<{ shared_warnings: string[] }>(m.a, 'list-sessions', { remote: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.shared_warnings).toEqual(["session 'owner' no longer holds component 'ui' on origin: session 'mine' on machine 'laptop-b' took it over (this machine looked silent to them); coordinate with them before you merge"]);
    expect(kit(m.a, 'list-sessions', { remote: 1 }).stderr).toContain("list-sessions: warning: session 'owner' no longer holds component 'ui' on origin");
  });

  it('takeover=1 of a machine that is not silent is refused', () => {
    start(m.b, 'writer', 'docs');
    const r = kit(m.a, 'new-session', { name: 'grab', component: 'docs', takeover: 1 });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/takeover=1: component 'docs' is claimed by session 'writer' on machine 'laptop-b', whose machine published \d+s ago/);
    expect(claimOf('docs')).toMatchObject({ session: 'writer' });
  });

  it("the old holder's end leaves the new claim alone; the new holder's end releases it", () => {
    const before = remoteRefs(m.bare)['refs/parallel/claims/sessions/ui'];
    expect(kit(m.a, 'end-session', { name: 'owner' }).exit).toBe(0);
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/ui']).toBe(before);
    expect(Object.keys(remoteRefs(m.bare)).filter((r) => r.endsWith('/owner'))).toEqual([]);
    expect(kit(m.b, 'end-session', { name: 'mine' }).exit).toBe(0);
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/ui']).toBeUndefined();
    // Free again: laptop A claims it as anyone would.
    start(m.a, 'again', 'ui');
    expect(claimOf('ui')).toMatchObject({ session: 'again', machine: 'laptop-a' });
  });
});
