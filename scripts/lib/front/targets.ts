// The targets a project's own makefiles define, read from their text as the kit's project.mk reads them
// with sed: a line that starts a rule (`name other: prerequisites`), not a variable (`a := b`), a recipe
// (tab) or a comment. Targets made with $(eval) or from variables are not seen; a name seen here is
// left to the project, so the guess errs on the side of never shadowing the project's own target.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** The makefile `make` reads in a folder, in make's own order; null when there is none. */
export function projectMakefile(folder: string): string | null {
  for (const name of ['GNUmakefile', 'makefile', 'Makefile']) {
    const path = join(folder, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The targets one makefile's text defines (the same rule as project.mk's sed). */
export function targetsInText(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^[^#=:$]*::*=/.test(line)) continue;
    const m = /^([^\s#=:$][^#=:$]*):/.exec(line);
    if (m) out.push(...(m[1] as string).trim().split(/\s+/));
  }
  return out;
}

/** The files a makefile includes by a literal name (`include a.mk`, `-include b.mk`), relative to its folder. */
function literalIncludes(text: string, folder: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*-?(?:include|sinclude)[ \t]+([^\n#]*)/gm)) {
    for (const word of (m[1] as string).trim().split(/\s+/)) {
      if (!word || word.includes('$') || /[*?[]/.test(word)) continue;
      out.push(isAbsolute(word) ? word : join(folder, word));
    }
  }
  return out;
}

/** The targets a project's makefile defines, with those of the files it includes by name (one level). */
export function projectTargets(makefile: string): Set<string> {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const text = read(makefile);
  const names = new Set(targetsInText(text));
  for (const inc of literalIncludes(text, dirname(makefile))) for (const t of targetsInText(read(inc))) names.add(t);
  return names;
}
