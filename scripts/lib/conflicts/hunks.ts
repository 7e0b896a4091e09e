// A cheap proof that two sessions merge cleanly, so that git merge-tree runs only where a clash is possible.
// Two sessions that changed a shared text file from the same version of it (the same blob before their
// changes), only in lines at least two apart, merge it cleanly; anything else (renames, modes, binaries,
// other versions, near lines) goes to git.

/** Per plainly modified text file: the blob it changed from, and the old-side line ranges [start, end] it touched. */
export interface FileHunks {
  pre: string;
  ranges: [number, number][];
}
export type SessionHunks = Map<string, FileHunks>;

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/;
const COMPLEX = /^(new file mode|deleted file mode|old mode|new mode|rename |similarity |copy |Binary files|GIT binary patch)/;

/** Parses `git diff -U0` output; files with anything but plain line changes are left out (unknown = not provable). */
export function parseHunks(patch: string): SessionHunks {
  const files: SessionHunks = new Map();
  let pre = '';
  let current: string | null = null;
  let complex = false;
  const flush = () => {
    if (current && complex) files.delete(current);
  };
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      current = null;
      complex = false;
      pre = '';
    } else if (line.startsWith('index ')) {
      pre = /^index ([0-9a-f]+)\.\./.exec(line)?.[1] ?? '';
    } else if (line.startsWith('--- ')) {
      const path = line.slice(4).replace(/\t$/, ''); // git ends a name that holds a space with a tab
      if (path.startsWith('a/')) {
        current = path.slice(2);
        files.set(current, { pre, ranges: [] });
        if (!pre) complex = true;
      } else complex = true; // /dev/null or a quoted name
    } else if (COMPLEX.test(line)) complex = true;
    else if (current && line.startsWith('@@')) {
      const m = HUNK.exec(line);
      if (!m) complex = true;
      else {
        const start = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        files.get(current)?.ranges.push(count === 0 ? [start, start + 1] : [start, start + count - 1]);
      }
    }
  }
  flush();
  return files;
}

/** True only when the two sessions provably merge without conflict in every shared file. */
export function provablyClean(a: SessionHunks, b: SessionHunks, shared: readonly string[]): boolean {
  if (!shared.length) return false;
  for (const f of shared) {
    const ha = a.get(f);
    const hb = b.get(f);
    if (!ha?.ranges.length || !hb?.ranges.length || ha.pre !== hb.pre) return false;
    for (const [s1, e1] of ha.ranges) for (const [s2, e2] of hb.ranges) if (s1 <= e2 + 1 && s2 <= e1 + 1) return false;
  }
  return true;
}
