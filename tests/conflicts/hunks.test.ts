import { describe, expect, it } from 'vitest';
import { parseHunks, provablyClean } from '../../scripts/lib/conflicts/hunks.ts';
import { makeJson } from '../helpers/make.ts';
import { MERGE_TREE_MODES, skipWithout } from '../helpers/merge-tree.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const PATCH = `diff --git a/a.txt b/a.txt
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644
--- a/a.txt
+++ b/a.txt
@@ -3 +3 @@
@@ -10,0 +11,2 @@
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000000000000000000000000000000000000..3333333333333333333333333333333333333333
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
diff --git a/img.png b/img.png
index 4444444444444444444444444444444444444444..5555555555555555555555555555555555555555 100644
Binary files a/img.png and b/img.png differ
diff --git a/with space.txt b/with space.txt
index 6666666666666666666666666666666666666666..7777777777777777777777777777777777777777 100644
--- a/with space.txt\t
+++ b/with space.txt\t
@@ -1,2 +1,2 @@
`;

describe('the proof that two sessions merge cleanly', () => {
  it('keeps plain line changes with their pre-image, and leaves out new, binary or odd files', () => {
    const h = parseHunks(PATCH);
    expect(h.get('a.txt')).toEqual({ pre: '1111111111111111111111111111111111111111', ranges: [[3, 3], [10, 11]] });
    expect(h.get('with space.txt')).toEqual({ pre: '6666666666666666666666666666666666666666', ranges: [[1, 2]] });
    expect(h.has('new.txt')).toBe(false);
    expect(h.has('img.png')).toBe(false);
  });

  it('proves only far-apart changes to the same version of a file', () => {
    const at = (pre: string, ...ranges: [number, number][]) => new Map([['f', { pre, ranges }]]);
    expect(provablyClean(at('x', [5, 5]), at('x', [20, 22]), ['f'])).toBe(true);
    expect(provablyClean(at('x', [5, 5]), at('x', [6, 6]), ['f'])).toBe(false); // adjacent lines: git may conflict
    expect(provablyClean(at('x', [5, 5]), at('y', [20, 20]), ['f'])).toBe(false); // another version of f
    expect(provablyClean(at('x', [5, 5]), new Map(), ['f'])).toBe(false); // unknown: let git decide
  });

});

describe.each(MERGE_TREE_MODES)('the radar merging %s', (mode) => {
  it('gives the answers git merge-tree gives, proving far-apart edits clean without it when merging per merge', ({ skip }) => {
    skipWithout(mode, skip);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const repo = makeRepo({ files: { 'server/shared.txt': lines } });
    const edit = (name: string, change: (ls: string[]) => string[] | null) => {
      const path = newSession(repo, name).path!;
      const next = change(lines.trimEnd().split('\n'));
      if (next) commitFiles(path, { 'server/shared.txt': `${next.join('\n')}\n` }, `${name} edits`);
      else {
        gitIn(path, 'rm', '-q', 'server/shared.txt');
        gitIn(path, 'commit', '-qm', `${name} deletes`);
      }
    };
    const set = (n: number, text: string) => (ls: string[]) => ls.map((l, i) => (i === n - 1 ? text : l));
    edit('a', set(5, 'a was here'));
    edit('b', set(20, 'b was here'));
    edit('c', set(6, 'c was here'));
    edit('d', () => null);
    const r = makeJson<{ merges: number; pairs: { a: string; b: string; conflict: boolean }[] }>(repo, 'conflicts', {}, { PARALLEL_MERGE_TREE: mode });
    expect(r.code, r.stderr).toBe(0);
    const verdict = Object.fromEntries(r.data.pairs.map((p) => [`${p.a}-${p.b}`, p.conflict]));
    expect(verdict).toEqual({ 'a-b': false, 'a-c': true, 'a-d': true, 'b-c': false, 'b-d': true, 'c-d': true });
    // all 6 pairs meet in one file; merging per merge, a-b and b-c are proven clean and not merged
    expect(r.data.merges).toBe(mode === 'stdin' ? 6 : 4);
  });
});
