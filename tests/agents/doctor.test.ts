// make doctor through the real make: sessions with each agent, what it finds (the hooks where the agent
// reads them, the binary on PATH or not), and a synthetic event that changes the state of a throwaway
// copy only: the user's session is left exactly as it was.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorSession } from '../../scripts/lib/agents/doctor.ts';
import { KIT_DIR, make, makeJson } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { writeCopySettings } from '../../scripts/lib/agents/install-claude.ts';

let repo: string;
let root: string;
let codexHome: string;
let bin: string;
let scratch: string;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The test's environment, a fake `claude` and `gemini` on PATH, Codex's home of its own. */
const env = () => ({ CODEX_HOME: codexHome, PATH: `${bin}:${process.env.PATH}` });

beforeAll(() => {
  repo = makeRepo();
  const t = realpathSync(mkdtempSync(join(tmpdir(), 'kit-doctor-test-')));
  scratch = t;
  codexHome = join(t, 'codex');
  bin = join(t, 'bin');
  mkdirSync(codexHome);
  mkdirSync(bin);
  for (const b of ['claude', 'gemini']) {
    writeFileSync(join(bin, b), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, b), 0o755);
  }
  for (const agent of ['claude', 'codex', 'gemini', 'opencode']) {
    const r = makeJson(repo, 'new-session', { name: `s-${agent}`, component: 'docs', shared: 1, agent }, env());
    expect(r.code, r.stderr).toBe(0);
  }
  newSession(repo, 'plain', { component: 'server', agent: 'none' });
  root = join(repo, '.parallel');
});

const byName = (rows: DoctorSession[], n: string) => rows.find((r) => r.name === n) as DoctorSession;
const check = (s: DoctorSession, what: string) => s.checks.find((c) => c.what === what);

