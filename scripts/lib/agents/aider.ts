// Aider: no tool hooks; its one signal is the notifications command, run by a shell when it waits for input.
import { commandLine, launchOnly, type AgentPlan, type AgentSetupInput } from './launch.ts';

export async function aiderSetup(input: AgentSetupInput): Promise<AgentPlan> {
  return launchOnly([input.spec.command, '--notifications', '--notifications-command', commandLine(input.hook('notify')), ...input.spec.args]);
}
