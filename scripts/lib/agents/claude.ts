// Claude Code: a settings file in the session's state folder, given on the command line (--settings), so
// neither the user's ~/.claude nor the project's .claude/ is touched, and worktrees need no discovery.
import { join } from 'node:path';
import { type AgentPlan, type AgentSetupInput } from './launch.ts';
import { hookUnlessArgv } from './fast-hook.ts';

export const CLAUDE_SETTINGS_FILE = 'claude-settings.json';

/** Claude's tools that write a file: the guard's (docs/agents.md "The guard"). */
export const CLAUDE_EDIT_MATCHER = 'Edit|Write|MultiEdit|NotebookEdit';

/**
 * The events the kit hooks, and only those (docs/agents.md "Which events are hooked"): each is a process
 * Claude waits for. `fast`: a shell that starts node only when the state would change (or its word is a
 * minute old), for the event of every tool call.
 */
const EVENTS: readonly { event: string; matcher?: string; timeout: number; fast?: true }[] = [
  { event: 'UserPromptSubmit', timeout: 10 },
  { event: 'PreToolUse', matcher: CLAUDE_EDIT_MATCHER, timeout: 30 },
  { event: 'PermissionRequest', matcher: '*', timeout: 10 },
  { event: 'PostToolUse', matcher: '*', timeout: 10, fast: true },
  { event: 'Notification', timeout: 10 },
  { event: 'Stop', timeout: 10 },
  { event: 'StopFailure', timeout: 10 },
  { event: 'SessionEnd', timeout: 10 },
];

/**
 * The settings JSON. Every hook in Claude's exec form (`command` and `args`: no shell in between):
 * `node <kit>/dist/hook.cjs claude <Event> dir=<state folder>`, or for a fast one
 * `<kit>/bin/hook-unless running <state folder>` and those words.
 */
export function claudeSettings(input: Pick<AgentSetupInput, 'hook' | 'stateDir' | 'kitDir'>): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const e of EVENTS) {
    const words = e.fast ? hookUnlessArgv(input.kitDir, 'running', input.stateDir, input.hook(e.event)) : input.hook(e.event);
    hooks[e.event] = [{ ...(e.matcher ? { matcher: e.matcher } : {}), hooks: [{ type: 'command', command: words[0], args: words.slice(1), timeout: e.timeout }] }];
  }
  return { hooks };
}

export async function claudeSetup(input: AgentSetupInput): Promise<AgentPlan> {
  const file = join(input.stateDir, CLAUDE_SETTINGS_FILE);
  return {
    argv: [input.spec.command, '--settings', file, ...input.spec.args],
    files: [{ path: file, text: `${JSON.stringify(claudeSettings(input), null, 2)}\n` }],
    dirs: [],
    created: [file],
    exclude: [],
    warnings: [],
  };
}
