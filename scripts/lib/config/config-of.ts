// The Config of parsed config data (config.ts's parseConfigText): defaults applied, paths resolved, the
// base found. Zod-free, so a config read from the cache (cached.ts) loads neither zod nor the YAML parser.
import { basename, resolve } from 'node:path';
import { defaultBranch } from '../git/repo.ts';
import type { Config, ConfigData } from './config.ts';

export const CONFIG_FILE = 'parallel.config.yaml';

/** The agents the kit knows how to configure (scripts/lib/agents/); `agents:` entries name one as their kind. */
export const AGENT_KINDS = ['claude', 'codex', 'gemini', 'opencode', 'aider'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];
/** agent=none on new-session: no agent even when the config names a default. */
export const NO_AGENT = 'none';

/** An `agents:` entry without a kind: its command runs through /bin/sh and reports through the kit's hook command. */
export const CUSTOM_KIND = 'custom';

export async function configOf(main: string, file: string | null, data: ConfigData): Promise<Config> {
  const base = data.base ?? (await defaultBranch(main));
  const [low, high] = data.ports.range;
  return {
    file,
    main,
    base,
    workspace: data.workspace,
    worktreeRoot: resolve(main, data.worktree_root.replaceAll('{repo}', basename(main))),
    mode: data.mode,
    ports: { low, high, env: data.ports.env },
    profiles: Object.assign(Object.create(null) as Config['profiles'], data.profiles),
    components: Object.assign(Object.create(null) as Config['components'], data.components),
    copy: data.copy,
    sparse: data.sparse,
    disposable: data.disposable,
    setup: data.setup,
    test: data.test,
    agent: data.agent,
    agents: Object.assign(
      Object.create(null) as Config['agents'],
      Object.fromEntries(Object.entries(data.agents).map(([name, a]) => [name, { kind: a.kind ?? CUSTOM_KIND, command: a.command ?? (a.kind as AgentKind), args: a.args }])),
    ),
    guard: data.guard,
    pool: data.pool,
    remote: data.remote,
    remoteSessions: data.remote_sessions,
    share: data.share,
    shareIntervalS: data.share_interval,
    shareStaleS: data.share_stale,
    notify: data.notify,
  };
}
