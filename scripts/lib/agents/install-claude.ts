// make agent-setup agent=claude: a WorktreeCreate hook in the project's .claude/settings.local.json
// (the main checkout's: Claude reads that one from a worktree too), so that `claude -w COMPONENT/NAME`
// starts a full kit session and works in its copy. The file is kept out of git: info/exclude gets
// the line between the kit's markers unless git ignores the file already.
import { join } from 'node:path';
import { singleQuote } from '../core/shell.ts';
import { jsonHooksFile, MARK, type JsonHookGroup } from './install-common.ts';
import type { ManagedFile, PartState } from './managed-file.ts';

export const CLAUDE_SETTINGS = '.claude/settings.local.json';
const BEGIN = '# >>> parallel-kit >>> keeps Claude\'s local settings out of git (make agent-setup agent=claude remove=1 takes it out)';
const END = '# <<< parallel-kit <<<';

export function claudeGroups(kitDir: string): JsonHookGroup[] {
  const command = `node ${singleQuote(`${kitDir}/dist/cmd/claude-worktree.mjs`)} ${MARK}`;
  return [{ event: 'WorktreeCreate', group: { hooks: [{ type: 'command', command, timeout: 600 }] } }];
}

/** The files: the settings, and info/exclude when git does not ignore the settings already. */
export function claudeFiles(main: string, commonDir: string, kitDir: string, ignored: boolean): ManagedFile[] {
  const file = join(main, CLAUDE_SETTINGS);
  const records = join(commonDir, 'parallel-kit');
  const files = [jsonHooksFile(file, join(records, 'claude-settings.local.json.record'), claudeGroups(kitDir), `take out the WorktreeCreate hook marked '${MARK}' in ${file} by hand`)];
  if (ignored) return files;
  const exclude = join(commonDir, 'info', 'exclude');
  const block = `${BEGIN}\n/${CLAUDE_SETTINGS}\n${END}\n`;
  files.push({
    file: exclude,
    record: join(records, 'info-exclude.record'),
    byHand: `take out the lines between the parallel-kit markers in ${exclude} by hand`,
    add: (current) => (current === null || current === '' ? block : current.endsWith('\n') ? current + block : `${current}\n${block}`),
    inspect: (current): PartState => (current.includes(block) ? 'intact' : current.includes(BEGIN.slice(0, 24)) ? 'edited' : 'absent'),
    cut: (current) => current.replace(block, ''),
  });
  return files;
}
