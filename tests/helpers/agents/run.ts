// Running the real agent CLIs offline in tests: their binaries from the cache (install.mjs), a clean
// environment of their own (temp HOME, XDG folders, CODEX_HOME, CLAUDE_CONFIG_DIR, TMPDIR, nothing else
// from the machine), the configuration for an unattended run against the scripted model server
// (model-server.ts), headless runs, and interactive runs under tmux (Claude, Codex).
// Facts behind each setting: docs/agents-offline.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelServer } from './model-server.ts';
import { PINNED, pinnedBinary, pinnedVersion } from '../../../scripts/lib/agents/pinned.mjs';

export type Agent = 'claude' | 'codex' | 'gemini' | 'opencode';
export const AGENTS: Agent[] = ['claude', 'codex', 'gemini', 'opencode'];

/** The pinned versions: one table, scripts/lib/agents/pinned.mjs (install.mjs reads it too). */
export { PINNED };

const HERE = dirname(fileURLToPath(import.meta.url));
export const KIT = resolve(HERE, '../../..');
export const CAPTURE = join(HERE, 'capture.mjs');

export function agentVersion(agent: Agent): string {
  return pinnedVersion(agent, process.env);
}

/**
 * The agent's binary, or null when it is not installed. PARALLEL_TEST_<AGENT>_BIN=/path/to/binary uses
 * that binary; PARALLEL_TEST_<AGENT>_VERSION=x.y.z a version installed by install.mjs with the same variable.
 */
export function agentBinary(agent: Agent): string | null {
  return pinnedBinary(agent, KIT, process.env);
}

/** Why the agent's tests skip (one line), or null when they can run. */
export function whyMissing(agent: Agent): string | null {
  if (agentBinary(agent)) return null;
  return `${PINNED[agent].pkg}@${agentVersion(agent)} is not installed: node tests/helpers/agents/install.mjs ${agent}`;
}

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export const CLAUDE_KEY = 'sk-ant-api03-offline-test-key-0123456789abcdefghij';
export const CLAUDE_MODEL = 'claude-sonnet-4-5';
// The offline settings the kit's own make doctor live=1 uses too: one copy, in the kit.
export { CODEX_MODEL, CODEX_UPGRADE, GEMINI_MODEL } from '../../../scripts/lib/agents/offline.ts';
import { codexOfflineConfig, GEMINI_MODEL } from '../../../scripts/lib/agents/offline.ts';

/** A private world for one agent run: HOME and the rest under one temp folder. */
export interface AgentHome {
  agent: Agent;
  root: string;
  home: string;
  tmp: string;
  env: Record<string, string>;
}

const made: string[] = [];
/** Removes every AgentHome made so far (call in afterAll; KEEP_TMP=1 keeps them). */
export function cleanupHomes(): void {
  if (process.env.KEEP_TMP) return;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}


export interface HomeOptions {
  /** The folder the agent works in (trusted in the agent's config). */
  cwd: string;
  server: ModelServer;
  /** Interactive set-up (Codex: on-request approvals in a read-only sandbox). */
  interactive?: boolean;
  /** Codex: the notify command (the JSON arrives as one more argument). */
  notify?: string[];
}

