// Which agent a session runs, and its per-session set-up: the files that give it the kit's hooks and the
// command line that starts it in the copy. Never the user's own files: everything lands in the session's
// state folder, or (Gemini) in the copy, kept out of git through info/exclude.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import type { Config } from '../config/config.ts';
import { AGENT_KINDS, NO_AGENT, type AgentKind } from '../config/config-of.ts';
import { hookArgv, type AgentPlan, type AgentSetupInput, type AgentSpec } from './launch.ts';
import { claudeSetup } from './claude.ts';
import { codexSetup } from './codex.ts';
import { geminiSetup } from './gemini.ts';
import { opencodeSetup } from './opencode.ts';
import { aiderSetup } from './aider.ts';
import { customSetup } from './custom.ts';

export { commandLine, hookArgv, type AgentPlan, type AgentSetupInput, type AgentSpec } from './launch.ts';

/** agent= (or the config's agent:) -> the agent to set up, or null for none; a UsageError in one line. */
export function resolveAgent(config: Config, requested: string | undefined): AgentSpec | null {
  const name = requested === undefined || requested === '' ? config.agent : requested;
  if (name === null || name === NO_AGENT) return null;
  const entry = Object.hasOwn(config.agents, name) ? config.agents[name] : undefined;
  if (entry) return { name, kind: entry.kind, command: entry.command, args: [...entry.args] };
  if ((AGENT_KINDS as readonly string[]).includes(name)) return { name, kind: name as AgentKind, command: name, args: [] };
  const custom = Object.keys(config.agents);
  const from = requested ? `agent=${JSON.stringify(name)}` : `${config.file ? 'parallel.config.yaml' : 'the config'}: agent: ${JSON.stringify(name)}`;
  throw new UsageError(`${from}: expected one of ${[...AGENT_KINDS, ...custom.filter((c) => !(AGENT_KINDS as readonly string[]).includes(c))].join(', ')} or ${NO_AGENT}${custom.length ? '' : ' (or a name under agents: in parallel.config.yaml)'}`);
}

/** What the agent needs: its files and its launch command; reads, writes nothing. */
export async function planAgent(input: Omit<AgentSetupInput, 'hook'>): Promise<AgentPlan> {
  const full: AgentSetupInput = { ...input, hook: (event) => hookArgv(input.kitDir, input.spec.kind, input.stateDir, event) };
  switch (input.spec.kind) {
    case 'claude':
      return claudeSetup(full);
    case 'codex':
      return codexSetup(full);
    case 'gemini':
      return geminiSetup(full);
    case 'opencode':
      return opencodeSetup(full);
    case 'aider':
      return aiderSetup(full);
    case 'custom':
      return customSetup(full);
  }
}

/** Writes a plan's folders and files; on a failure removes what it made and throws. */
export function writeAgentFiles(plan: AgentPlan): void {
  try {
    for (const d of plan.dirs) mkdirSync(d, { recursive: true });
    for (const f of plan.files) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text, { flag: 'wx' }); // never over a file that is there
    }
  } catch (err) {
    removeAgentFiles(plan);
    throw err;
  }
}

export function removeAgentFiles(plan: AgentPlan): void {
  for (const p of plan.created) rmSync(p, { recursive: true, force: true });
}
