// `make agent-setup agent=codex apply=1` against the real Codex (offline, scripted model server): the
// trust entries the kit writes are the ones Codex wants (app-server hooks/list: every kit hook
// `trusted`, its currentHash the kit's trusted_hash), so a plain headless `codex exec` (no
// --dangerously-bypass-hook-trust) in a session's copy, with the copy's .parallel-session.env loaded,
// runs the kit's hook on each event; without PARALLEL_SESSION the gate keeps it from doing anything; and
// `remove=1 apply=1` puts Codex's files back byte for byte. An edited kit hook is `modified` to Codex
// (skipped silently), and the kit's preview says its part was edited; a user's group put before the
// kit's shifts the positions the trust keys name (the kit's hook untrusted, the user's modified).
//
// The signal that a kit hook ran: hook-spy.ts's `node` first on PATH, that logs each call of
// <kit>/dist/hook.cjs (argv, PARALLEL_* variables, the payload on stdin), then hands over to the real node. That works whether
// or not dist/hook.cjs is built yet. Skipped (one line) when codex is not in .cache/agents.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codexHooksList, type CodexHook } from '../helpers/agents/app-server.ts';
import { hookSpy } from '../helpers/agents/hook-spy.ts';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { KIT, cleanupHomes, makeHome, runHeadless, whyMissing, type AgentHome } from '../helpers/agents/run.ts';
import { MAKEFILE } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const why = whyMissing('codex');
const KIT_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Stop', 'SessionEnd'];
/**
 * The events of a headless run with one apply_patch that reach node: bin/hook-unless ends PostToolUse
 * while the session's state word says running, and SessionEnd after Stop said idle (fast-hook.ts).
 */
const RUN_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'Stop'];

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

