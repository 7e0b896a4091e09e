// make doctor live=1 [agent=A]: the user's own agent binary (on the command's PATH), run for real but
// offline, against the kit's scripted model server on 127.0.0.1, in a throwaway repository with a
// throwaway HOME (CODEX_HOME, CLAUDE_CONFIG_DIR, XDG folders): its version, each event as it arrives in
// the session's log.jsonl, the states it goes through, and one guarded edit denied (the script writes
// once in the session's component, once in another live session's, which must be denied and left
// unwritten). Nothing stays behind: the folder goes, and the caller forgets the state folder in the
// machine-wide port registry. The agent runs under a minimal environment that points at the local
// server only (docs/agents-offline.md): it never reaches a real service and costs no tokens.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { KIT_DIR } from '../core/kit-dir.ts';
import { processAlive } from '../tracker/proc.ts';
import { onPath } from './doctor.ts';
import { codexKitHooks, offlineEnv } from './offline-env.ts';
import { startModelServer, writeTurn, type ModelServer, type Turn } from './model-server.ts';

export const LIVE_AGENTS = ['claude', 'codex', 'gemini', 'opencode'] as const;
export type LiveAgent = (typeof LIVE_AGENTS)[number];

/** What the caller (scripts/doctor.ts) does with the kit's session library, which agents/ may not import. */
export interface LiveDeps {
  /** Creates a session in `repo` (its config, the environment `env`); returns its launch words, copy and state folder. */
  newSession(repo: string, env: NodeJS.ProcessEnv, input: { name: string; component: string; agent: string }): Promise<{ argv: string[] | null; copy: string | null; stateDir: string; root: string }>;
  /** Takes a state folder out of the machine-wide port registry of `env`. */
  forgetRoot(root: string, env: NodeJS.ProcessEnv): Promise<void>;
}

export interface LiveResult {
  agent: LiveAgent;
  binary: string | null;
  version: string | null;
  events: string[];
  states: string[];
  denied: boolean;
  missing: string[];
  ok: boolean;
}

/**
 * The events each agent must reach the kit's hook with, headless (of those the kit registers; Claude's and
 * Codex's PostToolUse while the state says running, and their SessionEnd after Stop, end in bin/hook-unless:
 * docs/agents.md "What a hook costs").
 */
export const LIVE_EVENTS: Record<LiveAgent, string[]> = {
  claude: ['UserPromptSubmit', 'PreToolUse', 'Stop'],
  codex: ['UserPromptSubmit', 'PreToolUse', 'Stop'],
  gemini: ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'],
  opencode: ['session.created', 'tool.execute.before', 'tool.execute.after', 'session.idle'],
};

const CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
mode: worktree
components:
  app: { paths: [app/], description: The doctor's session }
  other: { paths: [other/], description: Another session's }
`;

/** The agent's binary: PARALLEL_TEST_<AGENT>_BIN, else its command on the caller's PATH. */
export function liveBinary(agent: LiveAgent, env: NodeJS.ProcessEnv): string | null {
  const given = env[`PARALLEL_TEST_${agent.toUpperCase()}_BIN`];
  if (given) return onPath(given.includes('/') ? given : `./${given}`, env);
  return onPath(agent, env);
}

function headless(agent: LiveAgent, prompt: string, cwd: string): string[] {
  switch (agent) {
    case 'claude':
      return ['-p', prompt, '--permission-mode', 'acceptEdits', '--output-format', 'json'];
    case 'codex':
      return ['exec', '--json', '-C', cwd, prompt];
    case 'gemini':
      return ['-p', prompt, '--approval-mode', 'auto_edit'];
    case 'opencode':
      return ['run', '--title', 'doctor', prompt];
  }
}

function git(cwd: string, env: Record<string, string>, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim()}`);
}

interface LogLine {
  event?: string;
  hook_event?: string;
  tool?: string;
  state?: string;
  decision?: string;
  [k: string]: unknown;
}

const readLines = (file: string): LogLine[] => {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: LogLine[] = [];
  for (const l of text.split('\n')) {
    if (!l.endsWith('}')) continue;
    try {
      out.push(JSON.parse(l) as LogLine);
    } catch {
      /* a torn line: read again on the next look */
    }
  }
  return out;
};

