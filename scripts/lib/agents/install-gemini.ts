// make agent-setup agent=gemini: the kit's hooks in ~/.gemini/settings.json (user level), for projects
// that track their own .gemini/settings.json. Every command does nothing unless PARALLEL_SESSION is set.
import { join } from 'node:path';
import { UsageError } from '../core/errors.mjs';
import { gatedHookCommand, jsonHooksFile, MARK, type JsonHookGroup } from './install-common.ts';
import type { ManagedFile } from './managed-file.ts';

export const GEMINI_EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'Notification', 'AfterAgent', 'SessionEnd'] as const;

export function geminiHome(env: NodeJS.ProcessEnv): string {
  if (!env.HOME) throw new UsageError('HOME is not set: where is ~/.gemini?');
  return join(env.HOME, '.gemini');
}

export function geminiGroups(kitDir: string): JsonHookGroup[] {
  const command = gatedHookCommand(kitDir, 'gemini');
  return GEMINI_EVENTS.map((event) => ({
    event,
    group: { ...(event === 'BeforeTool' || event === 'AfterTool' ? { matcher: '*' } : {}), hooks: [{ name: 'parallel-kit', type: 'command', command, timeout: 10000 }] },
  }));
}

export function geminiFiles(home: string, kitDir: string): ManagedFile[] {
  const file = join(home, 'settings.json');
  return [jsonHooksFile(file, join(home, 'parallel-kit', 'settings.json.record'), geminiGroups(kitDir), `take out the hooks named parallel-kit (commands marked '${MARK}') in ${file} by hand`)];
}