/** make agent-setup in the agent's clean environment (none of the calling shell's PARALLEL_* variables). */
function agentSetup(h: AgentHome, cwd: string, vars: Record<string, string | number>): { code: number | null; stdout: string; stderr: string } {
  const args = ['-s', '--no-print-directory', '-f', MAKEFILE, 'agent-setup', 'agent=codex', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('make', args, { cwd, env: h.env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The variables the copy's .parallel-session.env sets, read as a person loads it (set -a; . ./file). */
function sessionEnv(copy: string): Record<string, string> {
  const r = spawnSync('/bin/sh', ['-c', 'set -a; . ./.parallel-session.env; set +a; exec env -0'], { cwd: copy, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out: Record<string, string> = {};
  for (const kv of r.stdout.split('\0').filter(Boolean)) {
    const i = kv.indexOf('=');
    const k = kv.slice(0, i);
    if (!['PATH', 'PWD', 'SHLVL', '_', 'OLDPWD'].includes(k)) out[k] = kv.slice(i + 1);
  }
  return out;
}

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : null);
const kitHooks = (hooks: CodexHook[]) => hooks.filter((h) => h.command?.includes(`${KIT}/dist/hook.cjs`));

describe.skipIf(why)(`agent-setup agent=codex with the real Codex${why ? ` (skipped: ${why})` : ''}`, () => {
  test('trusted by Codex; a headless run in a session copy fires the kit hooks; no session, no action; remove restores', async () => {
    const repo = makeRepo();
    const session = newSession(repo, 'codex-real');
    const copy = session.path!;
    const senv = sessionEnv(copy);
    expect(senv.PARALLEL_SESSION).toBeTruthy();

    const h = makeHome('codex', { cwd: copy, server });
    const spy = hookSpy(join(h.root, 'spy'));
    h.env.PATH = `${spy.bin}:${h.env.PATH}`;
    const codexHome = h.env.CODEX_HOME!;
    const files = [join(codexHome, 'config.toml'), join(codexHome, 'hooks.json')];
    const before = files.map(read);

    const applied = agentSetup(h, repo, { apply: 1 });
    expect(applied.code, applied.stderr).toBe(0);
    const config = readFileSync(files[0]!, 'utf8');

    // Codex's own view: all six kit hooks trusted, each hash the one the kit wrote.
    const listed = (await codexHooksList(h.env, [copy]))[0]!;
    const mine = kitHooks(listed.hooks);
    expect(mine.map((x) => x.key.split(':').at(-3)).sort()).toEqual(KIT_EVENTS.map((e) => e.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase()).sort());
    for (const x of mine) {
      expect(x.trustStatus, x.key).toBe('trusted');
      expect(config).toContain(`[hooks.state.${JSON.stringify(x.key)}]\ntrusted_hash = ${JSON.stringify(x.currentHash)}\n`);
    }

    // A headless run in the copy with the session's environment: the kit's hook runs on every event.
    server.setScript([writeTurn('codex', join(copy, 'server', 'hello.txt'), 'hello\n', copy), { text: 'Wrote hello.txt.' }]);
    const r = await runHeadless('codex', { cwd: copy, prompt: 'Write hello.txt', server, home: h, env: senv });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(copy, 'server', 'hello.txt'), 'utf8')).toBe('hello\n');
    const ran = spy.calls();
    const hookRuns = ran.filter((c) => c.argv[1] === 'codex' && c.argv.length === 2);
    // The prompt's hook runs in the background (bin/hook-later): it may get there after the guard's.
    expect(hookRuns.map((c) => c.payload?.hook_event_name).sort()).toEqual([...RUN_EVENTS].sort());
    for (const c of hookRuns) {
      expect(c.argv[0]).toBe(`${KIT}/dist/hook.cjs`);
      expect(c.env.PARALLEL_SESSION).toBe(senv.PARALLEL_SESSION);
      expect(c.payload.cwd).toBe(copy);
    }
    // notify too, the JSON as the last argument, unless its shell ended first: once Stop has said idle,
    // the turn-complete says nothing new.
    const notified = ran.filter((c) => c.argv.length === 3);
    for (const c of notified) expect(JSON.parse(c.argv[2]!).type).toBe('agent-turn-complete');
    expect(notified.length).toBeLessThanOrEqual(1);

    // The same run without the session's environment: the gate stops every kit command before node.
    spy.clear();
    server.setScript([writeTurn('codex', join(copy, 'server', 'bye.txt'), 'bye\n', copy), { text: 'Wrote bye.txt.' }]);
    const r2 = await runHeadless('codex', { cwd: copy, prompt: 'Write bye.txt', server, home: h });
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(join(copy, 'server', 'bye.txt'), 'utf8')).toBe('bye\n');
    expect(spy.calls()).toEqual([]);

    // An edited kit hook: Codex calls it modified and skips it, silently (the run still passes); the kit's
    // preview fails, saying its part of hooks.json was edited.
    const hooksFile = files[1]!;
    const hooksText = readFileSync(hooksFile, 'utf8');
    writeFileSync(hooksFile, hooksText.replace('codex # parallel-kit', 'codex --edited # parallel-kit'));
    const edited = kitHooks((await codexHooksList(h.env, [copy]))[0]!.hooks);
    expect(edited.length).toBe(KIT_EVENTS.length);
    const modified = edited.filter((x) => x.trustStatus === 'modified');
    expect(modified.map((x) => x.command)).toEqual([expect.stringContaining('codex --edited')]);
    const skipped = modified[0]!.eventName.replace(/^./, (c) => c.toUpperCase());
    spy.clear();
    server.setScript([writeTurn('codex', join(copy, 'server', 'again.txt'), 'again\n', copy), { text: 'Wrote again.txt.' }]);
    const r3 = await runHeadless('codex', { cwd: copy, prompt: 'Write again.txt', server, home: h, env: senv });
    expect(r3.code, r3.stderr).toBe(0);
    expect(spy.calls().filter((c) => c.argv.length === 2).map((c) => c.payload?.hook_event_name)).toEqual(RUN_EVENTS.filter((e) => e !== skipped));
    const preview = agentSetup(h, repo, {});
    expect(preview.code).not.toBe(0);
    expect(preview.stderr).toContain(`the kit's part of ${hooksFile} was edited`);

    // The user's own Stop group put before the kit's: the trust entries name hooks by position, so the
    // kit's Stop hook is now untrusted (skipped) and the user's own hook `modified` (skipped too). The
    // kit's config.toml part is byte for byte its own: apply=1 rewrites it for the new positions, and the
    // kit's hook is trusted again (the user's own is theirs to trust).
    const shifted = JSON.parse(hooksText);
    shifted.hooks.Stop.unshift({ hooks: [{ type: 'command', command: 'echo mine' }] });
    writeFileSync(hooksFile, JSON.stringify(shifted, null, 2));
    const stops = (await codexHooksList(h.env, [copy]))[0]!.hooks.filter((x) => x.eventName === 'stop');
    expect(stops.map((x) => [x.command === 'echo mine' ? 'mine' : 'kit', x.trustStatus])).toEqual([['mine', 'modified'], ['kit', 'untrusted']]);
    const preview2 = agentSetup(h, repo, {});
    expect(preview2.code, preview2.stderr).toBe(0);
    expect(preview2.stdout).toContain("the kit's part rewritten");
    expect(agentSetup(h, repo, { apply: 1 }).code).toBe(0);
    const stops2 = (await codexHooksList(h.env, [copy]))[0]!.hooks.filter((x) => x.eventName === 'stop');
    expect(stops2.map((x) => [x.command === 'echo mine' ? 'mine' : 'kit', x.trustStatus])).toEqual([['mine', 'untrusted'], ['kit', 'trusted']]);
    writeFileSync(hooksFile, hooksText);
    expect(agentSetup(h, repo, { apply: 1 }).code).toBe(0);

    // remove=1 apply=1: Codex's files as they were, byte for byte.
    const removed = agentSetup(h, repo, { apply: 1, remove: 1 });
    expect(removed.code, removed.stderr).toBe(0);
    expect(files.map(read)).toEqual(before);
    expect(existsSync(join(codexHome, 'parallel-kit'))).toBe(false);
  });
});
