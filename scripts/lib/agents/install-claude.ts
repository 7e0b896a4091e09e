// make agent-setup agent=claude: a WorktreeCreate hook in the project's .claude/settings.local.json
// (the main checkout's: Claude reads that one from a worktree too), so that `claude -w COMPONENT/NAME`
// starts a full kit session and works in its copy. The file is kept out of git: info/exclude gets
// the line between the kit's markers unless git ignores the file already.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/files.ts';
import { errorMessage, OperationError } from '../core/errors.mjs';
import { join } from 'node:path';
import { git } from '../git/repo.ts';
import { ensureExcluded, excludeFile } from '../git/worktrees.ts';
import { claudeSettings } from './claude.ts';
import { hookArgv } from './launch.ts';
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

/**
 * `claude -w`: Claude is already running when WorktreeCreate fires, so `--settings` cannot apply; but it
 * reads the hooks of the copy's own .claude/settings.local.json for that session (2.1.197, proven in
 * tests/agents/claude-worktree-real.test.ts; the main checkout's hooks do not fire there). The session's
 * hooks (the same as its --settings file) go into that file, merged with any there, kept out of git by
 * the copy's info/exclude unless git ignores the file already.
 */
export async function writeCopySettings(copy: string, root: string, stateDir: string, kitDir: string): Promise<string> {
  const file = join(copy, CLAUDE_SETTINGS);
  const ours = claudeSettings({ stateDir, kitDir, hook: (event?: string) => hookArgv(kitDir, 'claude', stateDir, event) }).hooks;
  let current: { hooks?: Record<string, unknown[]> } & Record<string, unknown> = {};
  if (existsSync(file)) {
    // Someone's own settings: merged into, never replaced (a file that is not a JSON object is left alone).
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new OperationError(`${file} is not JSON (${errorMessage(err)}): fix it, then start the session again`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OperationError(`${file} is not a JSON object: fix it, then start the session again`);
    current = parsed as typeof current;
  }
  const hooks: Record<string, unknown[]> = { ...(current.hooks && typeof current.hooks === 'object' ? current.hooks : {}) };
  // The kit's groups once: any written before (for this or another session's folder, by this kit or an
  // older one, whose hook was dist/hook.mjs) give way to these.
  const kitHook = join(kitDir, 'dist', 'hook.');
  const notKit = (g: unknown) => !JSON.stringify(g).includes(JSON.stringify(kitHook).slice(1, -1));
  for (const [event, groups] of Object.entries(ours)) hooks[event] = [...(Array.isArray(hooks[event]) ? hooks[event]!.filter(notKit) : []), ...groups];
  mkdirSync(join(copy, '.claude'), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify({ ...current, hooks }, null, 2)}\n`);
  const ignored = await git(copy, ['check-ignore', '-q', CLAUDE_SETTINGS]).then(
    () => true,
    () => false,
  );
  if (!ignored) await ensureExcluded(root, await excludeFile(copy), `/${CLAUDE_SETTINGS}`);
  return file;
}