export function makeHome(agent: Agent, opts: HomeOptions): AgentHome {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `kit-agent-${agent}-`)));
  made.push(root);
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  for (const d of [home, tmp]) mkdirSync(d, { recursive: true });
  const bin = agentBinary(agent);
  const env: Record<string, string> = {
    PATH: [bin ? dirname(bin) : '', dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean).join(':'),
    HOME: home,
    USER: 'tester',
    LOGNAME: 'tester',
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    GIT_AUTHOR_NAME: 'Kit Test',
    GIT_AUTHOR_EMAIL: 'kit@example.test',
    GIT_COMMITTER_NAME: 'Kit Test',
    GIT_COMMITTER_EMAIL: 'kit@example.test',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const url = opts.server.url;
  const cwd = opts.cwd;
  if (agent === 'claude') {
    const dir = join(home, '.claude');
    mkdirSync(dir, { recursive: true });
    Object.assign(env, {
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: CLAUDE_KEY,
      ANTHROPIC_MODEL: CLAUDE_MODEL,
      ANTHROPIC_SMALL_FAST_MODEL: CLAUDE_MODEL,
      CLAUDE_CONFIG_DIR: dir,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    });
    // Pre-answers the interactive interface's onboarding, folder trust and API-key questions.
    writeFileSync(
      join(dir, '.claude.json'),
      JSON.stringify(
        {
          hasCompletedOnboarding: true,
          customApiKeyResponses: { approved: [CLAUDE_KEY.slice(-20)], rejected: [] },
          projects: { [cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
        },
        null,
        2,
      ),
    );
  } else if (agent === 'codex') {
    const dir = join(home, '.codex');
    mkdirSync(dir, { recursive: true });
    Object.assign(env, { CODEX_HOME: dir, FAKE_API_KEY: 'offline-test' });
    writeFileSync(join(dir, 'config.toml'), codexOfflineConfig({ url, cwd, interactive: opts.interactive, notify: opts.notify }));
  } else if (agent === 'gemini') {
    const dir = join(home, '.gemini');
    mkdirSync(dir, { recursive: true });
    Object.assign(env, { GEMINI_API_KEY: 'offline-test', GOOGLE_GEMINI_BASE_URL: url, GEMINI_CLI_TRUST_WORKSPACE: 'true' });
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify(
        {
          security: { auth: { selectedType: 'gemini-api-key' } },
          privacy: { usageStatisticsEnabled: false },
          telemetry: { enabled: false },
          general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
          model: { name: GEMINI_MODEL },
          hooksConfig: { enabled: true },
        },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, 'trustedFolders.json'), JSON.stringify({ [cwd]: 'TRUST_FOLDER' }));
  } else {
    const dir = join(env.XDG_CONFIG_HOME!, 'opencode');
    mkdirSync(join(dir, 'plugins'), { recursive: true });
    Object.assign(env, {
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_SHARE: '1',
    });
    writeFileSync(
      join(dir, 'opencode.json'),
      JSON.stringify(
        {
          $schema: 'https://opencode.ai/config.json',
          provider: { fake: { npm: '@ai-sdk/openai-compatible', name: 'fake', options: { baseURL: url + '/v1', apiKey: 'x' }, models: { m: { name: 'm', tool_call: true } } } },
          model: 'fake/m',
          small_model: 'fake/m',
          enabled_providers: ['fake'],
          autoupdate: false,
          share: 'disabled',
          // The interactive interface asks before an edit (its default is to allow every edit).
          ...(opts.interactive ? { permission: { edit: 'ask' } } : {}),
        },
        null,
        2,
      ),
    );
    noPluginInstall(dir);
  }
  return { agent, root, home, tmp, env };
}

/**
 * OpenCode npm-installs @opencode-ai/plugin into every config folder it reads (registry, ~5 s). It skips
 * that when node_modules/ exists and package-lock.json lists the dependency: give it both.
 */
export function noPluginInstall(dir: string): void {
  const dep = { '@opencode-ai/plugin': agentVersion('opencode') };
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: dep }, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: basename(dir), lockfileVersion: 3, requires: true, packages: { '': { dependencies: dep } } }, null, 2),
  );
}

/** Every hook event of each agent (the capture configuration registers them all). */
export const EVENTS: Record<Exclude<Agent, 'opencode'>, string[]> = {
  claude: [
    'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch',
    'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'PreCompact', 'SessionEnd',
  ],
  codex: [
    'SessionStart', 'UserPromptSubmit', 'PreModelRequest', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Stop', 'SessionEnd',
    'PreCompact', 'PostCompact', 'SubagentStart', 'SubagentStop', 'Interrupt',
  ],
  gemini: [
    'SessionStart', 'SessionEnd', 'BeforeAgent', 'AfterAgent', 'BeforeModel', 'AfterModel', 'BeforeToolSelection', 'BeforeTool',
    'AfterTool', 'PreCompress', 'Notification',
  ],
};

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const captureCommand = (log: string, agent: Agent, event: string) => [process.execPath, CAPTURE, log, agent, event].map(q).join(' ');

/**
 * Writes a configuration that runs the capture command (capture.mjs, appending to `log`) on every event:
 * Claude a --settings file, Codex a hooks.json, Gemini a settings.json with `hooks`, OpenCode a plugin.
 * Returns the file, for runHeadless's `settingsFile`.
 */
