// The radar in the agent's loop: an allowed edit of a file another live session has committed a change
// to gets the radar's note as the agent's context (Claude/Codex additionalContext), from the cache
// (<state folder>/.cache/radar-<workspace>.json) that make conflicts writes and the hook refreshes in the
// background. Sessions through the real make; the real dist/hook.cjs.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { radarCacheFile, refreshMarker, writeRadarCache, type RadarCache } from '../../scripts/lib/agents/radar-cache.ts';
import { make } from '../helpers/make.ts';
import { commitFiles, makeRepo } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { hook } from './hook-run.ts';

beforeAll(() => ensureBuilt());

let repo: string;
let root: string;
let d1: Created; // docs, shared: the agent's session
let d2: Created; // docs, shared: the other session
let api: Created; // server

const dirOf = (s: Created) => join(root, s.workspace, s.name);

/** Claude's PreToolUse Write of `rel` in `s`'s copy (or PostToolUse). */
function edit(s: Created, rel: string, event: 'PreToolUse' | 'PostToolUse' = 'PreToolUse', env: NodeJS.ProcessEnv = {}) {
  const p = fixtureIn('claude', `${event}-Write`, s.path as string);
  (p.tool_input as Record<string, unknown>).file_path = join(s.path as string, rel);
  return hook(['claude', event, `dir=${dirOf(s)}`], p, { env });
}

const context = (stdout: string): string | undefined => (stdout ? (JSON.parse(stdout).hookSpecificOutput?.additionalContext as string | undefined) : undefined);

function cache(sessions: RadarCache['sessions'], pairs: RadarCache['pairs'] = []): void {
  writeRadarCache(root, { version: 1, workspace: 'sessions', main: repo, computed_at: '2030-01-01T00:00:00+00:00', computed_ms: Date.now(), sessions, pairs });
}
/** Waits until no background refresh of the radar cache is under way (its marker gone). */
async function settled(): Promise<void> {
  for (let i = 0; i < 200 && existsSync(refreshMarker(root, 'sessions')); i++) await new Promise((r) => setTimeout(r, 100));
}
const s = (name: string, changed: string[]) => ({ branch: `feature/${name}`, base: 'main', tip: 'a'.repeat(40), base_sha: 'b'.repeat(40), changed });

beforeAll(() => {
  repo = makeRepo();
  d1 = newSession(repo, 'd1', { component: 'docs', shared: 1 });
  d2 = newSession(repo, 'd2', { component: 'docs', shared: 1 });
  api = newSession(repo, 'api', { component: 'server', shared: 0 });
  root = d1.env.PARALLEL_DIR as string;
});

describe('the hook with a prepared cache', () => {
  it('another session changed the file: the context names it and says no conflict is predicted', () => {
    cache({ d1: s('d1', []), d2: s('d2', ['docs/guide.md']) });
    const r = edit(d1, 'docs/guide.md');
    expect(r.code).toBe(0);
    const c = context(r.stdout);
    expect(c).toContain('docs/guide.md is also changed by session d2');
    expect(c).toContain('git predicts no conflict with d2');
    expect(JSON.parse(r.stdout).hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBeUndefined();
  });

  it('a pair that conflicts: the context says a conflict is predicted, in which file', () => {
    cache({ d1: s('d1', ['docs/guide.md']), d2: s('d2', ['docs/guide.md']) }, [{ a: 'd1', b: 'd2', a_tip: null, b_tip: null, files: ['docs/guide.md'], conflict: true, conflict_files: ['docs/guide.md'] }]);
    expect(context(edit(d1, 'docs/guide.md').stdout)).toContain('git predicts a CONFLICT with d2 in docs/guide.md');
  });

  it('no other session changed the file, or the other session is gone, or no cache: nothing', async () => {
    cache({ d1: s('d1', []), d2: s('d2', ['docs/guide.md']) });
    expect(edit(d1, 'docs/other.md').stdout).toBe('');
    cache({ d1: s('d1', []), gone: s('gone', ['docs/guide.md']) });
    expect(edit(d1, 'docs/guide.md').stdout).toBe('');
    rmSync(radarCacheFile(root, 'sessions'));
    expect(edit(d1, 'docs/guide.md').stdout).toBe('');
    // That edit found no cache, so it started the background refresh: let it end before the next test
    // writes a cache of its own by hand.
    await settled();
  });

  it('a denied edit is denied, without the note', () => {
    cache({ d1: s('d1', []), api: s('api', ['server/app.py']) });
    const out = JSON.parse(edit(d1, 'server/app.py').stdout).hookSpecificOutput;
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionDecisionReason).not.toContain('radar');
  });

  it('gemini and opencode get it in their own shapes', () => {
    cache({ d1: s('d1', []), d2: s('d2', ['docs/guide.md']) });
    const g = fixtureIn('gemini', 'BeforeTool-write_file', d1.path as string);
    (g.tool_input as Record<string, unknown>).file_path = join(d1.path as string, 'docs/guide.md');
    const gem = JSON.parse(hook(['gemini', 'BeforeTool', `dir=${dirOf(d1)}`], g).stdout);
    expect(gem.hookSpecificOutput.additionalContext).toContain('session d2');
    const o = fixtureIn('opencode', 'tool.execute.before-write', d1.path as string);
    (o.args as Record<string, unknown>).filePath = join(d1.path as string, 'docs/guide.md');
    expect(JSON.parse(hook(['opencode', 'tool.execute.before', `dir=${dirOf(d1)}`], o).stdout)).toMatchObject({ decision: 'warn' });
  });
});

