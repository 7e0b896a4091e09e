// Whether a branch holds what init writes for the agents: a copy made from it has the rules only then.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
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
  const listed = await gitRaw(main, ['ls-tree', base, '--', CONFIG_FILE, 'CLAUDE.md']);
  if (listed.code !== 0) return null;
  // "mode type id<TAB>name" per line
  const modes = new Map(listed.stdout.split('\n').filter(Boolean).map((l) => [l.slice(l.indexOf('\t') + 1), l.split(' ')[0]] as const));
  const missing: string[] = [];
  if (hasConfig && !modes.has(CONFIG_FILE)) missing.push(CONFIG_FILE);
  let claude = hasSection && modes.has('CLAUDE.md') ? await gitRaw(main, ['cat-file', 'blob', `${base}:CLAUDE.md`]) : null;
  // A CLAUDE.md that links to another file of the branch (AGENTS.md): the rules are in that file.
  if (claude?.code === 0 && modes.get('CLAUDE.md') === '120000') claude = await gitRaw(main, ['cat-file', 'blob', `${base}:${posix.normalize(claude.stdout.trim())}`]);
  if (hasSection && (!claude || claude.code !== 0 || !claude.stdout.includes(CLAUDE_BEGIN))) missing.push("CLAUDE.md's Parallel sessions section");
  if (!missing.length) return null;
  return `${base} has no committed ${missing.join(' and no ')}, so this copy lacks ${missing.length > 1 ? 'them' : 'it'} and its agent does not see the rules; make init commit=1 commits them for the next sessions`;
}
