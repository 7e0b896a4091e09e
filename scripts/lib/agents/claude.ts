// Claude Code: a settings file in the session's state folder, given on the command line (--settings), so
// neither the user's ~/.claude nor the project's .claude/ is touched, and worktrees need no discovery.
import { join } from 'node:path';
import { type AgentPlan, type AgentSetupInput } from './launch.ts';
import { hookLater, hookUnlessArgv, type Unless } from './fast-hook.ts';

export const CLAUDE_SETTINGS_FILE = 'claude-settings.json';

/** Claude's tools that write a file: the guard's (docs/agents.md "The guard"). */
export const CLAUDE_EDIT_MATCHER = 'Edit|Write|MultiEdit|NotebookEdit';

/**
 * The events the kit hooks, and only those (docs/agents.md "Which events are hooked"). Claude waits for
 * the guard (PreToolUse on the tools that write files: its answer is a decision) and for the hooks of a
 * turn's or a session's end (`wait`: an async hook still running when `claude -p` exits is killed, and
 * its state lost); the others only record a state while the agent goes on, so they run in the
 * background (`async`). `unless`: through bin/hook-unless, which starts node only when the state
 * would change: the event of every tool call while the turn runs (`running`, or its word is a minute
 * old), and the session's end after the turn's (`over`: an idle session whose agent is gone reads ended).
 * `later`: through bin/hook-later, which starts node in the background and ends at once: a failing
 * `claude -p` does not wait for its StopFailure hook, which was killed before it wrote under load.
 */
const EVENTS: readonly { event: string; matcher?: string; timeout: number; unless?: Unless; wait?: true; later?: true }[] = [
  { event: 'UserPromptSubmit', timeout: 10 },
  { event: 'PreToolUse', matcher: CLAUDE_EDIT_MATCHER, timeout: 30, wait: true },
  { event: 'PermissionRequest', matcher: '*', timeout: 10 },
  { event: 'PostToolUse', matcher: '*', timeout: 10, unless: 'running' },
  { event: 'Notification', timeout: 10 },
  { event: 'Stop', timeout: 10, wait: true },
  { event: 'StopFailure', timeout: 10, wait: true, later: true },
  { event: 'SessionEnd', timeout: 10, wait: true, unless: 'over' },
];

/**
 * The settings JSON. Every hook in Claude's exec form (`command` and `args`: no shell in between):
 * `node <kit>/dist/hook.cjs claude <Event> dir=<state folder>`, or for a fast one
 * `<kit>/bin/hook-unless running <state folder>` and those words.
 */
export function claudeSettings(input: Pick<AgentSetupInput, 'hook' | 'stateDir' | 'kitDir'>): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const e of EVENTS) {
    const words = e.unless ? hookUnlessArgv(input.kitDir, e.unless, input.stateDir, input.hook(e.event)) : e.later ? [hookLater(input.kitDir), ...input.hook(e.event)] : input.hook(e.event);
    hooks[e.event] = [{ ...(e.matcher ? { matcher: e.matcher } : {}), hooks: [{ type: 'command', command: words[0], args: words.slice(1), timeout: e.timeout, ...(e.wait ? {} : { async: true }) }] }];
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