describe('the cache the commands write, and the background refresh', () => {
  it('make conflicts writes it; the hook then tells d1 about d2 and the conflict git predicts', () => {
    commitFiles(d2.path as string, { 'docs/guide.md': 'from d2\n', 'docs/d2.md': 'x\n' }, 'd2 guide');
    commitFiles(d1.path as string, { 'docs/guide.md': 'from d1\n' }, 'd1 guide');
    const r = make(repo, 'conflicts', { json: 1 });
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(readFileSync(radarCacheFile(root, 'sessions'), 'utf8')) as RadarCache;
    expect(c.sessions.d2?.changed).toEqual(['docs/d2.md', 'docs/guide.md']);
    expect(c.sessions.d2?.tip).toMatch(/^[0-9a-f]{40}$/);
    expect(c.pairs).toMatchObject([{ a: 'd1', b: 'd2', conflict: true, conflict_files: ['docs/guide.md'] }]);
    expect(context(edit(d1, 'docs/guide.md').stdout)).toContain('git predicts a CONFLICT with d2 in docs/guide.md');
    expect(context(edit(d1, 'docs/d2.md').stdout)).toContain('git predicts a CONFLICT with d2 (in docs/guide.md)');
    expect(context(edit(api, 'server/app.py').stdout)).toBeUndefined();
  });

  it('make list-sessions refreshes it too', () => {
    rmSync(radarCacheFile(root, 'sessions'));
    expect(make(repo, 'list-sessions', { json: 1 }).code).toBe(0);
    expect(existsSync(radarCacheFile(root, 'sessions'))).toBe(true);
  });

  it('a PostToolUse with an old cache starts one refresh in the background, which rewrites it', async () => {
    const file = radarCacheFile(root, 'sessions');
    cache({ d1: s('d1', []) }); // stale content
    const before = statSync(file).mtimeMs;
    const t0 = Date.now();
    expect(edit(d1, 'docs/guide.md', 'PostToolUse', { PARALLEL_RADAR_REFRESH_S: '0' }).code).toBe(0);
    // The hook does not wait for it.
    expect(Date.now() - t0).toBeLessThan(5000);
    for (let i = 0; i < 150 && statSync(file).mtimeMs === before; i++) await new Promise((ok) => setTimeout(ok, 100));
    const c = JSON.parse(readFileSync(file, 'utf8')) as RadarCache;
    expect(c.sessions.d2?.changed).toContain('docs/guide.md');
    expect(existsSync(refreshMarker(root, 'sessions'))).toBe(false);
    // A fresh cache: no refresh.
    edit(d1, 'docs/guide.md', 'PostToolUse');
    expect(existsSync(refreshMarker(root, 'sessions'))).toBe(false);
  });
});
