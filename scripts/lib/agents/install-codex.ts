// make agent-setup agent=codex: the kit's hooks in $CODEX_HOME/hooks.json (user level, so that every
// copy has them: Codex reads no project hooks in a linked worktree), each trusted in config.toml
// between the kit's markers (Codex skips an untrusted hook silently), and `notify` when the user has
// none of their own. Every command does nothing unless PARALLEL_SESSION is set.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import { singleQuote } from '../core/shell.ts';
import { codexHookHash, codexHookKey } from './codex-trust.ts';
import { gatedLater, gatedUnless, type Unless } from './fast-hook.ts';
import { gatedHookCommand, jsonHooksFile, kitGroups, MARK, type JsonHookGroup } from './install-common.ts';
import type { ManagedFile, PartState } from './managed-file.ts';

/**
 * The events the kit hooks, and only those (docs/agents.md "Which events are hooked"): the guard on
 * apply_patch only; PostToolUse and SessionEnd through bin/hook-unless, which starts node only when the
 * state would change (a tool done while the turn runs; the session's end after the turn's); the prompt and
 * the permission question through bin/hook-later, in the background (Codex waits on every hook, and these
 * only record a state). Stop stays in the foreground: `codex exec` ends right after it.
 */
export const CODEX_EVENTS: readonly { event: string; matcher?: string; unless?: Unless; later?: true }[] = [
  { event: 'UserPromptSubmit', later: true },
  { event: 'PreToolUse', matcher: 'apply_patch' },
  { event: 'PermissionRequest', later: true },
  { event: 'PostToolUse', unless: 'running' },
  { event: 'Stop' },
  { event: 'SessionEnd', unless: 'over' },
];

/** Seconds; SessionEnd is clamped to 3 by Codex, so it is 3 here and the hash is the same either way. */
const TIMEOUT: Record<string, number> = { SessionEnd: 3 };

export const TOML_BEGIN = '# >>> parallel-kit >>>';
export const TOML_END = '# <<< parallel-kit <<<';

/** Codex's folder: CODEX_HOME (which must exist; Codex uses its real path), else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  if (env.CODEX_HOME) {
    if (!existsSync(env.CODEX_HOME) || !statSync(env.CODEX_HOME).isDirectory()) throw new UsageError(`CODEX_HOME is ${env.CODEX_HOME}, which is no folder (Codex refuses it too)`);
    return realpathSync(env.CODEX_HOME);
  }
  if (!env.HOME) throw new UsageError('neither CODEX_HOME nor HOME is set: where is Codex\'s folder?');
  return join(env.HOME, '.codex');
}

export function codexGroups(kitDir: string): JsonHookGroup[] {
  return CODEX_EVENTS.map(({ event, matcher, unless, later }) => ({
    event,
    group: { ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command: gatedHookCommand(kitDir, 'codex', unless ? gatedUnless(kitDir, unless) : later ? gatedLater(kitDir) : ''), timeout: TIMEOUT[event] ?? 30 }] },
  }));
}

/** The legacy notify program: the JSON comes as the last argument, which the shell passes on as $1. Nothing once the turn is over. */
export function notifyLine(kitDir: string): string {
  const script = `[ -n "$PARALLEL_SESSION" ] || exit 0; exec ${gatedUnless(kitDir, 'over')} node ${singleQuote(`${kitDir}/dist/hook.cjs`)} codex "$1"`;
  return `notify = ${JSON.stringify(['sh', '-c', script, 'parallel-kit'])}`;
}

interface TomlBlock {
  start: number;
  end: number;
  text: string;
}

function findBlocks(text: string): TomlBlock[] {
  const out: TomlBlock[] = [];
  let pos = 0;
  let start = -1;
  for (const line of text.split('\n')) {
    const next = pos + line.length + 1;
    if (start < 0 && line.startsWith(TOML_BEGIN)) start = pos;
    else if (start >= 0 && line === TOML_END) {
      const end = Math.min(next, text.length);
      out.push({ start, end, text: text.slice(start, end) });
      start = -1;
    }
    pos = next;
  }
  return out;
}