describe('make doctor', () => {
  it('finds each agent, its hooks and binary; codex without agent-setup is a problem; exit 1', () => {
    const r = makeJson<DoctorSession[]>(repo, 'doctor', {}, env());
    expect(r.exit, r.stderr).toBe(1);
    const rows = r.data;
    expect(rows.map((x) => x.name)).toEqual(['plain', 's-claude', 's-codex', 's-gemini', 's-opencode']);
    const claude = byName(rows, 's-claude');
    expect(claude).toMatchObject({ agent: 'claude', kind: 'claude', binary_path: join(bin, 'claude'), ok: true });
    expect(check(claude, 'hooks')).toMatchObject({ ok: true });
    expect(check(claude, 'hooks')?.detail).toContain('claude-settings.json');
    expect(check(claude, 'git backstop')?.detail).toContain('not installed');
    expect(byName(rows, 's-gemini')).toMatchObject({ ok: true });
    expect(check(byName(rows, 's-gemini'), 'hooks')?.detail).toContain('.gemini/settings.json');
    const codex = byName(rows, 's-codex');
    expect(check(codex, 'hooks')).toMatchObject({ ok: false });
    expect(check(codex, 'hooks')?.detail).toContain('make agent-setup agent=codex apply=1');
    expect(check(codex, 'binary')).toMatchObject({ ok: false });
    expect(check(codex, 'binary')?.detail).toContain('not on PATH');
    const oc = byName(rows, 's-opencode');
    expect(check(oc, 'hooks')).toMatchObject({ ok: true });
    expect(byName(rows, 'plain')).toMatchObject({ agent: null, event: null, ok: true });
  });

  it('codex after make agent-setup agent=codex apply=1: hooks present and trusted', () => {
    const set = make(repo, 'agent-setup', { agent: 'codex', apply: 1 }, env());
    expect(set.code, set.stderr).toBe(0);
    const r = makeJson<DoctorSession[]>(repo, 'doctor', { name: 's-codex' }, env());
    expect(check(r.data[0] as DoctorSession, 'hooks')).toMatchObject({ ok: true });
    expect(check(r.data[0] as DoctorSession, 'hooks')?.detail).toContain('trusted');
    // Someone edits the trust block: the doctor says so.
    const cfg = join(codexHome, 'config.toml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/trusted_hash = "sha256:[0-9a-f]{4}/, 'trusted_hash = "sha256:0000'));
    const again = makeJson<DoctorSession[]>(repo, 'doctor', { name: 's-codex' }, env());
    expect(check(again.data[0] as DoctorSession, 'hooks')).toMatchObject({ ok: false });
    expect(check(again.data[0] as DoctorSession, 'hooks')?.detail).toContain('edited');
  });

  it("the synthetic event changes the throwaway copy's state, never the session's own files", () => {
    const files = (n: string) => ['status.json', 'log.jsonl'].map((f) => { try { return readFileSync(join(root, 'sessions', n, f), 'utf8'); } catch { return null; } });
    const before = Object.fromEntries(['s-claude', 's-codex', 's-gemini', 's-opencode'].map((n) => [n, files(n)]));
    const r = makeJson<DoctorSession[]>(repo, 'doctor', {}, env());
    for (const n of Object.keys(before)) {
      const s = byName(r.data, n);
      expect(s.event, n).toMatchObject({ before: 'created', after: 'waiting_input', changed: true, error: null });
      expect(files(n), n).toEqual(before[n]);
    }
  });

  it("claude -w: the copy's .claude/settings.local.json counts when it runs the hook for this session, and is a problem when it runs it for another", async () => {
    const copy = join(repo, '..', `${repo.split('/').at(-1)}-sessions`, 's-claude');
    const settings = join(copy, '.claude', 'settings.local.json');
    await writeCopySettings(copy, root, join(root, 'sessions', 's-claude'), KIT_DIR);
    const ok = check(makeJson<DoctorSession[]>(repo, 'doctor', { name: 's-claude' }, env()).data[0] as DoctorSession, 'hooks');
    expect(ok).toMatchObject({ ok: true });
    expect(ok?.detail).toContain('settings.local.json (claude -w)');
    rmSync(settings);
    await writeCopySettings(copy, root, join(root, 'sessions', 's-gemini'), KIT_DIR);
    const r = makeJson<DoctorSession[]>(repo, 'doctor', { name: 's-claude' }, env());
    expect(r.exit).toBe(1);
    expect(check(r.data[0] as DoctorSession, 'hooks')).toMatchObject({ ok: false });
    expect(check(r.data[0] as DoctorSession, 'hooks')?.detail).toContain("another session's folder");
    rmSync(settings);
  });

  it("a custom agents: command: its hook is PARALLEL_HOOK, and the synthetic waiting_input goes through it", () => {
    const custom = makeRepo({ config: 'base: main\nworkspace: sessions\nworktree_root: ../{repo}-sessions\ncomponents:\n  ui: { paths: [ui/] }\nagents:\n  bot: { command: "sleep 1" }\n' });
    expect(makeJson(custom, 'new-session', { name: 'b', component: 'ui', agent: 'bot' }).code).toBe(0);
    const r = makeJson<DoctorSession[]>(custom, 'doctor', { name: 'b' }, env());
    expect(r.exit, r.stderr).toBe(0);
    const s = r.data[0] as DoctorSession;
    expect(s).toMatchObject({ agent: 'bot', kind: 'custom', ok: true });
    expect(check(s, 'hooks')?.detail).toContain('PARALLEL_HOOK');
    expect(s.event).toMatchObject({ event: 'waiting_input', before: 'created', after: 'waiting_input', changed: true, error: null });
  });

  it('name= one session; an unknown one is a usage error; the table', () => {
    expect(makeJson<DoctorSession[]>(repo, 'doctor', { name: 's-claude' }, env()).data.map((s) => s.name)).toEqual(['s-claude']);
    const bad = make(repo, 'doctor', { name: 'nope' }, env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no live session nope');
    const t = make(repo, 'doctor', { name: 's-claude' }, env());
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('s-claude: agent claude');
    expect(t.stdout).toContain('created -> waiting_input');
  });
});
