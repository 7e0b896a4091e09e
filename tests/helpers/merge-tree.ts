// The two ways git merge-tree runs the radar's merges: every case runs through both, and the one this
// machine's git lacks is skipped with the reason (counted as skipped, never passed).
import { gitVersion, hasMergeTreeStdin, type MergeTreeMode } from '../../scripts/lib/git/merge-tree.ts';

const version = await gitVersion();
export const GIT_VERSION = version.join('.');
export const GIT_HAS_STDIN = hasMergeTreeStdin(version);
export const MERGE_TREE_MODES: MergeTreeMode[] = ['per-merge', 'stdin'];

/** Skips the running test when this git cannot merge in `mode`. */
export function skipWithout(mode: MergeTreeMode, skip: (condition: boolean, note?: string) => void): void {
  skip(mode === 'stdin' && !GIT_HAS_STDIN, `git ${GIT_VERSION} has no merge-tree --stdin (git 2.40+): only the per-merge path runs here`);
}
