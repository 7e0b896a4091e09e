// Sessions published on the shared remote and listed on another machine: what goes up (the allow-list
// and nothing else), when (create, a state change through make publish, end), and how it is shown.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_FIELDS } from '../../scripts/lib/share/record.ts';
import type { SharedView } from '../../scripts/lib/share/view.ts';
import { kit } from '../helpers/make.ts';
import { gitIn } from '../helpers/repo.ts';
import { ensureBuilt, track } from '../helpers/tracker.ts';
import { kitJson, laptops, remoteBlob, remoteRefs, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

let m: Laptops;
const SECRET = 'sk-live-TOPSECRET-123';

beforeAll(() => {
  m = laptops();
  writeFileSync(join(m.a, '.env'), `API_KEY=${SECRET}\n`); // copied into the session (copy: [.env])
  start(m.a, 'login', 'ui');
});

const sessionRefs = (bare: string) => Object.keys(remoteRefs(bare)).filter((r) => r.startsWith('refs/parallel/sessions/'));

describe('publish and list across machines', () => {
  it('new-session publishes the session and its claim on the remote at once', () => {
    const refs = sessionRefs(m.bare);
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatch(/^refs\/parallel\/sessions\/laptop-a-[0-9a-f]{8}\/sessions\/login$/);
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/ui']).toBeTruthy();
    const doc = remoteBlob(m.bare, refs[0] as string, 'session.json');
    expect(doc).toMatchObject({ name: 'login', component: 'ui', branch: 'feature/login', machine: 'laptop-a', workspace: 'sessions' });
  });

  it("the other machine lists it beside its own, with one fetch, and a state change arrives after make publish", () => {
    start(m.b, 'api', 'server');
    const env = JSON.parse(kit(m.a, 'list-sessions', { json: 1 }).stdout)[0];
    expect(env.name).toBe('login');
    const copy = env.path as string;
    expect(track(copy, { event: 'heartbeat', progress: 40, message: `halfway in ${copy}/ui/app.js` }, { PARALLEL_DIR: join(m.a, '.parallel') }).code).toBe(0);
    expect(kit(m.a, 'publish').exit).toBe(0);
    const { r, data } = kitJson<{ sessions: { name: string }[]; shared: SharedView }>(m.b, 'list-sessions', { remote: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.sessions.map((s) => s.name)).toEqual(['api']);
    expect(data.shared.fetched).toBe(true);
    expect(data.shared.sessions).toHaveLength(1);
    expect(data.shared.sessions[0]).toMatchObject({ name: 'login', machine: 'laptop-a', component: 'ui', progress: 40, stale: false, claims: true });
    // The copy's path left the machine as "…", never as itself.
    expect(data.shared.sessions[0]?.message).toBe('halfway in …/ui/app.js');
    const table = kit(m.b, 'list-sessions', { remote: 1 });
    expect(table.stdout).toMatch(/Other machines on origin[^\n]*\nMACHINE +NAME.*\nlaptop-a +login +ui +feature\/login/);
  });

  it('monitor remote=1 shows the other machine too', () => {
    const { r, data } = kitJson<{ sessions: { session_id: string }[]; shared: SharedView }>(m.b, 'monitor', { remote: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.sessions.map((s) => s.session_id)).toEqual(['api']);
    expect(data.shared.sessions.map((s) => `${s.machine}/${s.name}`)).toEqual(['laptop-a/login']);
    expect(kit(m.b, 'monitor', { remote: 1 }).stdout).toContain('Other machines on origin');
  });

  it('a published ref holds the listed fields only: no environment file, secret, path or port', () => {
    const r = JSON.parse(kit(m.a, 'list-sessions', { json: 1 }).stdout)[0];
    for (const ref of sessionRefs(m.bare)) {
      const doc = remoteBlob(m.bare, ref, 'session.json');
      expect(Object.keys(doc).filter((k) => !(PUBLISHED_FIELDS as readonly string[]).includes(k))).toEqual([]);
      // The commit message carries the same document (readers take it from there), and nothing else.
      const message = gitIn(m.bare, 'log', '-1', '--format=%B', ref);
      expect(JSON.parse(message.split('\n\n').slice(1).join('\n\n'))).toEqual(doc);
      for (const never of [SECRET, m.a, m.b, '/tmp/', '.parallel', '.env', String(r.port)]) expect(message, `${ref}'s message holds ${never}`).not.toContain(never);
      const text = JSON.stringify(doc);
      for (const never of [SECRET, m.a, m.b, '/tmp/', '.parallel', '.env', String(r.port)]) expect(text, `${ref} holds ${never}`).not.toContain(never);
    }
    for (const ref of Object.keys(remoteRefs(m.bare)).filter((x) => x.startsWith('refs/parallel/claims/'))) {
      const text = JSON.stringify(remoteBlob(m.bare, ref, 'claim.json'));
      for (const never of [SECRET, m.a, m.b, '/tmp/']) expect(text).not.toContain(never);
    }
  });

  it('end-session removes the session and its claim from the remote', () => {
    expect(kit(m.a, 'end-session', { name: 'login', force: 1 }).exit).toBe(0);
    const refs = remoteRefs(m.bare);
    expect(Object.keys(refs).filter((r) => r.includes('/login'))).toEqual([]);
    expect(refs['refs/parallel/claims/sessions/ui']).toBeUndefined();
    const { data } = kitJson<{ shared: SharedView }>(m.b, 'list-sessions', { remote: 1 });
    expect(data.shared.sessions).toEqual([]);
  });
});
