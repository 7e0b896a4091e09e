// Pure parts of the conflict radar: which pairs can clash at all, and who strays into whose component.
import type { Config } from '../config/config.ts';
import { componentOf } from '../config/ownership.ts';

interface Changes {
  files: Set<string>;
  /** Every parent folder of a changed file: a file on one side and a folder on the other also clash. */
  dirs: Set<string>;
}

export function changesOf(files: readonly string[]): Changes {
  const dirs = new Set<string>();
  for (const f of files) {
    for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  }
  return { files: new Set(files), dirs };
}

/** Files both changed; `clash` also when one side's file is the other side's folder (only then can a merge conflict). */
export function overlap(a: Changes, b: Changes): { files: string[]; clash: boolean; crossed: boolean } {
  const [small, big] = a.files.size <= b.files.size ? [a, b] : [b, a];
  const files = [...small.files].filter((f) => big.files.has(f)).sort();
  const crossed = [...a.files].some((f) => b.dirs.has(f)) || [...b.files].some((f) => a.dirs.has(f));
  return { files, clash: files.length > 0 || crossed, crossed };
}

/** Index pairs (i < j) whose changes can clash, with the files both changed. */
export function candidatePairs(changed: readonly (readonly string[] | null)[]): { i: number; j: number; files: string[]; crossed: boolean }[] {
  const sets = changed.map((c) => (c ? changesOf(c) : null));
  const out: { i: number; j: number; files: string[]; crossed: boolean }[] = [];
  for (let i = 0; i < sets.length; i++) {
    const a = sets[i];
    if (!a || !a.files.size) continue;
    for (let j = i + 1; j < sets.length; j++) {
      const b = sets[j];
      if (!b || !b.files.size) continue;
      const o = overlap(a, b);
      if (o.clash) out.push({ i, j, files: o.files, crossed: o.crossed });
    }
  }
  return out;
}

export interface Stray {
  /** Changed files outside the paths of the session's own component. */
  outside: string[];
  /** Changed files inside the component of another live session. */
  others: { session: string; component: string; files: string[] }[];
}

/** Where a session's changes land relative to the component claims. */
export function strays(config: Pick<Config, 'components'>, own: { name: string; component: string }, changed: readonly string[], sessions: readonly { name: string; component: string }[]): Stray {
  const mine = config.components[own.component];
  const outside = mine ? changed.filter((f) => componentOf({ components: { [own.component]: mine } }, f) === null) : [...changed];
  const owner = new Map(changed.map((f) => [f, componentOf(config, f)]));
  const others: Stray['others'] = [];
  for (const s of sessions) {
    if (s.name === own.name || s.component === own.component) continue;
    const files = changed.filter((f) => owner.get(f) === s.component);
    if (files.length) others.push({ session: s.name, component: s.component, files });
  }
  return { outside, others };
}
