// Claude Code: a settings file in the session's state folder, given on the command line (--settings), so
// neither the user's ~/.claude nor the project's .claude/ is touched, and worktrees need no discovery.
import { join } from 'node:path';
import { commandLine, type AgentPlan, type AgentSetupInput } from './launch.ts';

export const CLAUDE_SETTINGS_FILE = 'claude-settings.json';

/** The events the hook reads (docs/agents.md "States"), with the matcher of the tool events. */
const EVENTS: readonly { event: string; matcher?: string; timeout: number }[] = [
  { event: 'SessionStart', timeout: 10 },
  { event: 'UserPromptSubmit', timeout: 10 },
  // One group for every tool: the guard decides on edits (Edit, Write, MultiEdit, NotebookEdit) and Bash alike.
  { event: 'PreToolUse', matcher: '*', timeout: 30 },
  { event: 'PermissionRequest', matcher: '*', timeout: 10 },
  { event: 'PostToolUse', matcher: '*', timeout: 10 },
  { event: 'Notification', timeout: 10 },
  { event: 'Stop', timeout: 10 },
  { event: 'StopFailure', timeout: 10 },
  { event: 'SessionEnd', timeout: 10 },
  { event: 'SubagentStart', timeout: 10 },
  { event: 'SubagentStop', timeout: 10 },
];

/** The settings JSON: every hook is `node <kit>/dist/hook.mjs claude <Event> dir=<state folder>`, run by Claude's shell. */
export function claudeSettings(input: AgentSetupInput): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const e of EVENTS) {
    hooks[e.event] = [{ ...(e.matcher ? { matcher: e.matcher } : {}), hooks: [{ type: 'command', command: commandLine(input.hook(e.event)), timeout: e.timeout }] }];
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
