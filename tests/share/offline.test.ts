// Offline stays first-class: with the remote out of reach every local command works as before with one
// warning line, a claim is refused unless offline=1 (made here, pushed once the remote answers), and an
// end is pushed later. With sharing off nothing is ever pushed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SharedView } from '../../scripts/lib/share/view.ts';
import { kit, type MakeResult } from '../helpers/make.ts';
import { DEFAULT_CONFIG, gitIn, tempDir } from '../helpers/repo.ts';
import { ensureBuilt, track } from '../helpers/tracker.ts';
import { kitJson, laptops, remoteBlob, remoteRefs, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

const warnings = (r: MakeResult) => r.stderr.split('\n').filter((l) => /warning|note/.test(l));
const strip = (rows: Record<string, unknown>[]) => rows.map(({ heartbeat_age_s: _, state_for_s: _f, ...rest }) => rest);

describe('a remote that cannot be reached', () => {
  let m: Laptops;
  let url: string;
  beforeAll(() => {
    m = laptops();
    start(m.a, 'early', 'ui');
    url = gitIn(m.a, 'remote', 'get-url', 'origin');
    gitIn(m.a, 'remote', 'set-url', 'origin', join(tempDir('kit-gone-'), 'gone.git'));
  });

  it('list-sessions remote=1: the local rows as always, and one warning', () => {
    const plain = kitJson<Record<string, unknown>[]>(m.a, 'list-sessions').data;
    const { r, data } = kitJson<{ sessions: Record<string, unknown>[]; remote: { reached: boolean }; shared: SharedView; shared_warnings: string[] }>(m.a, 'list-sessions', { remote: 1 });
    expect(r.exit).toBe(0);
    expect(strip(data.sessions)).toEqual(strip(plain));
    expect(data.remote.reached).toBe(false);
    expect(data.shared.fetched).toBe(false);
    expect(data.shared_warnings).toEqual([]);
    const table = kit(m.a, 'list-sessions', { remote: 1 });
    expect(table.exit).toBe(0);
    expect(table.stdout).toMatch(/^NAME .*\nearly /);
    expect(table.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^list-sessions: warning: could not fetch from origin \(.*\); going on with what was fetched before$/)]);
  });

  it('a claim is refused, saying offline=1 would make it here, and nothing is left behind', () => {
    const r = kit(m.a, 'new-session', { name: 'blocked', component: 'docs' });
    expect(r.exit).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach origin to claim component 'docs' there \(sharing is on\).*pass offline=1/);
    expect(existsSync(join(m.a, '.parallel', 'sessions', 'blocked'))).toBe(false);
    expect(gitIn(m.a, 'branch', '--list', 'feature/blocked')).toBe('');
  });

  it('a shared=1 session (no claim) starts with one warning; ending one is a warning too', () => {
    const r = start(m.a, 'helper', 'ui', { shared: 1 });
    expect(warnings(r)).toEqual([expect.stringMatching(/could not reach origin to publish this machine's sessions/)]);
    expect(track(join(m.a, '..', 'repo-sessions', 'helper'), { event: 'heartbeat', progress: 10 }).code).toBe(0);
    expect(kit(m.a, 'monitor').exit).toBe(0);
    const end = kit(m.a, 'end-session', { name: 'early' });
    expect(end.exit, end.stderr).toBe(0);
    // end-session's notes go with its report, on stdout.
    expect(end.stdout.split('\n').filter((l) => /note/.test(l))).toEqual([expect.stringMatching(/note +could not reach origin.*removed there once it answers/)]);
  });

  it('offline=1 claims here; once the remote answers the claim and the end are pushed', () => {
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/ui']).toBeTruthy(); // early's, still there
    start(m.a, 'away', 'docs', { offline: 1 });
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/docs']).toBeUndefined();
    gitIn(m.a, 'remote', 'set-url', 'origin', url);
    expect(kit(m.a, 'publish').exit).toBe(0);
    const refs = remoteRefs(m.bare);
    expect(remoteBlob(m.bare, 'refs/parallel/claims/sessions/docs', 'claim.json')).toMatchObject({ session: 'away', machine: 'laptop-a' });
    expect(refs['refs/parallel/claims/sessions/ui']).toBeUndefined();
    expect(Object.keys(refs).filter((x) => x.startsWith('refs/parallel/sessions/')).map((x) => x.split('/').pop()).sort()).toEqual(['away', 'helper']);
  });
});

describe('offline=1 with a remote that answers', () => {
  it("is asked as always: a component the other machine holds is refused, a free one is claimed there at once", () => {
    const m = laptops();
    start(m.a, 'holder', 'ui');
    const r = kit(m.b, 'new-session', { name: 'late', component: 'ui', offline: 1 });
    expect(r.exit).toBe(1);
    expect(r.stderr.trim()).toMatch(/^new-session: component 'ui' is claimed by session 'holder' on machine 'laptop-a' \(on origin\)/);
    expect(existsSync(join(m.b, '.parallel', 'sessions', 'late'))).toBe(false);
    const { r: ok, data } = kitJson<{ share: { claim: { state: string } | null } }>(m.b, 'new-session', { name: 'free', component: 'docs', offline: 1 });
    expect(ok.exit, ok.stderr).toBe(0);
    expect(data.share.claim?.state).toBe('held');
    expect(remoteBlob(m.bare, 'refs/parallel/claims/sessions/docs', 'claim.json')).toMatchObject({ session: 'free', machine: 'laptop-b' });
  });
});

describe('sharing off', () => {
  it('nothing is pushed: the remote is the same after every command', () => {
    const m = laptops(DEFAULT_CONFIG);
    const all = () => gitIn(m.bare, 'for-each-ref', '--format=%(refname) %(objectname)');
    const before = all();
    start(m.a, 'quiet', 'ui');
    expect(track(join(m.a, '..', 'repo-sessions', 'quiet'), { event: 'heartbeat', progress: 50, message: 'hi' }).code).toBe(0);
    for (const [cmd, vars] of [['list-sessions', {}], ['list-sessions', { remote: 1 }], ['monitor', { remote: 1 }], ['conflicts', {}], ['end-session', { name: 'quiet' }]] as const) {
      const r = kit(m.a, cmd, vars);
      expect(r.exit, `${cmd}: ${r.stderr}`).toBe(0);
    }
    expect(all()).toBe(before);
    expect(kit(m.a, 'publish').stderr).toContain('sharing is off');
  });

  it("a component another machine claimed (as the last fetch saw it) is made here with one warning: the guard keeps to that claim", () => {
    const m = laptops(DEFAULT_CONFIG);
    start(m.b, 'theirs', 'ui', { share: 1 });
    expect(kit(m.a, 'list-sessions', { remote: 1 }).exit).toBe(0);
    const r = start(m.a, 'mine', 'ui');
    expect(warnings(r)).toEqual([expect.stringMatching(/^new-session: warning: component 'ui' is claimed on origin by session 'theirs' on machine 'laptop-b' \(as the last fetch saw it\), and the agents' guard keeps to that claim; this session's claim is on this machine only \(sharing is off\)$/)]);
    expect(warnings(start(m.a, 'other', 'docs'))).toEqual([]);
  });
});
