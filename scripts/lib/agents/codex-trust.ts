// The trust hash Codex (0.169) requires of a hook before it runs it: `[hooks.state."<key>"] trusted_hash`.
// From codex-rs (hooks/src/engine/discovery.rs `hook_hash`, config/src/fingerprint.rs `version_for_toml`):
// the identity { event_name: <snake label>, matcher?, hooks: [<the one normalized handler>] } goes
// through TOML (absent options vanish), then JSON with every object's keys sorted, compact, sha256.
// The normalized handler: { type: "command", command, timeout: (given or 600, at least 1; SessionEnd
// and Interrupt 1..3, default 1), async: bool, statusMessage? }. UserPromptSubmit, Stop and Interrupt
// drop their matcher. Checked against the real Codex 0.169.0 (`codex app-server` hooks/list currentHash,
// with and without matcher, statusMessage, async, clamped timeouts): tests/agents/codex-trust-real.test.ts.
import { createHash } from 'node:crypto';

export interface CodexCommandHook {
  /** The event as hooks.json spells it: PreToolUse, SessionEnd, ... */
  event: string;
  matcher?: string;
  command: string;
  timeout?: number;
  async?: boolean;
  statusMessage?: string;
}

/** PreToolUse -> pre_tool_use, as Codex labels events in keys and hashes. */
export function eventLabel(event: string): string {
  return event.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();
}

const NO_MATCHER = new Set(['UserPromptSubmit', 'Stop', 'Interrupt']);
const SHORT = new Set(['SessionEnd', 'Interrupt']);

function normalizedTimeout(event: string, timeout: number | undefined): number {
  if (SHORT.has(event)) return Math.min(Math.max(timeout ?? 1, 1), 3);
  return Math.max(timeout ?? 600, 1);
}

/** JSON with sorted keys and no whitespace, as serde_json writes the canonical value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>`: what `codex app-server` hooks/list calls currentHash. */
export function codexHookHash(hook: CodexCommandHook): string {
  const identity = {
    event_name: eventLabel(hook.event),
    matcher: NO_MATCHER.has(hook.event) ? undefined : hook.matcher,
    hooks: [{ type: 'command', command: hook.command, timeout: normalizedTimeout(hook.event, hook.timeout), async: hook.async ?? false, statusMessage: hook.statusMessage }],
  };
  return `sha256:${createHash('sha256').update(canonical(identity), 'utf8').digest('hex')}`;
}

/** The key of a hook's `[hooks.state."..."]` entry: the hooks file's absolute path, event, group and handler indexes. */
export function codexHookKey(hooksFile: string, event: string, group: number, handler = 0): string {
  return `${hooksFile}:${eventLabel(event)}:${group}:${handler}`;
}
