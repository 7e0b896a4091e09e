// The rebase of a branch with one commit of its own, made by a few small git processes instead of
// `git rebase` (which checks out the base, picks the commit, writes its state folder and starts
// `git notes copy`): the same commit, byte for byte, where that is sure; otherwise the caller runs the
// real rebase. Node pays milliseconds per child it forks, so the git runs of each step go through one
// `sh` (two per copy in all). The scripts are constants; commit ids, refs and the message reach them as
// arguments, environment or standard input, never as text of a script.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { lastLine, run, type RunResult } from '../core/exec.ts';
import { gitEnv, gitRaw } from './repo.ts';
import { parseBatch } from './batch.ts';

/** Hooks and settings that make `git rebase` do more than move one commit: with any of them, no replay. */
const HOOKS = ['pre-rebase', 'prepare-commit-msg', 'post-commit', 'post-checkout', 'post-rewrite', 'reference-transaction'];
const SETTINGS = /^(commit\.gpgsign|commit\.cleanup|core\.commentchar|core\.commentstring|notes\.rewriteref|notes\.rewrite\.rebase|i18n\.commitencoding|rebase\.backend|core\.sparsecheckout)$/i;

/**
 * Whether a replay may stand in for `git rebase` in this repository's worktrees: no hook that a rebase
 * runs, no signing, no notes to carry, no commit encoding, no sparse checkout. Asked once per sync.
 */
