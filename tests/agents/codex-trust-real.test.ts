// codexHookHash against the real Codex: a hooks.json with hooks of every shape that matters to the hash
// (matcher or none, where Codex drops it, default and clamped timeouts, async, statusMessage, quotes and
// non-ASCII in the command), and `codex app-server` hooks/list's currentHash for each. Then the trust
// entries the kit would write make each of them `trusted`, and an entry for another command leaves its
// hook `modified`. Skipped (one line) when codex is not in .cache/agents.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codexHookHash, codexHookKey, type CodexCommandHook } from '../../scripts/lib/agents/codex-trust.ts';
import { codexHooksList } from '../helpers/agents/app-server.ts';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.ts';
import { cleanupHomes, makeHome, whyMissing } from '../helpers/agents/run.ts';
import { tempDir } from '../helpers/repo.ts';

const HOOKS: CodexCommandHook[] = [
  { event: 'PreToolUse', command: 'echo plain' },
  { event: 'PreToolUse', matcher: 'apply_patch|Bash', command: 'echo matched', timeout: 30 },
  { event: 'PostToolUse', matcher: '*', command: `[ -n "$X" ] || exit 0; exec node '/a b/dist/hook.cjs' codex # kit`, timeout: 30 },
  { event: 'PermissionRequest', matcher: '', command: 'echo empty-matcher', timeout: 1 },
  { event: 'SessionStart', matcher: 'startup', command: 'echo start', statusMessage: 'Starting…' },
  { event: 'UserPromptSubmit', matcher: 'ignored', command: 'echo prompt' },
  { event: 'Stop', matcher: 'ignored', command: 'echo stop', timeout: 30 },
  { event: 'SessionEnd', command: 'echo end' },
  { event: 'SessionEnd', command: 'echo end-long', timeout: 30 },
  { event: 'Interrupt', command: 'echo interrupt', timeout: 2 },
  { event: 'SubagentStart', command: 'echo sub', async: true, timeout: 10 },
  { event: 'PreModelRequest', command: 'printf "%s\\n" "ünïcode \\"quoted\\""', timeout: 45 },
];

/** hooks.json for HOOKS, one group per hook, and each hook's key in it. */
function hooksJson(file: string): { text: string; keys: string[] } {
  const hooks: Record<string, unknown[]> = {};
  const keys: string[] = [];
  for (const h of HOOKS) {
    const list = (hooks[h.event] ??= []);
    const handler: Record<string, unknown> = { type: 'command', command: h.command };
    if (h.timeout !== undefined) handler.timeout = h.timeout;
    if (h.async !== undefined) handler.async = h.async;
    if (h.statusMessage !== undefined) handler.statusMessage = h.statusMessage;
    keys.push(codexHookKey(file, h.event, list.length));
    list.push(h.matcher === undefined ? { hooks: [handler] } : { matcher: h.matcher, hooks: [handler] });
  }
  return { text: JSON.stringify({ hooks }, null, 2), keys };
}

const why = whyMissing('codex');
let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

describe.skipIf(why)(`codexHookHash is the real Codex's hash${why ? ` (skipped: ${why})` : ''}`, () => {
  test('currentHash of every hook shape, and trust entries that make them trusted', async () => {
    const cwd = tempDir('kit-codex-trust-');
    const home = makeHome('codex', { cwd, server });
    const codexHome = home.env.CODEX_HOME!;
    const file = join(codexHome, 'hooks.json');
    const { text, keys } = hooksJson(file);
    writeFileSync(file, text);

    const listed = (await codexHooksList(home.env, [cwd]))[0]!;
    expect(listed.errors, JSON.stringify(listed)).toEqual([]);
    const byKey = new Map(listed.hooks.map((h) => [h.key, h]));
    expect([...byKey.keys()].sort()).toEqual([...keys].sort());
    const got = keys.map((k) => byKey.get(k)!.currentHash);
    expect(got).toEqual(HOOKS.map(codexHookHash));
    expect(listed.hooks.every((h) => h.trustStatus === 'untrusted')).toBe(true);

    // The kit's kind of entries; the last hook trusted with another command's hash: modified.
    const entry = (k: string, hash: string) => `[hooks.state.${JSON.stringify(k)}]\ntrusted_hash = ${JSON.stringify(hash)}\n`;
    const config = join(codexHome, 'config.toml');
    const stale = codexHookHash({ ...HOOKS.at(-1)!, command: 'echo before the edit' });
    writeFileSync(config, readFileSync(config, 'utf8') + '\n' + keys.map((k, i) => entry(k, i === keys.length - 1 ? stale : got[i]!)).join(''));
    const after = (await codexHooksList(home.env, [cwd]))[0]!;
    const status = new Map(after.hooks.map((h) => [h.key, h.trustStatus]));
    expect(keys.map((k) => status.get(k))).toEqual(keys.map((_, i) => (i === keys.length - 1 ? 'modified' : 'trusted')));
  });
});
