// guard.ts on real guard.json files in a real state folder: whose component a path is in, and what is refused.
import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decide, otherGuards, readGuardFile, writeGuardFile, type GuardRecord } from '../../scripts/lib/agents/guard.ts';
import { tempDir } from '../helpers/repo.ts';

let base: string;
let root: string;

function session(name: string, component: string, paths: string[], extra: Partial<GuardRecord> = {}): GuardRecord & { copy: string } {
  const copy = join(base, 'repo-sessions', name);
  mkdirSync(copy, { recursive: true });
  const dir = join(root, extra.workspace ?? 'sessions', name);
  mkdirSync(dir, { recursive: true });
  const g: GuardRecord = { version: 1, session: name, workspace: 'sessions', copy, main: join(base, 'repo'), component, paths, shared: false, guard: 'deny', ...extra };
  writeGuardFile(dir, g);
  return g as GuardRecord & { copy: string };
}

beforeEach(() => {
  base = tempDir('kit-guard-');
  root = join(base, 'repo', '.parallel');
  mkdirSync(root, { recursive: true });
});

describe('the guard', () => {
  it('writes and reads guard.json; a broken one is no guard', () => {
    const g = session('api', 'server', ['server/']);
    expect(readGuardFile(join(root, 'sessions', 'api', 'guard.json'))).toEqual(g);
    expect(readGuardFile(join(root, 'sessions', 'nope', 'guard.json'))).toBeNull();
  });

  it('allows its own component and paths no session claims', () => {
    const own = session('api', 'server', ['server/']);
    session('web', 'ui', ['ui/']);
    expect(decide(root, own, [join(own.copy, 'server/app.py'), join(own.copy, 'README.md'), join(own.copy, 'docs/x.md')]).decision).toBe('allow');
  });

  it("counts the claim of a branch-only session, which has no copy (copy: null in its guard.json)", () => {
    const own = session('api', 'server', ['server/']);
    session('web', 'ui', ['ui/'], { copy: null });
    expect(decide(root, own, [join(own.copy, 'ui/app.js')]).decision).toBe('deny');
  });

  it("denies another live session's component, naming it and how to share", () => {
    const own = session('api', 'server', ['server/']);
    session('web', 'ui', ['ui/']);
    const v = decide(root, own, [join(own.copy, 'ui/app.js')]);
    expect(v.decision).toBe('deny');
    expect(v.offending).toEqual([join(own.copy, 'ui/app.js')]);
    expect(v.reason).toContain('component ui');
    expect(v.reason).toContain('web');
    expect(v.reason).toContain('shared=1');
  });

  it('allows it again once that session is gone from the state folder (ended, archived)', () => {
    const own = session('api', 'server', ['server/']);
    session('web', 'ui', ['ui/']);
    expect(otherGuards(root, own).map((g) => g.session)).toEqual(['web']);
    expect(decide(root, own, [join(own.copy, 'ui/app.js')]).decision).toBe('deny');
    mkdirSync(join(root, 'archive', 'sessions'), { recursive: true });
    renameSync(join(root, 'sessions', 'web'), join(root, 'archive', 'sessions', 'web'));
    expect(otherGuards(root, own)).toEqual([]);
    expect(decide(root, own, [join(own.copy, 'ui/app.js')]).decision).toBe('allow');
  });

  it('the longest prefix decides: a sub-folder claimed as its own component belongs to that one', () => {
    const own = session('api', 'server', ['server/']);
    session('auth', 'auth', ['server/auth/']);
    expect(decide(root, own, [join(own.copy, 'server/auth/login.py')]).decision).toBe('deny');
    expect(decide(root, own, [join(own.copy, 'server/app.py')]).decision).toBe('allow');
  });

  it('denies outside its copy: the main checkout and another copy, named', () => {
    const own = session('api', 'server', ['server/']);
    const other = session('web', 'ui', ['ui/']);
    const main = decide(root, own, [join(base, 'repo', 'server', 'app.py')]);
    expect(main.decision).toBe('deny');
    expect(main.reason).toContain('main checkout');
    const theirs = decide(root, own, [join(other.copy, 'server', 'app.py')]);
    expect(theirs.decision).toBe('deny');
    expect(theirs.reason).toContain('web');
  });

  it('a path through a symlink out of the copy is outside it', () => {
    const own = session('api', 'server', ['server/']);
    mkdirSync(join(base, 'elsewhere'));
    symlinkSync(join(base, 'elsewhere'), join(own.copy, 'server-link'));
    expect(decide(root, own, [join(own.copy, 'server-link', 'x.py')]).decision).toBe('deny');
  });

  it('both sessions shared on one component: both allowed', () => {
    const a = session('api', 'server', ['server/'], { shared: true });
    const b = session('api2', 'server', ['server/'], { shared: true });
    expect(decide(root, a, [join(a.copy, 'server/app.py')]).decision).toBe('allow');
    expect(decide(root, b, [join(b.copy, 'server/app.py')]).decision).toBe('allow');
  });

  it('several files: denied when one is, naming every offending file', () => {
    const own = session('api', 'server', ['server/']);
    session('web', 'ui', ['ui/']);
    session('doc', 'docs', ['docs/']);
    const v = decide(root, own, [join(own.copy, 'server/a.py'), join(own.copy, 'ui/app.js'), join(own.copy, 'docs/x.md')]);
    expect(v.decision).toBe('deny');
    expect(v.offending).toEqual([join(own.copy, 'ui/app.js'), join(own.copy, 'docs/x.md')]);
    expect(v.reason).toContain('ui/app.js');
    expect(v.reason).toContain('docs/x.md');
    expect(v.reason).not.toContain('server/a.py');
  });

  it('warn allows with the reason; off says nothing', () => {
    const own = session('api', 'server', ['server/'], { guard: 'warn' });
    session('web', 'ui', ['ui/']);
    const w = decide(root, own, [join(own.copy, 'ui/app.js')]);
    expect(w.decision).toBe('warn');
    expect(w.reason).toContain('component ui');
    expect(decide(root, { ...own, guard: 'off' }, [join(own.copy, 'ui/app.js')]).decision).toBe('allow');
  });
});