export function captureSettings(agent: Agent, dir: string, log: string): string {
  mkdirSync(dir, { recursive: true });
  if (agent === 'opencode') {
    const file = join(dir, 'capture-plugin.js');
    writeFileSync(
      file,
      `import { appendFileSync } from 'node:fs';
const LOG = ${JSON.stringify(log)};
const put = (event, payload) => appendFileSync(LOG, JSON.stringify({ agent: 'opencode', event, payload, at: Date.now() }) + '\\n');
export const Capture = async () => ({
  event: async ({ event }) => put(event.type, event),
  'tool.execute.before': async (input, output) => put('tool.execute.before', { input, output }),
  'tool.execute.after': async (input, output) => put('tool.execute.after', { input, output }),
  'permission.ask': async (input, output) => put('permission.ask', { input, output }),
});
`,
    );
    return file;
  }
  const hooks: Record<string, unknown[]> = {};
  for (const event of EVENTS[agent]) {
    const handler: Record<string, unknown> = { type: 'command', command: captureCommand(log, agent, event), timeout: agent === 'gemini' ? 10_000 : agent === 'codex' && (event === 'SessionEnd' || event === 'Interrupt') ? 3 : 30 };
    if (agent === 'gemini') handler.name = `capture-${event}`;
    hooks[event] = [{ matcher: agent === 'claude' ? '' : '*', hooks: [handler] }];
    if (agent === 'codex' && !['PreToolUse', 'PermissionRequest', 'PostToolUse'].includes(event)) delete (hooks[event]![0] as any).matcher;
  }
  const file = join(dir, agent === 'codex' ? 'hooks.json' : `${agent}-settings.json`);
  writeFileSync(file, JSON.stringify({ hooks }, null, 2));
  return file;
}

/** Installs a settingsFile into the agent's home (Codex hooks.json, Gemini hooks, OpenCode plugin). */
function installSettings(h: AgentHome, file: string): string[] {
  if (h.agent === 'claude') return ['--settings', file];
  if (h.agent === 'codex') {
    copyFileSync(file, join(h.env.CODEX_HOME!, 'hooks.json'));
    // Trust entries need Codex's own hashes; the test runs use the per-invocation bypass instead.
    return ['--dangerously-bypass-hook-trust'];
  }
  if (h.agent === 'gemini') {
    const settings = join(h.home, '.gemini', 'settings.json');
    const s = JSON.parse(readFileSync(settings, 'utf8'));
    s.hooks = { ...(s.hooks ?? {}), ...JSON.parse(readFileSync(file, 'utf8')).hooks };
    writeFileSync(settings, JSON.stringify(s, null, 2));
    return [];
  }
  copyFileSync(file, join(h.env.XDG_CONFIG_HOME!, 'opencode', 'plugins', basename(file)));
  return [];
}

export interface RunOptions {
  cwd: string;
  prompt: string;
  server: ModelServer;
  /** Claude --settings file; Codex hooks.json; Gemini settings with `hooks`; OpenCode plugin file. */
  settingsFile?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  /** Codex notify command. */
  notify?: string[];
  /** A home made before (makeHome), e.g. to look into it afterwards. */
  home?: AgentHome;
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  home: AgentHome;
}

function headlessArgs(agent: Agent, prompt: string, cwd: string): string[] {
  switch (agent) {
    case 'claude':
      return ['-p', prompt, '--output-format', 'json', '--permission-mode', 'acceptEdits'];
    case 'codex':
      return ['exec', '--json', '--skip-git-repo-check', '-C', cwd, prompt];
    case 'gemini':
      return ['-p', prompt, '--approval-mode', 'auto_edit'];
    case 'opencode':
      return ['run', '--title', 'test', prompt];
  }
}

