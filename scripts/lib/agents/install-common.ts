// What the per-agent installers share: the env-gated hook command and the JSON hook entries they add.
import { singleQuote } from '../core/shell.ts';
import { UsageError } from '../core/errors.mjs';
import { appendAt, newFileWith } from './json-text.ts';
import type { ManagedFile, PartState } from './managed-file.ts';

/** Marks every command the kit writes into an agent's settings (a shell comment: it changes nothing). */
export const MARK = '# parallel-kit';

/**
 * The hook command: content-stable (no per-session data), and nothing at all outside a kit session,
 * so that it can sit in a user-level settings file. `via`: words that run it only when needed (fast-hook.ts).
 */
export function gatedHookCommand(kitDir: string, agent: string, via = ''): string {
  return `[ -n "$PARALLEL_SESSION" ] || exit 0; exec ${via ? `${via} ` : ''}node ${singleQuote(`${kitDir}/dist/hook.cjs`)} ${agent} ${MARK}`;
}

export interface JsonHookGroup {
  event: string;
  group: { matcher?: string; hooks: Record<string, unknown>[] };
}

type Groups = Record<string, { hooks?: { command?: unknown }[] }[]>;

function parseSettings(text: string, file: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not plain JSON (comments?); the kit edits only plain JSON: add its hooks by hand`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${file} is not a JSON object`);
  return v as Record<string, unknown>;
}

const isKit = (g: { hooks?: { command?: unknown }[] }) => Array.isArray(g?.hooks) && g.hooks.some((h) => typeof h?.command === 'string' && h.command.includes(MARK));

/** The groups of the kit, per event, in a settings file's `hooks`: with their index in the event's list. */
export function kitGroups(text: string, file: string): { event: string; index: number; group: unknown }[] {
  const hooks = parseSettings(text, file).hooks as Groups | undefined;
  if (!hooks || typeof hooks !== 'object') return [];
  return Object.entries(hooks).flatMap(([event, groups]) => (Array.isArray(groups) ? groups.map((g, index) => ({ event, index, group: g })).filter((x) => isKit(x.group)) : []));
}

/** A settings file (`{"hooks": {Event: [group...]}}`) into which the kit appends one group per event. */
export function jsonHooksFile(file: string, record: string, groups: readonly JsonHookGroup[], byHand: string): ManagedFile {
  return {
    file,
    record,
    byHand,
    add(current) {
      if (current === null || current.trim() === '') {
        const all: Record<string, unknown[]> = {};
        for (const g of groups) all[g.event] = [g.group];
        return `${JSON.stringify({ hooks: all }, null, 2)}\n`;
      }
      const parsed = parseSettings(current, file);
      if (parsed.hooks !== undefined && (parsed.hooks === null || typeof parsed.hooks !== 'object' || Array.isArray(parsed.hooks))) throw new UsageError(`${file}: "hooks" is not an object`);
      let text = current;
      for (const g of groups) text = appendAt(text, ['hooks', g.event], g.group);
      return text;
    },
    inspect(current): PartState {
      const found = kitGroups(current, file);
      if (found.length === 0) return 'absent';
      if (found.length !== groups.length) return 'edited';
      for (const g of groups) {
        const f = found.find((x) => x.event === g.event);
        if (!f || JSON.stringify(f.group) !== JSON.stringify(g.group)) return 'edited';
      }
      return 'intact';
    },
  };
}

export { newFileWith };
