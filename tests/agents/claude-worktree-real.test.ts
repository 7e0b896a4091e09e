// `claude -w ui/fix-login` for real (claude 2.1.197 offline, scripted model): the WorktreeCreate hook of
// make agent-setup agent=claude makes an agent=claude kit session and writes its hooks into the copy's
// .claude/settings.local.json, which Claude (already running when WorktreeCreate fires, so --settings
// cannot apply) reads for that session. So the session reports its states (running, idle, ended) and is
// guarded: a write into the component of another live session is denied. The copy's git status stays clean.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { cleanupHomes, makeHome, whyMissing } from '../helpers/agents/run.ts';
import { gitIn, makeRepo } from '../helpers/repo.ts';
import { kitMake, runArgv } from '../helpers/agents/kit.ts';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

const extra = (dir: string) => gitIn(dir, 'status', '--porcelain', '--ignored', '--untracked-files=all').split('\n').filter(Boolean).sort();

test('claude -w ui/fix-login: the copy\'s .claude/settings.local.json hooks report running and idle (the monitor: ended) and deny a write into another session\'s component', async (ctx) => {
  const why = whyMissing('claude');
  if (why) ctx.skip(why);
  const repo = makeRepo();
  const home = makeHome('claude', { cwd: repo, server });
  expect(kitMake(repo, home.env, 'agent-setup', { agent: 'claude', apply: 1 }).code).toBe(0);
  // Another live session claims docs.
  const other = kitMake(repo, home.env, 'new-session', { name: 'docs-work', component: 'docs', agent: 'none' });
  expect(other.code, other.stderr).toBe(0);

  const copy = join(dirname(repo), 'repo-sessions', 'fix-login');
  const fixed = join(copy, 'ui', 'fixed.txt');
  const denied = join(copy, 'docs', 'not-mine.md');
  server.setScript([writeTurn('claude', fixed, 'fixed\n'), writeTurn('claude', denied, 'nope\n'), { text: 'Done.' }]);
  const ran = await runArgv(['claude', '-w', 'ui/fix-login', '-p', 'Fix the login', '--permission-mode', 'acceptEdits', '--output-format', 'json'], repo, home.env);
  expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);

  // An agent=claude session, its hooks in the copy's local settings (dir= its state folder).
  const stateDir = join(repo, '.parallel', 'sessions', 'fix-login');
  expect(JSON.parse(readFileSync(join(stateDir, 'session.json'), 'utf8'))).toMatchObject({ agent: 'claude', component: 'ui', path: copy, state: 'active' });
  expect(existsSync(join(stateDir, 'guard.json'))).toBe(true);
  const local = JSON.parse(readFileSync(join(copy, '.claude', 'settings.local.json'), 'utf8'));
  expect(local.hooks.PreToolUse[0].hooks[0].args).toContain(`dir=${stateDir}`);

  // The states it reported, in order, and where it ended.
  const lines = readFileSync(join(stateDir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.agent === 'claude');
  const states = lines.map((l) => l.state).filter(Boolean);
  expect(states, JSON.stringify(lines)).toContain('running');
  expect(states.indexOf('idle')).toBeGreaterThan(states.indexOf('running'));
  // SessionEnd after the turn's end goes no further than bin/hook-unless: idle, with the agent's pid, which
  // the monitor reads as ended once the agent is gone.
  expect(states.at(-1)).toBe('idle');
  expect(JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')).state).toBe('idle');
  const mon = kitMake(repo, home.env, 'monitor', { json: 1 });
  expect((JSON.parse(mon.stdout).sessions as any[]).find((s) => s.session_id === 'fix-login'), mon.stdout).toMatchObject({ state: 'ended' });

  // The guard: the ui write landed, the docs write was denied naming the other session.
  expect(readFileSync(fixed, 'utf8')).toBe('fixed\n');
  expect(existsSync(denied)).toBe(false);
  const deny = lines.find((l) => l.decision === 'deny');
  expect(deny, JSON.stringify(lines)).toBeTruthy();
  expect(JSON.stringify(deny)).toContain('docs-work');
  expect(JSON.parse(ran.stdout).permission_denials?.length).toBe(1);

  // Nothing in git's sight: the local settings are excluded in the copy as .parallel-session.env is.
  expect(extra(copy)).toEqual(['!! .claude/settings.local.json', '!! .parallel-session.env', '?? ui/fixed.txt']);
}, 150_000);
