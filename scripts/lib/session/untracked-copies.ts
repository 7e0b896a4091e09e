// Untracked files (.env and friends) copied from the main checkout into a new session copy.
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { lexists } from '../core/files.ts';
import { isInside } from '../core/paths.ts';
import { globSync, hasMagic } from '../core/glob.ts';

export const WORKTREE_INCLUDE = '.worktreeinclude';
/** Never copied from, never walked into: git's own folder, installed packages, the kit's state. */
const NEVER_COPIED = ['.git', 'node_modules', '.parallel'];

function nearestExisting(dir: string): string {
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function safeRelative(p: string): string | null {
  const n = normalize(p.replace(/\/+$/, ''));
  if (!n || n === '.' || isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`)) return null;
  return n;
}

/** The configured copy list plus the lines of .worktreeinclude (comments and blanks skipped). */
export function copyPatterns(main: string, configured: readonly string[]): string[] {
  const extra = existsSync(join(main, WORKTREE_INCLUDE))
    ? readFileSync(join(main, WORKTREE_INCLUDE), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  return [...new Set([...configured, ...extra])];
}

/** Relative paths (files or folders) in the main checkout that the patterns name and that exist. */
export async function resolveCopies(main: string, patterns: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    if (hasMagic(p)) {
      for (const f of globSync(main, p, { skip: NEVER_COPIED })) {
        const rel = safeRelative(f);
        if (rel) out.add(rel);
      }
    } else {
      const rel = safeRelative(p);
      if (rel && existsSync(join(main, rel))) out.add(rel);
    }
  }
  const real = realpathSync(main);
  // A link itself is copied as a link; reading through one (secrets/key, with secrets a link) must stay inside.
  for (const rel of out) {
    const at = realpathSync(dirname(join(main, rel)));
    if (!isInside(real, at)) throw new OperationError(`copy: ${rel} leads outside the repository (to ${at}) through a symbolic link; take it out of copy: or ${WORKTREE_INCLUDE}`);
  }
  return [...out].sort();
}

/**
 * Copies each path that the destination does not already have; returns what was copied. Symbolic links
 * inside a copied folder are copied as links; a link in the destination's own tree (a committed one)
 * that would lead the write outside the copy is refused.
 */
export function copyInto(main: string, dest: string, paths: readonly string[]): string[] {
  const copied: string[] = [];
  const realDest = realpathSync(dest);
  for (const rel of paths) {
    const to = join(dest, rel);
    if (existsSync(to) || lexists(to)) continue;
    const parent = nearestExisting(dirname(to));
    if (!isInside(realDest, realpathSync(parent))) throw new OperationError(`copy: ${rel} would be written outside the copy (${realpathSync(parent)}) through a symbolic link in it; nothing was copied there`);
    cpSync(join(main, rel), to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
    copied.push(rel);
  }
  return copied;
}

/** True when `path` (relative, in the copy) came from the copy step and still holds what the main checkout has. */
export function isUnchangedCopy(main: string, dest: string, copied: readonly string[], path: string): boolean {
  const p = path.replace(/\/+$/, '');
  if (!copied.some((c) => p === c || p.startsWith(`${c}/`))) return false;
  try {
    const b = join(dest, p);
    return statSync(b).isFile() && readFileSync(join(main, p)).equals(readFileSync(b));
  } catch {
    return false;
  }
}

/** Files under the copied paths whose content differs from the main checkout's (ignored files included). */
export function editedCopies(main: string, dest: string, copied: readonly string[]): string[] {
  const edited: string[] = [];
  const visit = (rel: string) => {
    const at = join(dest, rel);
    let st;
    try {
      st = statSync(at);
    } catch {
      return; // removed in the copy: nothing there to lose
    }
    if (st.isDirectory()) {
      for (const child of readdirSync(at)) visit(join(rel, child));
      return;
    }
    try {
      if (readFileSync(join(main, rel)).equals(readFileSync(at))) return;
    } catch {
      /* new in the copy, or gone from the main checkout */
    }
    edited.push(rel);
  };
  for (const rel of copied) visit(rel);
  return edited;
}
