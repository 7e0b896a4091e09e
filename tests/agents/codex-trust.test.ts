// codexHookHash and codexHookKey, pinned to what the real Codex 0.169.0 reported (`codex app-server`
// hooks/list currentHash, 2026-12-01; codex-trust-real.test.ts checks them live when codex is installed).
import { describe, expect, it } from 'vitest';
import { codexHookHash, codexHookKey, eventLabel, type CodexCommandHook } from '../../scripts/lib/agents/codex-trust.ts';

const SEEN: [CodexCommandHook, string][] = [
  [{ event: 'PreToolUse', command: 'echo plain' }, 'sha256:7f707cdd2e6140d7e45a1902bf1007b5f16bbd6fe72c968ab3ce47eaaf5e40f2'],
  [{ event: 'PreToolUse', matcher: 'apply_patch|Bash', command: 'echo matched', timeout: 30 }, 'sha256:49ed49b21d6d43c084370eb1bce31959c090d6df25c15273173e4fbe424a2cc9'],
  [{ event: 'SessionStart', matcher: 'startup', command: 'echo start', statusMessage: 'Starting…' }, 'sha256:b23517472d21a250a04e16e5e056cf30150d1dc37731e9b1fe3ee9b2064dd671'],
  // Stop drops its matcher; SessionEnd's timeout is clamped to 3
  [{ event: 'Stop', matcher: 'ignored', command: 'echo stop', timeout: 30 }, 'sha256:e0e3dd4b1847784e1cea1852ce790f72ea3ba517cc980388105398a1f848f8c4'],
  [{ event: 'SessionEnd', command: 'echo end-long', timeout: 30 }, 'sha256:4ab3799e18a262dac415bb4031c8c24c10b62e7b1865a2ce0d180fb5d5656288'],
  [{ event: 'SubagentStart', command: 'echo sub', async: true, timeout: 10 }, 'sha256:63bf058c9898851c847831d18df6e7973c2ff17ba8dab856b6916d5dcf8208c9'],
];

describe('codexHookHash', () => {
  it.each(SEEN)('%j is the hash Codex 0.169.0 computed', (hook, hash) => {
    expect(codexHookHash(hook)).toBe(hash);
  });

  it('ignores what Codex normalizes away', () => {
    expect(codexHookHash({ event: 'Stop', command: 'echo stop', timeout: 30 })).toBe(SEEN[3]![1]);
    expect(codexHookHash({ event: 'SessionEnd', command: 'echo end-long', timeout: 3 })).toBe(SEEN[4]![1]);
    expect(codexHookHash({ event: 'PreToolUse', command: 'echo plain', timeout: 600, async: false })).toBe(SEEN[0]![1]);
  });
});

describe('codexHookKey', () => {
  it('is <file>:<event_snake>:<group>:<handler>, as hooks/list reports it', () => {
    expect(eventLabel('PermissionRequest')).toBe('permission_request');
    expect(codexHookKey('/h/.codex/hooks.json', 'UserPromptSubmit', 1)).toBe('/h/.codex/hooks.json:user_prompt_submit:1:0');
  });
});
