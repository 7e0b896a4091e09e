// Path questions that need no file system.
import { isAbsolute, relative, sep } from 'node:path';

/** True when `child` is `parent` or lies below it (lexically: resolve symlinks first where that matters). */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}
