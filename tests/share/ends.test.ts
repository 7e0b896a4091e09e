// Ending shared sessions: end-session pushes to the remote after it released the session's lock (a slow
// remote never holds the lock), and end-session merged=1 removes every ended session's ref and claim in
// ONE push, not one per session. The remote's own pre-receive hook counts the pushes and notes which of
// the kit's session locks were held while each one arrived.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { commitFiles, gitIn } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { kitJson, laptops, remoteRefs, start, type Laptops } from './machines.ts';

beforeAll(() => ensureBuilt());

/** Every push the remote receives from now on: one line naming the session locks held at that moment. */
function countPushes(m: Laptops): () => string[] {
  const log = join(m.bare, 'pushes.log');
  const locks = join(m.a, '.parallel', 'locks');
  const hook = join(m.bare, 'hooks', 'pre-receive');
  writeFileSync(hook, `#!/bin/sh\ncat >/dev/null\nheld=$(ls '${locks}' 2>/dev/null | grep '^session-' | tr '\\n' ' ')\necho "push held=[$held]" >> '${log}'\n`);
  chmodSync(hook, 0o755);
  return () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
}

/** The background publisher new-session started: stopped, so that every push counted is the command's own. */
async function stopPublisher(checkout: string): Promise<void> {
  const lock = join(checkout, '.parallel', 'locks', 'share-publisher.lock');
  try {
    process.kill((JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 200 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
}

const sessionRefsOf = (m: Laptops, names: string[]) => Object.keys(remoteRefs(m.bare)).filter((r) => names.some((n) => r.endsWith(`/sessions/${n}`)));

let m: Laptops;

beforeAll(async () => {
  m = laptops();
  for (const [name, component] of [['one', 'c0'], ['two', 'c1'], ['three', 'c2']] as const) start(m.a, name, component);
  // one and two each commit in their copy and are merged into main, so that end-session merged=1 ends them.
  const rows = JSON.parse(kit(m.a, 'list-sessions', { json: 1 }).stdout) as { name: string; path: string }[];
  for (const [name, c] of [['one', 'c0'], ['two', 'c1']] as const) commitFiles(rows.find((x) => x.name === name)?.path as string, { [`${c}/work.txt`]: `${name}\n` }, `work of ${name}`);
  gitIn(m.a, 'merge', '-q', '--no-edit', 'feature/one', 'feature/two');
  await stopPublisher(m.a);
});

describe('ending shared sessions', () => {
  it('end-session merged=1: both sessions ended, their refs and claims gone, in one push while no session lock is held', () => {
    const pushes = countPushes(m);
    const { r, data } = kitJson<{ ended: { name: string }[]; warnings: string[] }>(m.a, 'end-session', { merged: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(data.ended.map((e) => e.name).sort()).toEqual(['one', 'two']);
    expect(data.warnings).toEqual([]);
    expect(sessionRefsOf(m, ['one', 'two'])).toEqual([]);
    expect(Object.keys(remoteRefs(m.bare)).filter((x) => /claims\/sessions\/c[01]$/.test(x))).toEqual([]);
    expect(pushes()).toEqual(['push held=[]']);
    expect(sessionRefsOf(m, ['three'])).toHaveLength(1);
  });

  it('end-session name=: its ref and claim removed in one push, after its lock was released', () => {
    const pushes = countPushes(m);
    const before = pushes().length;
    const r = kit(m.a, 'end-session', { name: 'three', force: 1 });
    expect(r.exit, r.stderr).toBe(0);
    expect(sessionRefsOf(m, ['three'])).toEqual([]);
    expect(remoteRefs(m.bare)['refs/parallel/claims/sessions/c2']).toBeUndefined();
    expect(pushes().slice(before)).toEqual(['push held=[]']);
  });
});
