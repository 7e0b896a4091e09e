// The guard through the real hook: sessions made by make new-session, their guard.json written here with
// writeGuardFile (as new-session will), edits sent as each agent sends them, the reply read from stdout.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeGuardFile, type GuardMode } from '../../scripts/lib/agents/guard.ts';
import { makeRepo } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt, readLog } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { hook } from './hook-run.ts';

beforeAll(() => ensureBuilt());

interface S {
  s: Created;
  dir: string;
  root: string;
}

let repo: string;
let api: S; // server, not shared
let web: S; // ui, not shared
let pair: [S, S]; // docs, both shared

function guarded(s: Created, component: string, paths: string[], shared: boolean, guard: GuardMode = 'deny'): S {
  const root = s.env.PARALLEL_DIR as string;
  const dir = join(root, s.workspace, s.name);
  writeGuardFile(dir, { version: 1, session: s.name, workspace: s.workspace, copy: s.path as string, main: repo, component, paths, shared, guard });
  return { s, dir, root };
}

function setGuard(t: S, guard: GuardMode): void {
  const r = t.s;
  writeGuardFile(t.dir, { version: 1, session: r.name, workspace: r.workspace, copy: r.path as string, main: repo, component: r.component, paths: [`${r.component}/`], shared: r.shared, guard });
}

beforeAll(() => {
  repo = makeRepo();
  api = guarded(newSession(repo, 'api', { component: 'server', shared: 0 }), 'server', ['server/'], false);
  web = guarded(newSession(repo, 'web', { component: 'ui', shared: 0 }), 'ui', ['ui/'], false);
  pair = [guarded(newSession(repo, 'd1', { component: 'docs', shared: 1 }), 'docs', ['docs/'], true), guarded(newSession(repo, 'd2', { component: 'docs', shared: 1 }), 'docs', ['docs/'], true)];
});

/** Sends `fixture` with its paths moved into `t`'s copy, and `file_path` set when given (relative to the copy). */
function edit(t: S, agent: string, fixture: string, file?: string, event?: string) {
  const p = fixtureIn(agent, fixture, t.s.path as string);
  if (file !== undefined) {
    const abs = file.startsWith('/') ? file : join(t.s.path as string, file);
    if (agent === 'opencode') (p.args as Record<string, unknown>).filePath = abs;
    else (p.tool_input as Record<string, unknown>).file_path = abs;
  }
  return hook([agent, ...(event ? [event] : []), `dir=${t.dir}`], p);
}

const claudeDenial = (stdout: string) => JSON.parse(stdout).hookSpecificOutput as { hookEventName: string; permissionDecision: string; permissionDecisionReason: string };

describe('the guard in the hook', () => {
  it('its own component: allowed, nothing printed', () => {
    expect(edit(api, 'claude', 'PreToolUse-Write', 'server/health.py')).toMatchObject({ code: 0, stdout: '' });
    expect(edit(api, 'gemini', 'BeforeTool-write_file', 'server/health.py')).toMatchObject({ code: 0, stdout: '' });
  });

  it("another live session's component: denied, naming that session and shared=1", () => {
    const r = edit(api, 'claude', 'PreToolUse-Edit', 'ui/app.js');
    expect(r.code).toBe(0);
    const d = claudeDenial(r.stdout);
    expect(d).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
    expect(d.permissionDecisionReason).toContain('web');
    expect(d.permissionDecisionReason).toContain('component ui');
    expect(d.permissionDecisionReason).toContain('shared=1');
    expect(readLog(api.root, 'sessions', 'api').at(-1)).toMatchObject({ event: 'agent', hook_event: 'PreToolUse', decision: 'deny' });
  });

  it('a path no session claims: allowed', () => {
    expect(edit(api, 'claude', 'PreToolUse-Write', 'README.md').stdout).toBe('');
    expect(edit(api, 'claude', 'PreToolUse-Write', 'tools/new.sh').stdout).toBe('');
  });

  it('outside the copy (the main checkout): denied', () => {
    const r = edit(api, 'claude', 'PreToolUse-Write', join(repo, 'server', 'app.py'));
    expect(claudeDenial(r.stdout).permissionDecisionReason).toContain('main checkout');
    const gem = edit(api, 'gemini', 'BeforeTool-write_file', join(web.s.path as string, 'ui', 'app.js'));
    expect(JSON.parse(gem.stdout)).toMatchObject({ decision: 'deny' });
    expect(JSON.parse(gem.stdout).reason).toContain('outside your copy');
  });

  it('two sessions sharing one component: both allowed', () => {
    for (const t of pair) expect(edit(t, 'claude', 'PreToolUse-Write', 'docs/guide.md')).toMatchObject({ code: 0, stdout: '' });
  });

  it('a Codex patch with one denied file: denied, naming every offending file', () => {
    // server/health.py is api's own; ui/app.js is web's; docs/app.md is the shared docs sessions'.
    const r = edit(api, 'codex', 'PreToolUse-apply_patch');
    const d = claudeDenial(r.stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('ui/app.js');
    expect(d.permissionDecisionReason).toContain('docs/app.md');
    expect(d.permissionDecisionReason).not.toContain('server/health.py');
    expect(edit(api, 'codex', 'PreToolUse-apply_patch-own').stdout).toBe('');
  });

  it('OpenCode: a decision for its plugin to throw on', () => {
    expect(JSON.parse(edit(api, 'opencode', 'tool.execute.before-edit', undefined, 'tool.execute.before').stdout)).toMatchObject({ decision: 'deny' });
    expect(edit(api, 'opencode', 'tool.execute.before-write', undefined, 'tool.execute.before').stdout).toBe('');
  });

  it('warn: allowed with the reason as additionalContext; off: nothing', () => {
    try {
      setGuard(api, 'warn');
      const w = JSON.parse(edit(api, 'claude', 'PreToolUse-Edit', 'ui/app.js').stdout).hookSpecificOutput;
      expect(w.permissionDecision).toBeUndefined();
      expect(w.additionalContext).toContain('component ui');
      setGuard(api, 'off');
      expect(edit(api, 'claude', 'PreToolUse-Edit', 'ui/app.js')).toMatchObject({ code: 0, stdout: '' });
    } finally {
      setGuard(api, 'deny');
    }
    expect(edit(api, 'claude', 'PreToolUse-Edit', 'ui/app.js').stdout).toContain('deny');
  });

  it('a session with no guard.json is not guarded; a subagent edit is guarded all the same', () => {
    const bare = newSession(repo, 'bare', { component: 'server' });
    const dir = join(bare.env.PARALLEL_DIR as string, bare.workspace, bare.name);
    // new-session writes one for every session; a session made before the guard existed has none
    expect(existsSync(join(dir, 'guard.json'))).toBe(true);
    rmSync(join(dir, 'guard.json'));
    expect(hook(['claude', `dir=${dir}`], { ...fixtureIn('claude', 'PreToolUse-Edit', bare.path as string) }).stdout).toBe('');
    const sub = fixtureIn('claude', 'PreToolUse-Write-subagent', api.s.path as string);
    (sub.tool_input as Record<string, unknown>).file_path = join(api.s.path as string, 'ui', 'x.js');
    expect(hook(['claude', `dir=${api.dir}`], sub).stdout).toContain('deny');
  });
});
