// Sparse worktrees: a checkout of some paths only. Git reads a worktree's own sparse settings (its
// config.worktree) only while extensions.worktreeConfig is set in the repository's shared config, so
// these functions also turn that key on and take it out again, leaving the file byte for byte as before.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasMagic } from '../core/glob.ts';
import { FAST_CHECKOUT } from './worktrees.ts';
import { git, gitRaw } from './repo.ts';

export type PathType = 'tree' | 'blob' | 'missing';

/** What `git sparse-checkout set` gets: folders in cone mode, gitignore-style patterns otherwise. */
export interface SparseSpec {
  cone: boolean;
  lines: string[];
}

const EVERYTHING = new Set(['', '.', './']);
const trimmed = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
/** A pattern line that matches this one path (a trailing space would be dropped by git unless escaped). */
const literal = (p: string) => `/${p.replace(/([\\ ]+)$/, (m) => m.replace(/./g, '\\$&'))}`;

/**
 * Cone mode (git's fast matcher, which always checks out the files at the top and directly inside each
 * parent folder) when every entry is a folder, or a name at the top, which cone mode checks out anyway;
 * otherwise (a file deeper down, a pattern with wildcards) non-cone patterns: the top's files, then each
 * entry. An entry of everything ('.', '') gives the whole tree.
 */
export function sparseSpec(entries: readonly { path: string; type: PathType }[]): SparseSpec {
  if (entries.some((e) => EVERYTHING.has(e.path))) return { cone: false, lines: ['/*'] };
  const folder = (e: { path: string; type: PathType }) => e.path.endsWith('/') || e.type === 'tree';
  const coneable = entries.every((e) => !hasMagic(e.path) && (folder(e) || !trimmed(e.path).includes('/')));
  if (coneable) {
    const dirs = entries.filter((e) => folder(e) || e.type === 'missing').map((e) => trimmed(e.path));
    return { cone: true, lines: [...new Set(dirs)] };
  }
  const lines = entries.map((e) => (hasMagic(e.path) ? e.path : folder(e) ? `${literal(trimmed(e.path))}/` : literal(trimmed(e.path))));
  return { cone: false, lines: ['/*', '!/*/', ...new Set(lines)] };
}

/** What each path is in `commit` (a folder, a file, or not there), in one git call. */
export async function pathTypes(cwd: string, commit: string, paths: readonly string[]): Promise<{ path: string; type: PathType }[]> {
  const asked = paths.filter((p) => !EVERYTHING.has(p) && !hasMagic(p) && !p.includes('\n'));
  const out = asked.length ? await git(cwd, ['cat-file', '--batch-check=%(objecttype)'], asked.map((p) => `${commit}:${trimmed(p)}\n`).join('')) : '';
  const types = out.split('\n');
  return paths.map((path) => {
    const i = asked.indexOf(path);
    const t = i < 0 ? '' : (types[i] ?? '');
    return { path, type: t === 'tree' ? 'tree' : t === 'blob' ? 'blob' : 'missing' };
  });
}

/** Writes the worktree's sparse settings and patterns (into its config.worktree and info/sparse-checkout). */
export async function setSparse(worktree: string, spec: SparseSpec): Promise<void> {
  await git(worktree, ['sparse-checkout', 'set', spec.cone ? '--cone' : '--no-cone', '--stdin'], spec.lines.map((l) => `${l}\n`).join(''));
}

/** Checks out HEAD in a worktree made with --no-checkout, only what its sparse patterns hold. */
export async function checkoutSparse(worktree: string): Promise<void> {
  await git(worktree, [...FAST_CHECKOUT, 'read-tree', '-m', '-u', 'HEAD']);
}

/** The sparse patterns a worktree has (one per line, as git keeps them), or null when it is not sparse. */
export async function sparsePatterns(worktree: string): Promise<string[] | null> {
  const r = await gitRaw(worktree, ['sparse-checkout', 'list']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : null;
}

const sharedConfig = (commonDir: string) => join(commonDir, 'config');

/** extensions.worktreeConfig in the shared config: true, false, or null when it is not set. */
export async function worktreeConfigSetting(commonDir: string): Promise<boolean | null> {
  const r = await gitRaw(commonDir, ['config', '--file', sharedConfig(commonDir), '--type=bool', '--get', 'extensions.worktreeConfig']);
  return r.code === 0 ? r.stdout.trim() === 'true' : null;
}

export async function enableWorktreeConfig(commonDir: string): Promise<void> {
  await git(commonDir, ['config', '--file', sharedConfig(commonDir), 'extensions.worktreeConfig', 'true']);
}

/** Unsets the key, and the [extensions] section when nothing else is left in it (git leaves an empty header). */
export async function disableWorktreeConfig(commonDir: string): Promise<void> {
  const file = sharedConfig(commonDir);
  await git(commonDir, ['config', '--file', file, '--unset-all', 'extensions.worktreeConfig']);
  const rest = await gitRaw(commonDir, ['config', '--file', file, '--get-regexp', '^extensions\\.']);
  if (rest.code !== 0 && /^\s*\[extensions\]\s*$/im.test(readFileSync(file, 'utf8'))) await git(commonDir, ['config', '--file', file, '--remove-section', 'extensions']);
}

/** True when the main checkout or any worktree has a config.worktree holding a setting: someone needs the key. */
export function worktreeConfigInUse(commonDir: string): boolean {
  const holds = (file: string) => existsSync(file) && readFileSync(file, 'utf8').split('\n').some((l) => /^\s*[^\s#;[]/.test(l));
  let ids: string[] = [];
  try {
    ids = readdirSync(join(commonDir, 'worktrees'));
  } catch {
    /* no linked worktrees */
  }
  return holds(join(commonDir, 'config.worktree')) || ids.some((id) => holds(join(commonDir, 'worktrees', id, 'config.worktree')));
}
