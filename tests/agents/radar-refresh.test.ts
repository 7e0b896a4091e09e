// The agents' radar cache follows the commands that move sessions: after new-session, sync and
// end-session (real make targets) the cache the hook reads describes the sessions as they are now (the
// commands start its refresh in the background and do not wait for it), and the real dist/hook.cjs says
// so in the agent's context. Without a cache (no agent asked yet) none is made.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { radarCacheFile, readRadarCache, type RadarCache } from '../../scripts/lib/agents/radar-cache.ts';
import { make } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { hook } from './hook-run.ts';

beforeAll(() => ensureBuilt());

/** The context the hook gives session `s`'s agent on a Write of `rel`. */
function contextOn(root: string, s: Created, rel: string): string {
  const p = fixtureIn('claude', 'PreToolUse-Write', s.path as string);
  (p.tool_input as Record<string, unknown>).file_path = join(s.path as string, rel);
  const r = hook(['claude', 'PreToolUse', `dir=${join(root, s.workspace, s.name)}`], p);
  expect(r.code).toBe(0);
  return r.stdout ? ((JSON.parse(r.stdout).hookSpecificOutput?.additionalContext as string | undefined) ?? '') : '';
}

/** The cache once the background refresh has rewritten it so that `done` holds (a minute at most). */
async function refreshed(root: string, done: (c: RadarCache | null) => boolean): Promise<RadarCache | null> {
  for (let i = 0; i < 600; i++) {
    const c = readRadarCache(root, 'sessions');
    if (done(c) && !existsSync(join(root, '.cache', 'radar-sessions.refresh'))) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
  return readRadarCache(root, 'sessions');
}

it('new-session, sync and end-session rewrite the radar cache the hook reads', async () => {
  const repo = makeRepo();
  const d1 = newSession(repo, 'd1', { component: 'docs', shared: 1 });
  const d2 = newSession(repo, 'd2', { component: 'docs', shared: 1 });
  const root = d1.env.PARALLEL_DIR as string;
  expect(existsSync(radarCacheFile(root, 'sessions'))).toBe(false); // no agent asked: new-session made none
  const guide = commitFiles(d2.path as string, { 'docs/guide.md': '# the guide, by d2\n' }, 'd2 writes the guide');
  expect(make(repo, 'conflicts', { json: 1 }).code).toBe(0);
  expect(contextOn(root, d1, 'docs/guide.md')).toContain('also changed by session d2');

  const d3 = newSession(repo, 'd3', { component: 'docs', shared: 1 });
  expect((await refreshed(root, (c) => Boolean(c?.sessions.d3)))?.sessions.d3).toMatchObject({ branch: d3.branch, tip: gitIn(repo, 'rev-parse', d3.branch).trim(), changed: [] });

  // main takes d2's change; after the sync d2 has nothing of its own left, and the agents hear no more of it.
  gitIn(repo, 'cherry-pick', guide);
  const sync = make(repo, 'sync', { name: 'd2' });
  expect(sync.code, sync.stderr).toBe(0);
  const tip = gitIn(repo, 'rev-parse', d2.branch).trim();
  expect((await refreshed(root, (c) => c?.sessions.d2?.tip === tip))?.sessions.d2).toMatchObject({ tip, changed: [] });
  expect(contextOn(root, d1, 'docs/guide.md')).not.toContain('session d2');

  expect(make(repo, 'end-session', { name: 'd3' }).code).toBe(0);
  const after = await refreshed(root, (c) => !c?.sessions.d3);
  expect(Object.keys(after?.sessions ?? {}).sort()).toEqual(['d1', 'd2']);
});
