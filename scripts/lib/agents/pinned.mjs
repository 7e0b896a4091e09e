// The agent CLIs the kit is proven with, pinned (Node 20), and where tests/helpers/agents/install.mjs puts
// them: <kit>/.cache/agents/<pkg>@<version>/ (PARALLEL_TEST_AGENT_CACHE elsewhere), complete when its
// `.complete` marker is there. The tests, make bench and install.mjs read this one table. Plain JavaScript.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {'claude' | 'codex' | 'gemini' | 'opencode'} PinnedAgent */

/** @type {Record<PinnedAgent, { pkg: string; version: string; bin: string }>} */
export const PINNED = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' },
  codex: { pkg: '@openai/codex', version: '0.169.0', bin: 'codex' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
};

/**
 * The version in use: PARALLEL_TEST_<AGENT>_VERSION, else the pinned one.
 * @param {PinnedAgent} agent
 * @param {Readonly<Record<string, string | undefined>>} env
 */
export function pinnedVersion(agent, env) {
  return env[`PARALLEL_TEST_${agent.toUpperCase()}_VERSION`] || PINNED[agent].version;
}

/**
 * The cache's folder for the agent's version.
 * @param {PinnedAgent} agent
 * @param {string} kitDir
 * @param {Readonly<Record<string, string | undefined>>} env
 */
export function pinnedFolder(agent, kitDir, env) {
  return join(env.PARALLEL_TEST_AGENT_CACHE || join(kitDir, '.cache', 'agents'), `${PINNED[agent].pkg}@${pinnedVersion(agent, env)}`);
}

/**
 * The agent's binary, or null when it is not installed: PARALLEL_TEST_<AGENT>_BIN when set (that file,
 * if it exists), else the cache's, once its install is complete.
 * @param {PinnedAgent} agent
 * @param {string} kitDir
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {string | null}
 */
export function pinnedBinary(agent, kitDir, env) {
  const given = env[`PARALLEL_TEST_${agent.toUpperCase()}_BIN`];
  if (given) return existsSync(given) ? given : null;
  const folder = pinnedFolder(agent, kitDir, env);
  const bin = join(folder, 'node_modules', '.bin', PINNED[agent].bin);
  return existsSync(join(folder, '.complete')) && existsSync(bin) ? bin : null;
}
