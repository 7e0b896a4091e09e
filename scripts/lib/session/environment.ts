// The session's environment: port variables, profile variables, and where the session's state lives.
import type { Config } from '../config/config.ts';

export interface SessionEnvInput {
  name: string;
  workspace: string;
  branch: string;
  component: string;
  port: number;
  profile: string | null;
  root: string;
  main: string;
  kitDir: string;
  /** The agent set up for the session: its name and the command line that starts it. */
  agent?: { name: string; command: string } | null;
}

export function sessionEnv(config: Config, s: SessionEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of config.ports.env) env[v] = String(s.port);
  if (s.profile) Object.assign(env, config.profiles[s.profile] ?? {});
  Object.assign(env, {
    PARALLEL_SESSION: s.name,
    PARALLEL_WORKSPACE: s.workspace,
    PARALLEL_BRANCH: s.branch,
    PARALLEL_COMPONENT: s.component,
    PARALLEL_DIR: s.root,
    PARALLEL_MAIN: s.main,
    PARALLEL_KIT: s.kitDir,
  });
  if (s.agent) Object.assign(env, { PARALLEL_AGENT: s.agent.name, PARALLEL_AGENT_COMMAND: s.agent.command });
  return env;
}
