// A private, offline world for one run of a real agent CLI: HOME, XDG folders, TMPDIR and the agent's own
// config folder under one throwaway folder, pointed at the kit's scripted model server only (no real
// service, no tokens, nothing of the machine's agent settings). make doctor live=1 and make bench use it;
// the facts behind each setting are in docs/agents-offline.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { codexFiles } from './install-codex.ts';
import { planAdd, writeChanges, type ManagedFile } from './managed-file.ts';
import { codexOfflineConfig, GEMINI_MODEL } from './offline.ts';

export type OfflineAgent = 'claude' | 'codex' | 'gemini' | 'opencode';

const CLAUDE_KEY = 'sk-ant-api03-kit-doctor-offline-0123456789abcdefghij';

export interface OfflineWorld {
  /** The throwaway folder: home/ and tmp/ go in it. */
  dir: string;
  /** The agent's binary (its folder goes first on PATH). */
  bin: string;
  /** The folder the agent works in (trusted up front). */
  cwd: string;
  /** The scripted model server, http://127.0.0.1:PORT. */
  url: string;
  /** The node that runs the kit's hooks (its folder goes on PATH). */
  node: string;
}

/** The agent's environment, its config files written under `w.dir` (Codex: no hooks; codexKitHooks adds the kit's). */
export function offlineEnv(agent: OfflineAgent, w: OfflineWorld): Record<string, string> {
  const home = join(w.dir, 'home');
  const tmp = join(w.dir, 'tmp');
  for (const d of [home, tmp]) mkdirSync(d, { recursive: true });
  const env: Record<string, string> = {
    PATH: [dirname(w.bin), dirname(w.node), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: home,
    USER: 'doctor',
    LOGNAME: 'doctor',
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    GIT_AUTHOR_NAME: 'Kit Doctor',
    GIT_AUTHOR_EMAIL: 'doctor@example.invalid',
    GIT_COMMITTER_NAME: 'Kit Doctor',
    GIT_COMMITTER_EMAIL: 'doctor@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    NO_PROXY: '127.0.0.1,localhost',
  };
  const url = w.url;
  if (agent === 'claude') {
    const conf = join(home, '.claude');
    mkdirSync(conf, { recursive: true });
    Object.assign(env, {
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: CLAUDE_KEY,
      ANTHROPIC_MODEL: 'claude-sonnet-4-5',
      ANTHROPIC_SMALL_FAST_MODEL: 'claude-sonnet-4-5',
      CLAUDE_CONFIG_DIR: conf,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    });
    writeFileSync(join(conf, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [CLAUDE_KEY.slice(-20)], rejected: [] }, projects: { [w.cwd]: { hasTrustDialogAccepted: true } } }, null, 2));
  } else if (agent === 'codex') {
    const conf = join(home, '.codex');
    mkdirSync(conf, { recursive: true });
    Object.assign(env, { CODEX_HOME: conf, FAKE_API_KEY: 'kit-doctor-offline' });
    writeFileSync(join(conf, 'config.toml'), codexOfflineConfig({ url, cwd: w.cwd }));
  } else if (agent === 'gemini') {
    const conf = join(home, '.gemini');
    mkdirSync(conf, { recursive: true });
    Object.assign(env, { GEMINI_API_KEY: 'kit-doctor-offline', GOOGLE_GEMINI_BASE_URL: url, GEMINI_CLI_TRUST_WORKSPACE: 'true' });
    writeFileSync(
      join(conf, 'settings.json'),
      JSON.stringify({
        security: { auth: { selectedType: 'gemini-api-key' } },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
        model: { name: GEMINI_MODEL },
      }),
    );
  } else {
    const conf = join(env.XDG_CONFIG_HOME!, 'opencode');
    mkdirSync(conf, { recursive: true });
    Object.assign(env, { OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_LSP_DOWNLOAD: '1', OPENCODE_DISABLE_SHARE: '1', npm_config_registry: `${url}/registry/`, BUN_CONFIG_REGISTRY: `${url}/registry/` });
    writeFileSync(
      join(conf, 'opencode.json'),
      JSON.stringify({
        provider: { fake: { npm: '@ai-sdk/openai-compatible', name: 'fake', options: { baseURL: `${url}/v1`, apiKey: 'x' }, models: { m: { name: 'm', tool_call: true } } } },
        model: 'fake/m',
        small_model: 'fake/m',
        enabled_providers: ['fake'],
        autoupdate: false,
        share: 'disabled',
      }),
    );
  }
  return env;
}

/** make agent-setup agent=codex apply=1 into this CODEX_HOME: the kit's hooks in hooks.json and their trust in config.toml. */
export function codexKitHooks(codexHome: string, kitDir: string): void {
  const hooksFile = join(codexHome, 'hooks.json');
  let hooksAfter: string | null = existsSync(hooksFile) ? readFileSync(hooksFile, 'utf8') : null;
  const [hooks, config] = codexFiles(codexHome, kitDir, () => hooksAfter) as [ManagedFile, ManagedFile];
  const first = planAdd(hooks);
  hooksAfter = first.after;
  writeChanges([first, planAdd(config)]);
}