export async function replayAllowed(main: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (env.GIT_NOTES_REWRITE_REF || env.GIT_NOTES_REWRITE_MODE) return false;
  const [hooks, config] = await Promise.all([gitRaw(main, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']), gitRaw(main, ['config', '-z', '--name-only', '--list'])]);
  if (hooks.code !== 0 || config.code !== 0) return false;
  const dir = hooks.stdout.trim();
  if (HOOKS.some((h) => existsSync(join(dir, h)))) return false;
  return !config.stdout.split('\0').some((k) => SETTINGS.test(k));
}

const FRAME = `printf '\\0%s %s\\0%s\\0' "$KIT_BATCH_NONCE" "$c" "$e"`;
/**
 * Arguments: head, onto. The copy's status, its own commits not in onto by patch (with parents), the
 * head commit as stored, onto's tree, the merge of onto and head, and the paths that merge adds to
 * head; each framed.
 */
const PROBE = [
  `frame() { { e=$("$@" 2>&1 >&3 3>&-); } 3>&1; c=$?; ${FRAME}; }`,
  'frame git status --porcelain=v2 --branch --untracked-files=all',
  'frame git rev-list --cherry-mark --right-only --parents "$2...$1" --',
  'frame git cat-file commit "$1"',
  'frame git rev-parse --verify --quiet "$2^{tree}"',
  `t=$(git merge-tree --write-tree --no-messages "$2" "$1" 2>/dev/null); c=$?; e=; printf '%s' "$t"; ${FRAME}`,
  `if [ "$c" = 0 ]; then frame git diff --name-only -z --no-renames --diff-filter=A "$1" "$t" --; else c=1; ${FRAME}; fi`,
].join('\n');

/**
 * Arguments: tree, onto, head; the commit message on standard input, the author and the reflog message
 * in the environment. Prints the new commit. `reset --keep` moves the branch, the index and the files
 * that differ (it stops before writing anything when one of them was changed meanwhile) and notes in
 * ORIG_HEAD where the branch was, as a rebase does: anywhere but the head (a commit made meanwhile), it
 * goes back there. Exit 10/11: nothing was changed; 12: the branch had moved and was put back; 13: it
 * could not be.
 */
const APPLY = [
  'n=$(git commit-tree "$1" -p "$2" -F -) || exit 10',
  'printf "%s\\n" "$n"',
  'git reset -q --keep "$n" || exit 11',
  'o=$(git rev-parse --verify --quiet ORIG_HEAD)',
  '[ "$o" = "$3" ] && exit 0',
  'echo "the branch was at $o, not $3" >&2',
  'git reset -q --keep "$o" && exit 12',
  'printf "%s\\n" "$o"',
  'exit 13',
].join('\n');

/** What the probe of a copy found; `status` is always there, the rest only when a replay may follow. */
export interface Probe {
  status: RunResult;
  own: RunResult;
  raw: RunResult;
  ontoTree: RunResult;
  merged: RunResult;
  added: RunResult;
}

/** Runs the probe of the copy at `cwd` for `head` onto `onto`: one sh, six git runs, nothing changed but objects written. */
export async function probeReplay(cwd: string, head: string, onto: string): Promise<Probe | null> {
  const nonce = randomBytes(16).toString('hex');
  const r = await run('sh', ['-c', PROBE, 'sh', head, onto], { cwd, env: gitEnv({ KIT_BATCH_NONCE: nonce }), ownGroup: true });
  const [status, own, raw, ontoTree, merged, added] = parseBatch(r.stdout, nonce);
  return status && own && raw && ontoTree && merged && added ? { status, own, raw, ontoTree, merged, added } : null;
}

/** What git strips from the ends of a name or e-mail it is given (ident.c crud()). */
const crud = (c: string | undefined) => c === undefined || c <= ' ' || '.,:;<>"\\\''.includes(c);
const clean = (s: string) => !crud(s[0]) && !crud(s[s.length - 1]);

interface Authored {
  name: string;
  email: string;
  date: string;
  message: string;
}

/** The author and message of a raw commit with nothing but tree, one parent, author and committer. */
export function authored(raw: string): Authored | null {
  const cut = raw.indexOf('\n\n');
  if (cut < 0 || raw.includes('\uFFFD')) return null;
  const headers = raw.slice(0, cut).split('\n');
  if (headers.length !== 4 || !headers[0]?.startsWith('tree ') || !headers[1]?.startsWith('parent ') || !headers[3]?.startsWith('committer ')) return null;
  const m = /^author ([^<>\n]*) <([^<>\n]*)> (\d+) ([+-]\d{4})$/.exec(headers[2] ?? '');
  if (!m || !clean(m[1] as string) || !clean(m[2] as string)) return null;
  return { name: m[1] as string, email: m[2] as string, date: `@${m[3]} ${m[4]}`, message: raw.slice(cut + 2) };
}

/** A replay worked out from a probe: the merged tree and the author and message to commit it with. */
export interface ReplayPlan {
  tree: string;
  author: Authored;
  /** Paths the merge adds to head: what, if a file of the copy's own is there, the replay would overwrite. */
  added: string[];
}

/**
 * A replay stands in for `git rebase onto` only when the branch has exactly one commit of its own,
 * `head`, with one parent, not already in `onto` by patch (git rebase would drop it), that merges
 * without conflict into a tree other than `onto`'s (git rebase would drop it as empty): then its
 * merge with `onto` (ours) is what the rebase's pick makes. Null otherwise.
 */
export function replayPlan(p: Probe, head: string): ReplayPlan | null {
  const own = p.own.stdout.trim().split('\n');
  if (p.own.code !== 0 || own.length !== 1 || own[0]?.split(' ').length !== 2 || !own[0].startsWith(`+${head} `)) return null;
  const tree = p.merged.stdout.trim();
  if (p.merged.code !== 0 || !/^[0-9a-f]{40,64}$/.test(tree) || tree === p.ontoTree.stdout.trim() || p.raw.code !== 0 || p.added.code !== 0) return null;
  const author = authored(p.raw.stdout);
  return author ? { tree, author, added: p.added.stdout.split('\0').filter(Boolean) } : null;
}

export type Replayed = { ok: true; head: string } | { ok: false; message: string; restored: boolean };

/**
 * Makes the planned commit on `onto` and moves the branch checked out in `cwd` from `head` to it (see
 * APPLY). Null: nothing was changed and the real rebase should be run.
 */
export async function applyReplay(cwd: string, plan: ReplayPlan, head: string, onto: string, branchRef: string): Promise<Replayed | null> {
  const { name, email, date, message } = plan.author;
  const env = gitEnv({ GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_REFLOG_ACTION: `rebase (finish): ${branchRef} onto ${onto}` });
  const r = await run('sh', ['-c', APPLY, 'sh', plan.tree, onto, head], { cwd, env, input: message, ownGroup: true });
  const made = r.stdout.trim();
  if (r.code === 0) return { ok: true, head: made };
  if (r.code === 12) return { ok: false, message: `the branch moved while it was being synced (${lastLine(r)}); nothing was changed, sync it again`, restored: true };
  if (r.code !== 13) return null;
  // Put back it could not be: this says where the commit made meanwhile is, so the caller adds no line of
  // its own (which would name the head from before the sync, not that commit).
  const [synced, theirs] = made.split('\n');
  return { ok: false, message: `the branch moved while it was being synced (${lastLine(r)}) and could not be put back: the copy is on the synced commit ${synced}, and the commit made meanwhile is ${theirs} (ORIG_HEAD); git reset --keep ${theirs} in ${cwd} brings it back`, restored: true };
}
