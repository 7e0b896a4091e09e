// What the kit costs a real agent (issue 17): a scripted headless run of the pinned Claude Code and Codex
// CLIs against the kit's model server (a prompt, then a write, a read and a shell call, then text), with
// the session's hooks and guard exactly as new-session agent=<a> configures them (Codex: plus make
// agent-setup agent=codex apply=1 in its CODEX_HOME), against the same run with no hooks at all,
// alternately, each run in a throwaway HOME of its own. Then the hook on its own (hooks.ts). An agent
// that is not installed is reported as skipped, with the command that installs it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KIT_DIR } from '../core/kit-dir.ts';
import { writeGuardFile } from '../agents/guard.ts';
import { startModelServer, shellTurn, writeTurn, type ModelServer, type Turn } from '../agents/model-server.ts';
import { codexKitHooks, offlineEnv } from '../agents/offline-env.ts';
import { PINNED, pinnedBinary, pinnedVersion } from '../agents/pinned.mjs';
import { benchHook } from './hooks.ts';
import { MAKEFILE, sampleRepo, type BenchRun } from './sample.ts';
import { compare, median, type Comparison, type Timed } from './timing.ts';

type Agent = 'claude' | 'codex';

interface Session {
  name: string;
  component: string;
  copy: string;
  stateDir: string;
  argv: string[];
}

/** make new-session ... json=1 in `repo`, under the kit's own throwaway HOME. */
function newSession(repo: string, env: NodeJS.ProcessEnv, vars: Record<string, string>): Session {
  const r = spawnSync('make', ['-s', '--no-print-directory', '-f', MAKEFILE, 'new-session', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'json=1'], { cwd: repo, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make new-session ${vars.name}: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
  const j = JSON.parse(r.stdout) as { name: string; path: string; workspace: string; agent_argv: string[] | null };
  return { name: j.name, component: vars.component!, copy: j.path, stateDir: join(repo, '.parallel', j.workspace, j.name), argv: j.agent_argv ?? [] };
}

/** The headless run's flags (Claude: edits accepted and Bash allowed, as a person would run it unattended). */
function headless(agent: Agent, prompt: string, copy: string): string[] {
  return agent === 'claude' ? ['-p', prompt, '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', '--output-format', 'json'] : ['exec', '--json', '-C', copy, prompt];
}

/** A write, a read and a shell call, then text. */
function script(agent: Agent, copy: string, rel: string): Turn[] {
  const file = join(copy, rel);
  if (agent === 'claude') return [writeTurn('claude', file, 'written\n'), { tool: 'Read', input: { file_path: file } }, { tool: 'Bash', input: { command: 'echo ok', description: 'say ok' } }, { text: 'Done.' }];
  return [writeTurn('codex', file, 'written\n', copy), shellTurn(`cat ${rel}`), shellTurn('echo ok'), { text: 'Done.' }];
}

/** Runs argv to its end in its own process group; its wall time in ms. Throws when it fails. */
function timed(argv: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      if (code === 0) resolve(ms);
      else reject(new Error(`${argv[0]} exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`));
    });
  });
}

const t = (xs: number[]): Timed => ({ median_ms: Math.round(median(xs) * 10) / 10, runs: xs.length });
const linesOf = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

async function benchAgent(agent: Agent, s: Session, server: ModelServer, scratch: string, runs: number): Promise<Comparison> {
  const name = `${agent}-hooks`;
  const words = agent === 'claude' ? 'claude -p' : 'codex exec';
  const subject = `${words} with the kit's hooks and guard (a write, a read, a shell call)`;
  const bin = pinnedBinary(agent, KIT_DIR, process.env);
  if (!bin) return { ...compare(name, subject, t([0]), `${words} without hooks`, t([1]), 1.15), met: null, skipped: `${PINNED[agent].pkg}@${pinnedVersion(agent, process.env)} is not installed: node tests/helpers/agents/install.mjs ${agent}` };
  const kit = s.argv.map((w) => (w === agent ? bin : w));
  const withKit: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const hooks of [false, true]) {
      const dir = join(scratch, `${agent}-${i}-${hooks ? 'kit' : 'bare'}`);
      const rel = `${s.component}/cost-${agent}-${i}-${hooks ? 'kit' : 'bare'}.txt`;
      const env = offlineEnv(agent, { dir, bin, cwd: s.copy, url: server.url, node: process.execPath });
      if (hooks && agent === 'codex') codexKitHooks(env.CODEX_HOME!, KIT_DIR);
      server.setScript(script(agent, s.copy, rel));
      const logged = linesOf(join(s.stateDir, 'log.jsonl'));
      const ms = await timed([...(hooks ? kit : [bin]), ...headless(agent, 'Write, read, run.', s.copy)], s.copy, env);
      if (linesOf(join(s.copy, rel)) !== 1) throw new Error(`${agent}: the scripted write of ${rel} did not land`);
      const more = linesOf(join(s.stateDir, 'log.jsonl')) - logged;
      if (hooks && more === 0) throw new Error(`${agent}: the kit's hooks logged nothing: they did not run`);
      if (!hooks && more !== 0) throw new Error(`${agent}: the run without hooks reached the kit's hook`);
      (hooks ? withKit : without).push(ms);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return compare(name, subject, t(withKit), `${words} without hooks`, t(without), 1.15);
}

export async function benchAgents(b: BenchRun): Promise<Comparison[]> {
  const root = join(b.root, 'agents');
  const repo = sampleRepo(root, b.files);
  const kitHome = join(root, 'kit-home');
  const scratch = join(root, 'runs');
  for (const d of [kitHome, scratch]) mkdirSync(d, { recursive: true });
  // The kit's commands under a HOME of their own: no agent settings of the machine read, no port registry touched.
  const env: NodeJS.ProcessEnv = { ...process.env, ...b.env, HOME: kitHome };
  for (const k of Object.keys(env)) if (k.startsWith('PARALLEL_') || k === 'CODEX_HOME' || k === 'CLAUDE_CONFIG_DIR') delete env[k];
  const sessions = { claude: newSession(repo, env, { name: 'cost-claude', component: 'server', agent: 'claude' }), codex: newSession(repo, env, { name: 'cost-codex', component: 'docs', agent: 'codex' }) };
  // Other sessions' claims for the guard to read: one guard.json each, as new-session writes it.
  const peers = b.runs;
  for (let i = 0; i < peers; i++) writeGuardFile(join(repo, '.parallel', 'sessions', `peer${i}`), { version: 1, session: `peer${i}`, workspace: 'sessions', copy: join(root, `peer${i}`), main: repo, component: 'ui', paths: ['ui/'], shared: true, guard: 'deny' });
  const results = benchHook({ stateDir: sessions.claude.stateDir, copy: sessions.claude.copy, editPath: 'server/d1/new.txt', peers, runs: b.runs, env });
  const server = await startModelServer();
  try {
    for (const agent of ['claude', 'codex'] as const) results.push(await benchAgent(agent, sessions[agent], server, scratch, Math.max(10, b.runs)));
  } finally {
    await server.close();
  }
  return results;
}
