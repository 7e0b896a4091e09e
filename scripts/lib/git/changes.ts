// What many sessions changed since their merge bases, in one git process (git diff-tree --stdin works on
// every git the kit supports), instead of one or two diffs per session.
import { OperationError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { gitFailure } from './repo.ts';

export interface Changes {
  /** Paths changed (both sides of what would be a rename), sorted. */
  files: string[];
  /** The `-U0` patch text, when asked for (for conflicts/hunks.ts). */
  patch: string | null;
}

/**
 * For each `{ from, to }`: the changes from commit `from` to commit `to`, NUL-safe names from the raw
 * output, and with `patch` the zero-context patch too. Keeps the order of `diffs`.
 */
export async function changesMany(cwd: string, env: NodeJS.ProcessEnv, diffs: readonly { from: string; to: string }[], patch: boolean): Promise<Changes[]> {
  if (!diffs.length) return [];
  // `<to> <from>`: diff-tree takes the later commits as the first one's parents, so it diffs from -> to.
  const args = ['-c', 'core.quotePath=false', 'diff-tree', '--stdin', '--always', '-r', '-z', '--no-renames', '--raw', ...(patch ? ['-p', '-U0', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv'] : [])];
  const r = await run('git', args, { cwd, env, input: diffs.map((d) => `${d.to} ${d.from}\n`).join('') });
  if (r.code !== 0) throw new OperationError(gitFailure(args, r));
  return parseChangesMany(r.stdout, diffs.map((d) => d.to), patch);
}

/**
 * Parses diff-tree --stdin -z --raw [-p] output: per input line `<to> NUL`, then raw entries
 * `:<modes and ids> NUL <path> NUL`, then with -p a NUL and the patch text (which holds no NUL) up to
 * the next `<to> NUL`.
 */
export function parseChangesMany(out: string, tos: readonly string[], patch: boolean): Changes[] {
  const results: Changes[] = [];
  let at = 0;
  for (const [k, to] of tos.entries()) {
    if (out.slice(at, at + to.length + 1) !== `${to}\0`) throw new OperationError(`git diff-tree: unexpected output for ${to.slice(0, 12)}`);
    at += to.length + 1;
    const files: string[] = [];
    while (out[at] === ':') {
      const meta = out.indexOf('\0', at);
      const end = out.indexOf('\0', meta + 1);
      if (meta < 0 || end < 0) throw new OperationError('git diff-tree: output cut short');
      files.push(out.slice(meta + 1, end));
      at = end + 1;
    }
    let text: string | null = null;
    if (patch) {
      text = '';
      if (out[at] === '\0') {
        const next = tos[k + 1];
        const stop = next === undefined ? out.length : out.indexOf('\0', at + 1) - next.length;
        text = out.slice(at + 1, stop);
        at = stop;
      }
    }
    results.push({ files: [...new Set(files)].sort(), patch: text });
  }
  return results;
}
