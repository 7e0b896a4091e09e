// Branch patterns of `remote_sessions:` (claude/*, codex/*): git's refspec globs, one `*` that may span folders.

/** A pattern git takes in a refspec: a branch name with at most one `*`. */
export const BRANCH_PATTERN = /^(?!\/|-|.*\/\/|.*\.\.|.*\/$|.*\.lock$|.*[~^:?[\\\s@{])[^*]*\*?[^*]*$/;

export function validBranchPattern(p: string): boolean {
  return p.length > 0 && BRANCH_PATTERN.test(p);
}

/** Whether `branch` is one the pattern names, the way git matches the refspec: `*` stands for any text, slashes too. */
export function matchesBranch(pattern: string, branch: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === branch;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return branch.length >= head.length + tail.length && branch.startsWith(head) && branch.endsWith(tail);
}
