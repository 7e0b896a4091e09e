// make doctor: per session, which agent it runs, whether the kit's hooks are where that agent reads them,
// what the kit cannot see (the agent's binary not on PATH), and one synthetic event through the very
// command the agent runs (node <kit>/dist/hook.cjs <agent> <event> dir=...), against a throwaway copy
// of the session's state folder: the user's session never sees a fake state.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { Context } from '../config/context.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { gitRaw } from '../git/repo.ts';
import { readSessions } from '../store/sessions.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { CLAUDE_SETTINGS_FILE, claudeSettings } from './claude.ts';
import { customHook } from './custom.ts';
import { CLAUDE_SETTINGS } from './install-claude.ts';
import { hookArgv } from './launch.ts';
import { GEMINI_SETTINGS } from './gemini.ts';
import { codexFiles, codexHome } from './install-codex.ts';
import { OPENCODE_DIR } from './opencode.ts';
import { resolveAgent } from './setup.ts';

export interface DoctorCheck {
  what: string;
  ok: boolean;
  detail: string;
}

export interface SyntheticEvent {
  event: string;
  before: string | null;
  after: string | null;
  /** Whether the event changed the state (in the throwaway copy). */
  changed: boolean;
  error: string | null;
}

export interface DoctorSession {
  name: string;
  /** The agent of the session (agent= or the config's), its kind, and the binary it starts. */
  agent: string | null;
  kind: string | null;
  binary: string | null;
  /** The binary found on PATH, or null. */
  binary_path: string | null;
  checks: DoctorCheck[];
  event: SyntheticEvent | null;
  ok: boolean;
}

const HOOK = () => join(KIT_DIR, 'dist', 'hook.cjs');

const readOr = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** `command` on the PATH of `env` (or as given when it holds a slash), or null. */
export function onPath(command: string, env: NodeJS.ProcessEnv): string | null {
  const exec = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return exec(command) ? command : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && isAbsolute(dir) && exec(join(dir, command))) return join(dir, command);
  return null;
}

/** The synthetic event of each agent: one that asks the person (waiting_input), as the agent sends it. */
const SYNTHETIC: Record<string, { event: string; payload: (cwd: string) => Record<string, unknown> }> = {
  claude: { event: 'Notification', payload: (cwd) => ({ hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'make doctor: a synthetic event', cwd, session_id: 'doctor' }) },
  codex: { event: 'PermissionRequest', payload: (cwd) => ({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', cwd, session_id: 'doctor' }) },
  gemini: { event: 'Notification', payload: (cwd) => ({ hook_event_name: 'Notification', notification_type: 'ToolPermission', message: 'make doctor: a synthetic event', cwd, session_id: 'doctor' }) },
  opencode: { event: 'permission.asked', payload: (cwd) => ({ type: 'permission.asked', properties: { title: 'make doctor: a synthetic event', sessionID: 'doctor' }, cwd }) },
  aider: { event: 'notification', payload: () => ({}) },
  // A custom command reports through bin/parallel-hook, whose event is the state itself.
  custom: { event: 'waiting_input', payload: () => ({ message: 'make doctor: a synthetic event' }) },
};

const stateOf = (dir: string): string | null => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { state?: string }).state ?? null;
  } catch {
    return null;
  }
};

