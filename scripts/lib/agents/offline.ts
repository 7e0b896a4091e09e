// The offline set-up of an agent that both `make doctor live=1` and the tests use: what points it at the
// kit's scripted model server and pre-answers its questions (docs/agents-offline.md). Plain text only.

export const CODEX_MODEL = 'gpt-5.5';
/** The upgrade Codex 0.169.0 offers for CODEX_MODEL: pre-answered, or its dialog blocks the interface. */
export const CODEX_UPGRADE = 'gpt-6-sol';
export const GEMINI_MODEL = 'gemini-2.5-flash';

const toml = (s: string) => JSON.stringify(s);

export interface CodexOffline {
  /** The model server's address, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** The folder Codex works in, trusted up front. */
  cwd: string;
  /** The interactive interface: questions on (on-request, read-only); headless: never, workspace-write. */
  interactive?: boolean;
  notify?: readonly string[];
}

/** `$CODEX_HOME/config.toml` for an unattended offline Codex (its API key variable is FAKE_API_KEY). */
export function codexOfflineConfig(o: CodexOffline): string {
  return [
    `model = ${toml(CODEX_MODEL)}`,
    `model_provider = "fake"`,
    o.interactive ? `approval_policy = "on-request"` : `approval_policy = "never"`,
    o.interactive ? `sandbox_mode = "read-only"` : `sandbox_mode = "workspace-write"`,
    `check_for_update_on_startup = false`,
    ...(o.notify ? [`notify = [${o.notify.map(toml).join(', ')}]`] : []),
    ``,
    `[model_providers.fake]`,
    `name = "fake"`,
    `base_url = ${toml(`${o.url}/v1`)}`,
    `env_key = "FAKE_API_KEY"`,
    `wire_api = "responses"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
    `[feedback]`,
    `enabled = false`,
    ``,
    `[projects.${toml(o.cwd)}]`,
    `trust_level = "trusted"`,
    ``,
    `[notice.model_migrations]`,
    `${toml(CODEX_MODEL)} = ${toml(CODEX_UPGRADE)}`,
    ``,
  ].join('\n');
}
