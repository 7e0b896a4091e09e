// Whether a branch holds what init writes for the agents: a copy made from it has the rules only then.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../config/config-of.ts';
import { gitRaw } from '../git/repo.ts';
import { CLAUDE_BEGIN } from './claude.ts';

const holds = (path: string, text?: string) => existsSync(path) && (text === undefined || readFileSync(path, 'utf8').includes(text));

/**
 * One line for new-session when the main checkout has init's config or CLAUDE.md section but `base`
 * has not committed it (a repository never set up with init gets no warning); else null.
 */
export async function missingOnBase(main: string, base: string): Promise<string | null> {
  const hasConfig = holds(join(main, CONFIG_FILE));
  const hasSection = holds(join(main, 'CLAUDE.md'), CLAUDE_BEGIN);
  if (!hasConfig && !hasSection) return null;
  const listed = await gitRaw(main, ['ls-tree', '--name-only', base, '--', CONFIG_FILE, 'CLAUDE.md']);
  if (listed.code !== 0) return null;
  const names = listed.stdout.split('\n');
  const missing: string[] = [];
  if (hasConfig && !names.includes(CONFIG_FILE)) missing.push(CONFIG_FILE);
  const claude = hasSection && names.includes('CLAUDE.md') ? await gitRaw(main, ['cat-file', 'blob', `${base}:CLAUDE.md`]) : null;
  if (hasSection && (!claude || claude.code !== 0 || !claude.stdout.includes(CLAUDE_BEGIN))) missing.push("CLAUDE.md's Parallel sessions section");
  if (!missing.length) return null;
  return `${base} has no committed ${missing.join(' and no ')}, so this copy lacks ${missing.length > 1 ? 'them' : 'it'} and its agent does not see the rules; make init commit=1 commits them for the next sessions`;
}
