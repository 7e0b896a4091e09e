// make doctor live=1 agent=<a> through the real make, with PATH pointing at the cached real agent CLIs:
// the agent runs offline against the kit's scripted server in a throwaway repository; its version, its
// events, its states and a denied edit are shown, it exits 0, and nothing is left in TMPDIR or in the
// machine-wide port registry (an entry of someone else's stays). A binary not on PATH: one line, exit 1.
// Each agent skips (one line) when it is not in .cache/agents. Claude, Codex, Gemini CLI and OpenCode.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { agentBinary, whyMissing, type Agent } from '../helpers/agents/run.ts';
import { MAKEFILE } from '../helpers/make.ts';

let scratch: string;
beforeAll(() => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'kit-doctor-live-test-')));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  tmp: string;
  registry: string;
  before: string;
}

/** make doctor live=1 agent=<a> in a folder of its own, under a minimal environment (no PARALLEL_* of the caller's). */
function doctorLive(agent: Agent, binDir: string | null): Promise<Ran> {
  const dir = mkdtempSync(join(scratch, `${agent}-`));
  const tmp = join(dir, 'tmp');
  const home = join(dir, 'home');
  mkdirSync(tmp);
  mkdirSync(home);
  const registry = join(dir, 'roots');
  // Someone else's state folder, there (the registry prunes the ones that are gone).
  mkdirSync(join(dir, 'else', '.parallel'), { recursive: true });
  writeFileSync(registry, `${join(dir, 'else', '.parallel')}\n`);
  const env = {
    PATH: [binDir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean).join(':'),
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    PARALLEL_PORT_REGISTRY: registry,
  };
  return new Promise((resolve) => {
    const child = spawn('make', ['-s', '--no-print-directory', '-f', MAKEFILE, 'doctor', 'live=1', `agent=${agent}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, tmp, registry, before: `${join(dir, 'else', '.parallel')}\n` }));
  });
}

const lines = (r: Ran) => r.stdout.split('\n');

describe('make doctor live=1', () => {
  for (const agent of ['claude', 'codex'] as const)
  test(`${agent}: version, events, states, the denied edit; exit 0; nothing left behind`, async (ctx) => {
    const why = whyMissing(agent);
    if (why) ctx.skip(why);
    const r = await doctorLive(agent, dirname(agentBinary(agent)!));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = lines(r);
    expect(out.find((l) => l.trim().startsWith('version:'))).toMatch(agent === 'claude' ? /version: 2\.\d+\.\d+ \(Claude Code\)/ : /version: codex-cli \d+\.\d+\.\d+/);
    for (const e of ['UserPromptSubmit', 'PreToolUse', 'Stop']) expect(out.some((l) => l.trim().startsWith(`event: ${e}`)), e).toBe(true);
    const tool = agent === 'claude' ? 'Write' : 'apply_patch';
    expect(out).toContain(`  event: PreToolUse (${tool} guard: allow app/doctor-live.txt)`);
    expect(out).toContain(`  event: PreToolUse (${tool} guard: deny other/doctor-live.txt)`);
    for (const s of ['created -> running', 'running -> idle']) expect(out).toContain(`  state: ${s}`);
    expect(out).toContain('  state: idle -> ended (as the monitor reads it: the agent has exited)');
    expect(out).toContain('  allowed write app/doctor-live.txt: written');
    expect(out).toContain("  guarded write other/doctor-live.txt (doctor-other's component): denied, left unwritten");
    expect(r.stdout).toContain(`${agent}: ok `);
    // Nothing behind: the throwaway folders are gone, the registry holds only what it held before.
    expect(readdirSync(r.tmp)).toEqual([]);
    expect(readFileSync(r.registry, 'utf8')).toBe(r.before);
  }, 180_000);

  const OTHERS = {
    gemini: { version: /version: 0\.\d+\.\d+$/, events: ['BeforeAgent', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'], tool: 'write_file', states: ['created -> running', 'running -> idle', 'idle -> ended'] },
    opencode: { version: /version: 1\.\d+\.\d+$/, events: ['session.status', 'tool.execute.before', 'tool.execute.after', 'session.idle'], tool: 'write', states: ['created -> running', 'running -> idle'] },
  } as const;
  for (const agent of ['gemini', 'opencode'] as const)
  test(`${agent}: version, events, states, the denied edit; exit 0; nothing left behind`, async (ctx) => {
    const why = whyMissing(agent);
    if (why) ctx.skip(why);
    const want = OTHERS[agent];
    const r = await doctorLive(agent, dirname(agentBinary(agent)!));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = lines(r);
    expect(out.find((l) => l.trim().startsWith('version:'))?.trim()).toMatch(want.version);
    for (const e of want.events) expect(out.some((l) => l.trim().startsWith(`event: ${e}`)), e).toBe(true);
    expect(out.map((l) => l.trim())).toContain(`event: ${agent === 'gemini' ? 'BeforeTool' : 'tool.execute.before'} (${want.tool} guard: allow app/doctor-live.txt)`);
    expect(out.map((l) => l.trim())).toContain(`event: ${agent === 'gemini' ? 'BeforeTool' : 'tool.execute.before'} (${want.tool} guard: deny other/doctor-live.txt)`);
    for (const s of want.states) expect(out).toContain(`  state: ${s}`);
    expect(out).toContain('  allowed write app/doctor-live.txt: written');
    expect(out).toContain("  guarded write other/doctor-live.txt (doctor-other's component): denied, left unwritten");
    expect(out).toContain('  the deny reason reached the model: yes');
    expect(r.stdout).toContain(`${agent}: ok `);
    expect(readdirSync(r.tmp)).toEqual([]);
    expect(readFileSync(r.registry, 'utf8')).toBe(r.before);
  }, 180_000);

  test('a binary not on PATH: one line that says so, exit 1, nothing made', async () => {
    const r = await doctorLive('claude', null);
    expect(r.code).toBe(2); // make's own exit status for a recipe that failed (the command exited 1)
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^claude: NO +claude is not on PATH \(/);
    expect(readdirSync(r.tmp)).toEqual([]);
    expect(readFileSync(r.registry, 'utf8')).toBe(r.before);
  });
});