const statusOf = (dir: string): { state?: string; pid?: number | null } | null => {
  try {
    return JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { state?: string; pid?: number | null };
  } catch {
    return null;
  }
};
const stateOf = (dir: string): string | null => statusOf(dir)?.state ?? null;

/** One live check of `agent`; `print` gets each line as it happens. Never throws. */
export async function doctorLive(agent: LiveAgent, callerEnv: NodeJS.ProcessEnv, deps: LiveDeps, print: (line: string) => void): Promise<LiveResult> {
  const result: LiveResult = { agent, binary: null, version: null, events: [], states: [], denied: false, missing: [], ok: false };
  const bin = liveBinary(agent, callerEnv);
  if (!bin) {
    const given = callerEnv[`PARALLEL_TEST_${agent.toUpperCase()}_BIN`];
    result.missing.push(given ? `${given} (PARALLEL_TEST_${agent.toUpperCase()}_BIN) is not an executable file` : `${agent} is not on PATH (${callerEnv.PATH ?? ''})`);
    return result;
  }
  result.binary = bin;
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), `kit-doctor-live-${agent}-`)));
  let server: ModelServer | null = null;
  let root: string | null = null;
  let pid: number | undefined;
  try {
    const repo = join(scratch, 'repo');
    const kitHome = join(scratch, 'kit-home');
    mkdirSync(join(repo, 'app'), { recursive: true });
    mkdirSync(join(repo, 'other'), { recursive: true });
    mkdirSync(kitHome);
    // The kit's own commands: the caller's PATH (newSession adds the caller's port registry), nothing else.
    const kitEnv: Record<string, string> = {
      PATH: callerEnv.PATH ?? '/usr/bin:/bin',
      HOME: kitHome,
      LANG: 'C.UTF-8',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Kit Doctor',
      GIT_AUTHOR_EMAIL: 'doctor@example.invalid',
      GIT_COMMITTER_NAME: 'Kit Doctor',
      GIT_COMMITTER_EMAIL: 'doctor@example.invalid',
    };
    writeFileSync(join(repo, 'parallel.config.yaml'), CONFIG);
    writeFileSync(join(repo, 'app', 'README.md'), 'The doctor session\'s component.\n');
    writeFileSync(join(repo, 'other', 'README.md'), 'Another session\'s component.\n');
    git(repo, kitEnv, 'init', '-q', '-b', 'main');
    git(repo, kitEnv, 'add', '-A');
    git(repo, kitEnv, 'commit', '-q', '-m', 'a sample commit');

    server = await startModelServer();
    const other = await deps.newSession(repo, kitEnv, { name: 'doctor-other', component: 'other', agent: 'none' });
    root = other.root;
    const s = await deps.newSession(repo, kitEnv, { name: 'doctor-live', component: 'app', agent });
    const copy = s.copy!;
    if (!s.argv) throw new Error(`new-session agent=${agent} gave no launch command`);
    const env = offlineEnv(agent, { dir: scratch, bin, cwd: copy, url: server.url, node: process.execPath });
    if (agent === 'codex') codexKitHooks(env.CODEX_HOME!, KIT_DIR);

    const v = spawnSync(bin, ['--version'], { env, encoding: 'utf8', timeout: 30_000, cwd: copy });
    result.version = `${v.stdout ?? ''}`.trim().split('\n')[0] || null;
    print(`${agent}: ${bin}`);
    print(`  version: ${result.version ?? `(none: exit ${v.status}${v.stderr ? `, ${v.stderr.trim().slice(0, 200)}` : ''})`}`);

    const allowed = join(copy, 'app', 'doctor-live.txt');
    const forbidden = join(copy, 'other', 'doctor-live.txt');
    const script: Turn[] = [writeTurn(agent, allowed, 'allowed\n', copy), writeTurn(agent, forbidden, 'must be denied\n', copy), { text: 'Done.' }];
    server.setScript(script);
    print(`  model: the kit's scripted server ${server.url} (offline); session doctor-live (component app), doctor-other holds other/`);
    const words = s.argv.map((w) => (w === agent ? bin : w));
    const argv = [...words, ...headless(agent, 'Write app/doctor-live.txt, then other/doctor-live.txt.', copy)];

    const log = join(s.stateDir, 'log.jsonl');
    let seenLines = 0;
    let lastState = stateOf(s.stateDir);
    if (lastState) result.states.push(lastState);
    print(`  state: ${lastState ?? '(none)'}`);
    const look = () => {
      const lines = readLines(log);
      for (const l of lines.slice(seenLines)) {
        const name = l.event === 'agent' ? String(l.hook_event ?? '?') : `${String(l.event ?? '?')} (the kit)`;
        if (l.event === 'agent') result.events.push(name);
        const extra = [l.tool ? String(l.tool) : '', l.decision ? `guard: ${String(l.decision)}` : '', l.ignored ? `ignored: ${String(l.ignored)}` : '', Array.isArray(l.paths) ? (l.paths as string[]).map((p) => basename(dirname(p)) + '/' + basename(p)).join(' ') : ''].filter(Boolean).join(' ');
        print(`  event: ${name}${extra ? ` (${extra})` : ''}`);
        if (l.decision === 'deny') result.denied = true;
        // The state each event set, from its log line: status.json, looked at every 100 ms, can pass over
        // a state that lasted less (Gemini's idle between AfterAgent and SessionEnd, on a busy machine).
        const st = l.event === 'agent' && !l.ignored && typeof l.state === 'string' ? l.state : null;
        if (st && st !== lastState) {
          print(`  state: ${lastState ?? '(none)'} -> ${st}`);
          result.states.push(st);
          lastState = st;
        }
      }
      seenLines = Math.max(seenLines, lines.length);
    };
    const ran = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      pid = child.pid;
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const tick = setInterval(look, 100);
      const timer = setTimeout(() => killGroup(pid), 120_000);
      child.on('error', (e) => {
        clearInterval(tick);
        clearTimeout(timer);
        resolve({ code: null, stderr: e.message, stdout });
      });
      child.on('close', (code) => {
        clearInterval(tick);
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
    killGroup(pid);
    look();
    print(`  ${agent} exited ${ran.code}`);
    // The session's end after its turn's goes no further than bin/hook-unless: status.json stays idle with
    // the agent's pid, and the monitor reads an idle session whose agent is gone as ended.
    const last = statusOf(s.stateDir);
    if (last?.state === 'idle' && typeof last.pid === 'number' && !processAlive(last.pid)) {
      print('  state: idle -> ended (as the monitor reads it: the agent has exited)');
      result.states.push('ended');
    }

    const wrote = existsSync(allowed);
    const leaked = existsSync(forbidden);
    print(`  allowed write app/doctor-live.txt: ${wrote ? 'written' : 'NOT written'}`);
    print(`  guarded write other/doctor-live.txt (doctor-other's component): ${result.denied ? 'denied' : 'NOT denied'}, ${leaked ? 'WRITTEN' : 'left unwritten'}`);
    const reached = server.requests.some((r) => JSON.stringify(r.body).includes('doctor-other'));
    if (result.denied) print(`  the deny reason reached the model: ${reached ? 'yes' : 'no'}`);

    if (!result.version) result.missing.push(`${agent} --version printed nothing`);
    if (ran.code !== 0) result.missing.push(`${agent} exited ${ran.code}: ${(ran.stderr || ran.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`);
    const absent = LIVE_EVENTS[agent].filter((e) => !result.events.includes(e));
    if (absent.length) result.missing.push(`events never logged: ${absent.join(', ')}`);
    if (new Set(result.states).size < 2) result.missing.push('the state never changed');
    if (!wrote) result.missing.push('the allowed write in app/ did not land');
    if (!result.denied) result.missing.push('the write into other/ was not denied');
    if (leaked) result.missing.push('the write into other/ landed');
  } catch (err) {
    result.missing.push((err as Error).message);
  } finally {
    killGroup(pid);
    await server?.close().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    if (root) await deps.forgetRoot(root, callerEnv).catch((e: Error) => result.missing.push(`could not forget ${root} in the port registry: ${e.message}`));
  }
  result.ok = result.missing.length === 0;
  return result;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
