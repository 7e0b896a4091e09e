// A custom agent (an `agents:` entry with a command and no kind): the user's own shell command, run
// through /bin/sh in the copy with the config's args as "$@". It reports through the kit's hook command,
// bin/parallel-hook (PARALLEL_HOOK in its environment): `"$PARALLEL_HOOK" waiting_input message=...`.
import { join } from 'node:path';
import { launchOnly, type AgentPlan, type AgentSetupInput } from './launch.ts';

export const HOOK_VAR = 'PARALLEL_HOOK';

/** The kit's hook command for custom agents: `<kit>/bin/parallel-hook STATE [message=TEXT]`. */
export function customHook(kitDir: string): string {
  return join(kitDir, 'bin', 'parallel-hook');
}

export async function customSetup(input: AgentSetupInput): Promise<AgentPlan> {
  // $0 is the agent's name (what ps and error messages of the shell show), the config's args follow.
  return launchOnly(['env', `${HOOK_VAR}=${customHook(input.kitDir)}`, '/bin/sh', '-c', input.spec.command, input.spec.name, ...input.spec.args]);
}
