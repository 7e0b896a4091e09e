// What every agent's set-up is made of: its input, its plan (files and launch command), the hook's words.
import { join } from 'node:path';
import { shellQuote } from '../core/shell.ts';
import type { LaunchKind } from '../config/config.ts';

/** An agent as a session runs it: its name (a kind, or a name under the config's agents:), its kind, its program. */
export interface AgentSpec {
  name: string;
  kind: LaunchKind;
  command: string;
  args: string[];
}

export interface AgentSetupInput {
  spec: AgentSpec;
  session: string;
  workspace: string;
  /** The state folder (.parallel/ or PARALLEL_DIR). */
  root: string;
  /** The session's state folder, <root>/<workspace>/<session>: the hook's dir=. */
  stateDir: string;
  /** The session's copy; null in branch mode. */
  copy: string | null;
  main: string;
  kitDir: string;
  /** The caller's environment (HOME, CODEX_HOME, OPENCODE_CONFIG_DIR): read, never changed. */
  env: NodeJS.ProcessEnv;
  /** The hook's command as words: node <kit>/dist/hook.cjs <kind> [<event>] dir=<stateDir>. */
  hook: (event?: string) => string[];
}

export interface AgentFile {
  path: string;
  text: string;
}

export interface AgentPlan {
  /** The words of the command that starts the agent, run in the copy (the main checkout in branch mode). */
  argv: string[];
  /** Files to write (absolute paths); none exists yet. */
  files: AgentFile[];
  /** Empty folders to make (OpenCode's node_modules/). */
  dirs: string[];
  /** What to remove on undo: the top-most folders and files the plan creates. */
  created: string[];
  /** Patterns (from the copy's root) for the copy's info/exclude. */
  exclude: string[];
  /** Things the user should know (a fallback taken). */
  warnings: string[];
}

/** The hook's command line as words (docs/agents.md). */
export function hookArgv(kitDir: string, kind: LaunchKind, stateDir: string, event?: string): string[] {
  return ['node', join(kitDir, 'dist', 'hook.cjs'), kind, ...(event ? [event] : []), `dir=${stateDir}`];
}

/** Words as one command line for a POSIX shell: every word quoted where it needs it. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** An empty plan for `argv`: the agents that need no files. */
export function launchOnly(argv: string[], warnings: string[] = []): AgentPlan {
  return { argv, files: [], dirs: [], created: [], exclude: [], warnings };
}

/** The session's variables, for hooks installed at user level (make agent-setup) that find the session from the environment. */
export function sessionVars(input: AgentSetupInput): string[] {
  return [`PARALLEL_DIR=${input.root}`, `PARALLEL_WORKSPACE=${input.workspace}`, `PARALLEL_SESSION=${input.session}`];
}