/** Whether the user's own text (outside the kit's blocks) sets a top-level notify. */
export function userHasNotify(text: string): boolean {
  let rest = text;
  for (const b of findBlocks(text).reverse()) rest = rest.slice(0, b.start) + rest.slice(b.end);
  for (const line of rest.split('\n')) {
    if (/^\s*\[/.test(line)) return false;
    if (/^\s*notify\s*=/.test(line)) return true;
  }
  return false;
}

function notifyBlock(kitDir: string): string {
  return `${TOML_BEGIN} notify for the kit's sessions only (make agent-setup agent=codex remove=1 takes it out)\n${notifyLine(kitDir)}\n${TOML_END}\n`;
}

function trustBlock(entries: readonly { key: string; hash: string }[]): string {
  const lines = [`${TOML_BEGIN} trust for the kit's hooks in hooks.json (make agent-setup agent=codex remove=1 takes it out)`];
  for (const e of entries) lines.push(`[hooks.state.${JSON.stringify(e.key)}]`, `trusted_hash = ${JSON.stringify(e.hash)}`);
  lines.push(TOML_END, '');
  return lines.join('\n');
}

/** The trust entries for the kit's groups as they stand in `hooksText` (hooks.json after the kit's change). */
export function trustEntries(hooksFile: string, hooksText: string, kitDir: string): { key: string; hash: string }[] {
  const groups = codexGroups(kitDir);
  return kitGroups(hooksText, hooksFile).flatMap((f) => {
    const g = groups.find((x) => x.event === f.event);
    const h = g?.group.hooks[0] as { command: string; timeout: number } | undefined;
    return g && h ? [{ key: codexHookKey(hooksFile, f.event, f.index), hash: codexHookHash({ event: f.event, matcher: g.group.matcher, command: h.command, timeout: h.timeout }) }] : [];
  });
}

export function codexFiles(home: string, kitDir: string, hooksAfter: () => string | null): ManagedFile[] {
  const hooksFile = join(home, 'hooks.json');
  const configFile = join(home, 'config.toml');
  const recordDir = join(home, 'parallel-kit');
  const byHand = (f: string) => `take out the entries marked '${MARK}' (or between the parallel-kit markers) in ${f} by hand`;
  const hooks = jsonHooksFile(hooksFile, join(recordDir, 'hooks.json.record'), codexGroups(kitDir), byHand(hooksFile));
  const expectedTrust = () => trustBlock(trustEntries(hooksFile, hooksAfter() ?? '{}', kitDir));
  const config: ManagedFile = {
    file: configFile,
    record: join(recordDir, 'config.toml.record'),
    byHand: byHand(configFile),
    add(current) {
      const text = current ?? '';
      const entries = trustEntries(hooksFile, hooksAfter() ?? '{}', kitDir);
      for (const e of entries) {
        if (text.includes(JSON.stringify(e.key)) || text.includes(`'${e.key}'`)) throw new UsageError(`${configFile} already has a hooks.state entry for ${e.key} (trusted in Codex's /hooks?): take it out, then run this again`);
      }
      const top = userHasNotify(text) ? '' : notifyBlock(kitDir);
      const body = text === '' ? '' : text.endsWith('\n') ? `${text}\n` : `${text}\n\n`;
      return top + body + trustBlock(entries);
    },
    inspect(current): PartState {
      const blocks = findBlocks(current);
      if (blocks.length === 0) return 'absent';
      const ok = blocks.every((b) => b.text === expectedTrust() || b.text === notifyBlock(kitDir));
      return ok && blocks.some((b) => b.text === expectedTrust()) ? 'intact' : 'edited';
    },
    cut(current) {
      let text = current;
      for (const b of findBlocks(current).reverse()) {
        const before = text.slice(0, b.start);
        text = (b.start > 0 && before.endsWith('\n\n') ? before.slice(0, -1) : before) + text.slice(b.end);
      }
      return text;
    },
  };
  return [hooks, config];
}

export { MARK };
