// What a launched window runs: the agent's recorded command with the prompt in the agent's own way, and
// the environment it gets (handed over in a file only its owner reads). No process is started here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import { KIT_DIR } from '../core/kit-dir.ts';
import { singleQuote } from '../core/shell.ts';

/** A word that ends the options of claude and codex: a prompt after it is never read as a flag or a subcommand. */
const END_OF_OPTIONS = '--';

/**
 * The agent's words for an interactive run in a window. `argv` is new-session's launch command (the kit's
 * hooks included). The prompt goes as an argument where the agent takes one (typed text followed by Enter
 * reads as a paste in some interfaces, and the Enter is lost): claude and codex a positional prompt after
 * `--`, gemini `--prompt-interactive=`, opencode `--prompt=`; a custom command gets it in PARALLEL_PROMPT
 * (see launchEnv). Codex runs with `--no-daemon`, so that its hooks run under the interface and nothing
 * outlives the window (docs/agents-offline.md).
 */
export function windowArgv(kind: string, argv: readonly string[], prompt: string | undefined): string[] {
  const words = [...argv];
  const p = prompt === undefined || prompt === '' ? null : prompt;
  switch (kind) {
    case 'claude':
      return p === null ? words : [...words, END_OF_OPTIONS, p];
    case 'codex':
      return [...words, '--no-daemon', ...(p === null ? [] : [END_OF_OPTIONS, p])];
    case 'gemini':
      return p === null ? words : [...words, `--prompt-interactive=${p}`];
    case 'opencode':
      return p === null ? words : [...words, `--prompt=${p}`];
    case 'aider':
      // --message sends it and exits: not an interactive session.
      if (p !== null) throw new UsageError("prompt= does not go to aider (its --message runs one message and exits); launch it without prompt= and type in its window");
      return words;
    default:
      return words;
  }
}

/** Variables of the caller that describe the caller's own terminal, make run or tmux client, not the agent's. */
const NOT_PASSED = new Set(['TMUX', 'TMUX_PANE', 'PWD', 'OLDPWD', 'SHLVL', '_', 'MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'MAKEFILES', 'MAKE_TERMOUT', 'MAKE_TERMERR', 'COLUMNS', 'LINES']);

export interface LaunchEnvInput {
  /** The caller's environment (HOME, PATH, the agent's keys), minus the command's own key=value options. */
  caller: NodeJS.ProcessEnv;
  /** The session's environment file: PORT and friends, profile variables, PARALLEL_*. */
  session: Record<string, string>;
  launchId: string;
  prompt?: string;
  /** The kit's hook for a custom command (bin/parallel-hook), in PARALLEL_HOOK. */
  hook: string;
}

export const LAUNCH_ID_VAR = 'PARALLEL_LAUNCH_ID';
export const PROMPT_VAR = 'PARALLEL_PROMPT';
export const HOOK_VAR = 'PARALLEL_HOOK';

/**
 * What of the caller's environment a process the kit starts for later gets (an agent's window, a plan's
 * orchestrator or runner): not the caller's terminal, make run or tmux client, and not a launch's own
 * variables. A caller that is itself a launched agent would otherwise hand its PARALLEL_LAUNCH_ID on, and
 * make stop on that agent would end what it started too.
 */
export function passedEnv(caller: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(caller)) {
    if (v === undefined || NOT_PASSED.has(k) || k === LAUNCH_ID_VAR || k === PROMPT_VAR || k === HOOK_VAR || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** The agent's environment: the caller's, the session's on top, then what the launch adds. */
export function launchEnv(input: LaunchEnvInput): Record<string, string> {
  const env = passedEnv(input.caller);
  Object.assign(env, input.session, { [LAUNCH_ID_VAR]: input.launchId, [PROMPT_VAR]: input.prompt ?? '', [HOOK_VAR]: input.hook });
  env.TERM ??= 'xterm-256color';
  return env;
}

/**
 * The window's words: `env`, `-u` for each variable the tmux server would add that the agent must not
 * have, then the agent's words. Never a single word: tmux hands a lone word to `sh -c` as text.
 */
export function envArgv(serverVars: readonly string[], env: Record<string, string>, argv: readonly string[]): string[] {
  const drop = serverVars.filter((k) => !(k in env) && k !== 'TMUX' && k !== 'TMUX_PANE');
  return ['env', ...drop.flatMap((k) => ['-u', k]), ...argv];
}

/** Names a shell keeps for itself (bash will not let a script set them): never in an env file. */
const SHELL_OWN = new Set(['PPID', 'UID', 'EUID', 'SHELLOPTS', 'BASHOPTS', 'BASH_VERSINFO', 'GROUPS']);

/** The text of an env file for bin/with-env: one `export NAME='value'` line each, every value single-quoted. */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !SHELL_OWN.has(k))
    .map(([k, v]) => `export ${k}=${singleQuote(v)}\n`)
    .join('');
}

/**
 * Writes the window's environment to a new file only its owner may read, for bin/with-env (which removes
 * it): tmux's `-e NAME=VALUE` would make every value, keys included, a word of the tmux client's command
 * line, which any user of the machine can read while it runs. Returns the words that go before the command.
 */
export function withEnvFile(dir: string, id: string, env: Record<string, string>): { words: string[]; file: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `.env-${id}`);
  writeFileSync(file, envFileText(env), { mode: 0o600, flag: 'wx' });
  return { words: [join(KIT_DIR, 'bin', 'with-env'), file], file };
}

/** The names `tmux show-environment -g` lists as set (a `-NAME` line is a removed one). */
export function setNames(showEnvironment: string): string[] {
  return showEnvironment
    .split('\n')
    .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n));
}
