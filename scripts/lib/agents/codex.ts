// Codex CLI: its hooks cannot be per session (they live in the user's hooks.json or the project's .codex/,
// each trusted by hash), so make agent-setup installs them once at user level, inert unless PARALLEL_SESSION
// is set. Here: the launch command sets the session's variables, and adds a per-run `notify` when the user
// has none of their own (one slot only: never override theirs).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookUnlessArgv } from './fast-hook.ts';
import { userHasNotify } from './install-codex.ts';
import { launchOnly, sessionVars, type AgentPlan, type AgentSetupInput } from './launch.ts';

/** The user's config.toml: $CODEX_HOME/config.toml, else ~/.codex/config.toml; null when there is none. */
export function codexConfigFile(env: NodeJS.ProcessEnv): string | null {
  const home = env.CODEX_HOME || (env.HOME ? join(env.HOME, '.codex') : null);
  if (!home) return null;
  const file = join(home, 'config.toml');
  return existsSync(file) ? file : null;
}

/**
 * Whether the user's own TOML sets a top-level `notify` (before its first table header). The one
 * make agent-setup puts between the kit's markers is the kit's: the per-run one (with dir=) overrides it.
 */
export function setsNotify(toml: string): boolean {
  return userHasNotify(toml);
}

export async function codexSetup(input: AgentSetupInput): Promise<AgentPlan> {
  const file = codexConfigFile(input.env);
  let theirs = false;
  try {
    theirs = file !== null && setsNotify(readFileSync(file, 'utf8'));
  } catch {
    theirs = true; // unreadable: leave notify to them
  }
  // -c takes a TOML value; a JSON array of strings is one. A shell first: nothing once the Stop hook has said idle.
  const notify = theirs ? [] : ['-c', `notify=${JSON.stringify(hookUnlessArgv(input.kitDir, 'over', input.stateDir, input.hook('notify')))}`];
  const warnings = theirs ? [`${file} sets notify: the kit leaves it as it is; Codex reports through the hooks of make agent-setup`] : [];
  return launchOnly(['env', ...sessionVars(input), input.spec.command, ...notify, ...input.spec.args], warnings);
}