/** Runs the agent headless (stdin /dev/null) in a clean environment; never throws on a bad exit. */
export function runHeadless(agent: Agent, opts: RunOptions): Promise<RunResult> {
  const bin = agentBinary(agent);
  if (!bin) throw new Error(whyMissing(agent)!);
  const home = opts.home ?? makeHome(agent, { cwd: opts.cwd, server: opts.server, notify: opts.notify });
  const pre = opts.settingsFile ? installSettings(home, opts.settingsFile) : [];
  const args = headlessArgs(agent, opts.prompt, opts.cwd);
  // Codex takes its flags before the prompt (the last argument), the others anywhere.
  const all = agent === 'codex' ? [...args.slice(0, -1), ...pre, ...(opts.extraArgs ?? []), args.at(-1)!] : [...args, ...pre, ...(opts.extraArgs ?? [])];
  const env = { ...home.env, ...(opts.env ?? {}) };
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(bin, all, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child.pid), opts.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever it left behind in its process group goes too.
      killGroup(child.pid);
      resolve({ code: code ?? (signal ? 128 : null), stdout, stderr, ms: Date.now() - t0, home });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

/** The capture log's lines. */
export interface Captured {
  agent: string;
  event: string;
  argv?: string[];
  payload: any;
  at: number;
}

export function readCaptured(log: string): Captured[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Captured);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * An agent's interactive interface in a tmux session on a socket of its own (`tmux -L`, its folder in
 * the run's TMPDIR), started under `env -i` with the agent's clean environment.
 */
export class TmuxAgent {
  readonly socket: string;
  pid = 0;
  private tmuxEnv: Record<string, string>;
  private server: string[];
  /** What send-keys and capture-pane aim at: the session `agent`, or the pane a kit launch opened. */
  private target = 'agent';
  constructor(
    readonly home: AgentHome,
    private cwd: string,
  ) {
    this.socket = `kit-${process.pid}-${basename(home.root)}`;
    this.server = ['-L', this.socket, '-f', '/dev/null'];
    this.tmuxEnv = { PATH: home.env.PATH!, HOME: home.home, TMUX_TMPDIR: home.tmp, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  }

  /** The pane of a window `make launch` opened (its launch.json names the socket and the pane). */
  static inPane(home: AgentHome, socketPath: string, paneId: string, pid: number): TmuxAgent {
    const t = new TmuxAgent(home, home.root);
    t.server = ['-S', socketPath];
    t.target = paneId;
    t.pid = pid;
    return t;
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', [...this.server, ...args], { env: this.tmuxEnv, encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
    return r.stdout;
  }

  start(bin: string, args: string[], env: Record<string, string> = {}): void {
    const vars = Object.entries({ ...this.home.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', ...env }).map(([k, v]) => `${k}=${v}`);
    this.tmux('new-session', '-d', '-s', 'agent', '-x', '160', '-y', '48', '-c', this.cwd, '--', 'env', '-i', ...vars, bin, ...args);
    this.pid = Number(this.tmux('display-message', '-p', '-t', 'agent', '#{pane_pid}').trim());
  }

  screen(): string {
    try {
      return this.tmux('capture-pane', '-p', '-t', this.target);
    } catch {
      return '';
    }
  }

  /** Types text literally; Enter goes separately (text and Enter at once reads as a paste). */
  async type(text: string, enter = true): Promise<void> {
    this.tmux('send-keys', '-t', this.target, '-l', text);
    if (enter) {
      await sleep(300);
      this.tmux('send-keys', '-t', this.target, 'Enter');
    }
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.target, ...keys);
  }

  /**
   * Answers a question on screen: sends the keys, and sends them again while the question stays up.
   * Under load an interface can draw a dialog a moment before it reads keys, and drops what came first.
   */
  async answer(question: RegExp, keys: string[], literal = false, tries = 4): Promise<void> {
    for (let i = 0; i < tries; i++) {
      this.tmux('send-keys', '-t', this.target, ...(literal ? ['-l'] : []), ...keys);
      const end = Date.now() + 5_000;
      while (Date.now() < end) {
        await sleep(250);
        if (!question.test(this.screen())) return;
      }
    }
    throw new Error(`the question stayed on screen after ${tries} answers`);
  }

  alive(): boolean {
    if (!this.pid) return false;
    try {
      // A zombie (exited, not yet reaped by the tmux server) counts as gone.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      return !/^\d+ \(.*\) Z/s.test(stat);
    } catch {
      try {
        process.kill(this.pid, 0);
        return true;
      } catch {
        return false;
      }
    }
  }

  /** Ends the agent's process group (it can outlive kill-session), then the tmux server. */
  async stop(): Promise<void> {
    if (this.pid) killGroup(this.pid, 'SIGTERM');
    await waitFor('the agent to end', () => !this.alive(), 2_000).catch(() => killGroup(this.pid, 'SIGKILL'));
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
    await waitFor('the agent to be gone', () => !this.alive(), 3_000).catch(() => undefined);
  }
}

/** Starts an agent's interactive interface under tmux (Claude: acceptEdits off, default mode; Codex: --no-daemon). */
export function startInteractive(agent: 'claude' | 'codex', opts: { cwd: string; server: ModelServer; settingsFile?: string; extraArgs?: string[]; env?: Record<string, string> }): TmuxAgent {
  const bin = agentBinary(agent);
  if (!bin) throw new Error(whyMissing(agent)!);
  const home = makeHome(agent, { cwd: opts.cwd, server: opts.server, interactive: true });
  const pre = opts.settingsFile ? installSettings(home, opts.settingsFile) : [];
  const args = agent === 'codex' ? ['--no-daemon', ...pre, ...(opts.extraArgs ?? [])] : [...pre, ...(opts.extraArgs ?? [])];
  const t = new TmuxAgent(home, opts.cwd);
  t.start(bin, args, opts.env);
  return t;
}
