// Path questions that need no file system.
import { isAbsolute, relative, sep } from 'node:path';

/** True when `child` is `parent` or lies below it (lexically: resolve symlinks first where that matters). */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * Whether a repository-relative `path` lies under a component's `prefix`, without globs: `server/` holds
 * everything below it, `server` holds the file `server` and everything below `server/`, `.` or '' holds all.
 */
export function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.replace(/^\.\//, '');
  if (p === '' || p === '.' || p === './') return true;
  return p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`);
}