/** Fires the agent's synthetic event through dist/hook.cjs into a throwaway copy of the session's folder. */
export function fireSynthetic(kind: string, sessionDir: string, workspace: string, name: string, cwd: string, callerEnv: NodeJS.ProcessEnv): SyntheticEvent {
  const spec = SYNTHETIC[kind] as (typeof SYNTHETIC)[string];
  const scratch = mkdtempSync(join(tmpdir(), 'kit-doctor-'));
  try {
    const copy = join(scratch, workspace, name);
    cpSync(sessionDir, copy, { recursive: true });
    const before = stateOf(copy);
    const env = Object.fromEntries(Object.entries(callerEnv).filter(([k]) => !k.startsWith('PARALLEL_') && !k.startsWith('MAKE')));
    const r = spawnSync(process.execPath, [HOOK(), kind, spec.event, `dir=${copy}`], { input: JSON.stringify(spec.payload(cwd)), env, encoding: 'utf8', timeout: 10_000 });
    const after = stateOf(copy);
    const error = r.status !== 0 ? `the hook exited ${r.status}: ${r.stderr.trim().slice(0, 200)}` : after === before ? hookError(copy) : null;
    return { event: spec.event, before, after, changed: after !== before, error };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The hook's own complaint in the copy's log, if any. */
function hookError(dir: string): string | null {
  const lines = (readOr(join(dir, 'log.jsonl')) ?? '').split('\n').filter(Boolean);
  for (const l of lines.reverse()) {
    try {
      const e = JSON.parse(l) as { event?: string; message?: string; ignored?: string };
      if (e.event === 'hook_error') return e.message ?? 'hook error';
      if (e.event === 'agent') return e.ignored ? `logged, no state change (${e.ignored})` : null;
    } catch {
      /* a torn line */
    }
  }
  return 'the hook left no line in log.jsonl';
}

async function backstop(ctx: Context): Promise<DoctorCheck> {
  const hooksPath = await gitRaw(ctx.main, ['config', '--get', 'core.hooksPath']);
  const common = await gitRaw(ctx.main, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const dir = hooksPath.code === 0 && hooksPath.stdout.trim() ? hooksPath.stdout.trim() : join(common.stdout.trim(), 'hooks');
  const installed = (readOr(join(dir, 'pre-commit')) ?? '').includes('parallel-kit: the commit-time backstop');
  return { what: 'git backstop', ok: true, detail: installed ? `installed (${join(dir, 'pre-commit')})` : 'not installed (optional: make agent-setup agent=git apply=1)' };
}

function hooksOf(kind: string, r: SessionRecord, stateDir: string, env: NodeJS.ProcessEnv): DoctorCheck {
  const hook = HOOK();
  const what = 'hooks';
  switch (kind) {
    case 'claude': {
      const file = join(stateDir, CLAUDE_SETTINGS_FILE);
      const text = readOr(file);
      if (text === null) return { what, ok: false, detail: `${file} is missing (Claude is started with --settings ${file})` };
      if (!runsHookFor(text, stateDir)) return { what, ok: false, detail: `${file} does not run ${hook} for this session` };
      // claude -w: Claude reads the copy's own settings for the session it made (make agent-setup agent=claude).
      const local = r.path ? join(r.path, CLAUDE_SETTINGS) : null;
      const localText = local ? readOr(local) : null;
      if (local && localText?.includes(hook)) {
        return runsHookFor(localText, stateDir)
          ? { what, ok: true, detail: `${file} runs ${hook}, and ${local} (claude -w) too` }
          : { what, ok: false, detail: `${local} runs ${hook} for another session's folder: claude -w in this copy reports there (end the session and start it again with claude -w)` };
      }
      return { what, ok: true, detail: `${file} runs ${hook}` };
    }
    case 'codex': {
      let home: string;
      try {
        home = codexHome(env);
      } catch (err) {
        return { what, ok: false, detail: (err as Error).message };
      }
      const hooksFile = join(home, 'hooks.json');
      const hooksText = readOr(hooksFile);
      const [hooks, config] = codexFiles(home, KIT_DIR, () => readOr(hooksFile));
      const h = hooksText === null ? 'absent' : safeInspect(() => hooks!.inspect(hooksText));
      const configText = readOr(join(home, 'config.toml'));
      const t = configText === null ? 'absent' : safeInspect(() => config!.inspect(configText));
      if (h === 'intact' && t === 'intact') return { what, ok: true, detail: `${hooksFile}: the kit's hooks, trusted in config.toml` };
      return { what, ok: false, detail: `${hooksFile}: the kit's hooks ${h}, their trust in config.toml ${t}: run make agent-setup agent=codex apply=1${h === 'edited' || t === 'edited' ? ' (after remove=1)' : ''}` };
    }
    case 'gemini': {
      if (!r.path) return { what, ok: false, detail: "a branch-mode session has no copy: the user-level hooks of make agent-setup agent=gemini are Gemini's only ones" };
      const file = join(r.path, GEMINI_SETTINGS);
      const text = readOr(file);
      if (text === null) return { what, ok: false, detail: `${file} is missing` };
      return text.includes(hook) ? { what, ok: true, detail: `${file} runs ${hook}` } : { what, ok: false, detail: `${file} does not run ${hook}` };
    }
    case 'opencode': {
      const dir = join(stateDir, OPENCODE_DIR, 'plugins');
      const files = existsSync(dir) ? readdirSync(dir) : [];
      const kit = files.find((f) => (readOr(join(dir, f)) ?? '').includes(hook));
      return kit ? { what, ok: true, detail: `${join(dir, kit)} forwards to ${hook}` } : { what, ok: false, detail: `no plugin in ${dir} runs ${hook}` };
    }
    case 'custom':
      return { what, ok: true, detail: `a custom command: it reports through PARALLEL_HOOK (${customHook(KIT_DIR)}), given in its launch command` };
    default:
      return { what, ok: true, detail: "aider: its --notifications-command in the launch command (it has no tool hooks)" };
  }
}

/** Whether a settings text runs the hook's Stop command for this session's folder, as the kit writes it. */
function runsHookFor(text: string, stateDir: string): boolean {
  const want = JSON.stringify(claudeSettings({ stateDir, kitDir: KIT_DIR, hook: (event) => hookArgv(KIT_DIR, 'claude', stateDir, event) }).hooks.Stop?.[0]);
  try {
    const stops = (JSON.parse(text) as { hooks?: { Stop?: unknown[] } }).hooks?.Stop;
    return Array.isArray(stops) && stops.some((g) => JSON.stringify(g) === want);
  } catch {
    return false;
  }
}

function safeInspect(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
}

/** The doctor's findings for every live session of the workspace, or the one named. */
export async function doctor(ctx: Context, opts: { name?: string; env: NodeJS.ProcessEnv }): Promise<DoctorSession[]> {
  const { records } = readSessions(ctx.root, ctx.config.workspace);
  const list = records.filter((r) => r.state !== 'ended' && (!opts.name || r.name === opts.name)).sort((a, b) => a.name.localeCompare(b.name));
  const git = await backstop(ctx);
  // The hook's command and the bundle it runs (scripts/door.cjs).
  const missing = [HOOK(), join(dirname(HOOK()), 'hook-main.cjs')].filter((f) => !existsSync(f));
  const hookBuilt: DoctorCheck = missing.length ? { what: 'dist/hook.cjs', ok: false, detail: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: run make build` } : { what: 'dist/hook.cjs', ok: true, detail: HOOK() };
  const out: DoctorSession[] = [];
  for (const r of list) {
    const stateDir = join(ctx.root, ctx.config.workspace, r.name);
    let spec = null;
    let problem: string | null = null;
    try {
      spec = r.agent ? resolveAgent(ctx.config, r.agent) : null;
    } catch (err) {
      problem = (err as Error).message;
    }
    const checks: DoctorCheck[] = [hookBuilt];
    if (!r.agent) checks.push({ what: 'agent', ok: true, detail: 'none (new-session agent=none): nothing to check' });
    else if (!spec) checks.push({ what: 'agent', ok: false, detail: problem ?? `${r.agent}: not an agent the config knows` });
    // A custom agent's command is shell text that /bin/sh runs in the copy: the program to find is the shell.
    const binary = spec ? (spec.kind === 'custom' ? '/bin/sh' : spec.command) : null;
    const binaryPath = binary ? onPath(binary, opts.env) : null;
    if (spec) {
      checks.push(binaryPath ? { what: 'binary', ok: true, detail: binaryPath } : { what: 'binary', ok: false, detail: `${binary} is not on PATH (${opts.env.PATH ?? ''}): the kit cannot see it, so it cannot start it` });
      checks.push(hooksOf(spec.kind, r, stateDir, opts.env));
    }
    checks.push(git);
    const event = spec && hookBuilt.ok && existsSync(stateDir) ? fireSynthetic(spec.kind, stateDir, ctx.config.workspace, r.name, r.path ?? ctx.main, opts.env) : null;
    if (event && !event.changed && !event.error) event.error = 'the state did not change';
    out.push({ name: r.name, agent: r.agent ?? null, kind: spec?.kind ?? null, binary, binary_path: binaryPath, checks, event, ok: checks.every((c) => c.ok) && (!event || event.changed) });
  }
  return out;
}
