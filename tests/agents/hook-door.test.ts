// How the hook starts (dist/hook.cjs, scripts/door.cjs): through V8's code cache, which it writes
// itself and only for its own build; and the agent's JSON read from a socket (what an agent written in
// Node hands its hooks) without node's stream.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KIT_DIR } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { ensureBuilt, readLog, readStatus, reapAfterAll } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { cleanEnv } from './hook-run.ts';

beforeAll(() => ensureBuilt());

let repo: string;
let n = 0;
beforeAll(() => {
  repo = makeRepo();
});

/** A kit folder of its own holding the built door and bundle (its cache files are the test's own). */
function kitCopy(): { dist: string; hook: string; caches: () => string[] } {
  const dist = join(tempDir(), 'dist');
  mkdirSync(dist);
  for (const f of ['hook.cjs', 'hook-main.cjs']) copyFileSync(join(KIT_DIR, 'dist', f), join(dist, f));
  return { dist, hook: join(dist, 'hook.cjs'), caches: () => readdirSync(dist).filter((f) => f.endsWith('.cache')) };
}

function session() {
  const s = newSession(repo, `door${++n}`);
  const root = s.env.PARALLEL_DIR as string;
  return { s, dir: join(root, s.workspace, s.name), status: () => readStatus(root, s.workspace, s.name), log: () => readLog(root, s.workspace, s.name) };
}

/** The hook as Claude runs it: a Node child, its JSON on the stdin socket libuv makes. */
function run(hook: string, args: string[], input: object, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [hook, ...args], { input: JSON.stringify(input), env: cleanEnv(env), encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const buildOf = (dist: string) => /^\/\/ kit build (\S+)$/m.exec(readFileSync(join(dist, 'hook-main.cjs'), 'utf8'))?.[1];

describe("the hook's code cache", () => {
  it('is written by the first hook of a build, then grows with the next ones; a corrupt one is turned down and written again', () => {
    const kit = kitCopy();
    const t = session();
    const id = buildOf(kit.dist);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(run(kit.hook, ['claude', `dir=${t.dir}`], fixtureIn('claude', 'UserPromptSubmit', t.s.path as string))).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(t.status().state).toBe('running');
    expect(kit.caches()).toEqual([`.hook-main-${id}.cache`]);
    const cache = join(kit.dist, `.hook-main-${id}.cache`);
    // The first four bytes count the writes: the next runs write it again, each with what it compiled too.
    const writes = () => readFileSync(cache).readUInt32LE(0);
    expect(readFileSync(cache).length).toBeGreaterThan(1000);
    expect(writes()).toBe(1);

    expect(run(kit.hook, ['claude', `dir=${t.dir}`], fixtureIn('claude', 'Stop', t.s.path as string))).toMatchObject({ code: 0, stdout: '' });
    expect(t.status().state).toBe('idle');
    expect(writes()).toBe(2);

    writeFileSync(cache, 'not a code cache');
    expect(run(kit.hook, ['claude', `dir=${t.dir}`], fixtureIn('claude', 'UserPromptSubmit', t.s.path as string))).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(t.status().state).toBe('running');
    expect(writes()).toBe(1);
    expect(readFileSync(cache).length).toBeGreaterThan(1000);
    expect(readdirSync(kit.dist).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("never uses or writes a cache for another build's bundle (a rebuild of the same length)", () => {
    const kit = kitCopy();
    const t = session();
    const id = buildOf(kit.dist) as string;
    const other = id.replace(/./g, (c) => (c === 'a' ? 'b' : 'a'));
    const main = join(kit.dist, 'hook-main.cjs');
    writeFileSync(main, readFileSync(main, 'utf8').replace(`// kit build ${id}`, `// kit build ${other}`));
    // A cache that would be taken if the door did not check the build: V8 looks at the source's length only.
    writeFileSync(join(kit.dist, `.hook-main-${id}.cache`), 'stale');
    expect(run(kit.hook, ['claude', `dir=${t.dir}`], fixtureIn('claude', 'Stop', t.s.path as string))).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(t.status().state).toBe('idle');
    expect(readFileSync(join(kit.dist, `.hook-main-${id}.cache`), 'utf8')).toBe('stale');
    expect(kit.caches()).toEqual([`.hook-main-${id}.cache`]);
  });
});

describe("the agent's JSON from a socket", () => {
  it("is read without node's stream (no net socket reads it), and an open one still ends after the short wait", async () => {
    const t = session();
    const hook = join(KIT_DIR, 'dist', 'hook.cjs');
    const r = run(hook, ['claude', `dir=${t.dir}`], fixtureIn('claude', 'UserPromptSubmit', t.s.path as string), { NODE_DEBUG: 'net,stream' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/^(NET|STREAM) \d+:/m);
    expect(t.status().state).toBe('running');

    const open = reapAfterAll(spawn(process.execPath, [hook, 'claude', 'Stop', `dir=${t.dir}`], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] }));
    open.stdin?.write('{"hook_event_name":');
    expect(await new Promise((done) => open.on('exit', done))).toBe(0);
    expect(String(t.log().at(-1)?.message)).toContain('no end of input');
    expect(t.status().state).toBe('running');
  });

  it('falls back to the stream, silently, where node is asked to warn of deprecated calls', () => {
    const t = session();
    const r = run(join(KIT_DIR, 'dist', 'hook.cjs'), ['claude', `dir=${t.dir}`], fixtureIn('claude', 'Stop', t.s.path as string), { NODE_PENDING_DEPRECATION: '1' });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(t.status().state).toBe('idle');
  });
});
