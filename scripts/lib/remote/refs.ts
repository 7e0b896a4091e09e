// What the one fetch left in the main checkout, read once per command: every ref it writes (the remote's
// branches under refs/remotes/<remote>/, its refs/parallel/* under refs/parallel-remote/<remote>/) and the
// local base, in ONE for-each-ref, shared by every part of the command (web sessions, sharing, the base).
import { OperationError } from '../core/errors.mjs';
import { lastLine, run } from '../core/exec.ts';
import { byText } from '../core/order.ts';
import { gitEnv } from '../git/repo.ts';
import { PUBLISHED_PREFIX } from './fetch.ts';
import { matchesBranch } from './patterns.ts';

/** A ref as the last fetch (or this machine's own push) left it. */
export interface FetchedRef {
  ref: string;
  tip: string;
  /** Committer date of the tip in seconds since the epoch, and as ISO 8601 with its offset. */
  committedS: number;
  committed: string;
  author: string;
  /** The tip's message after its subject line: sharing's commits carry their JSON there. */
  body: string;
}

/** A branch of the remote as last fetched (refs/remotes/<remote>/<branch>). */
export interface FetchedBranch {
  /** The branch's name on the remote: claude/fix-x. */
  branch: string;
  /** refs/remotes/<remote>/<branch> */
  ref: string;
  tip: string;
  /** Committer date of the tip, ISO 8601 with its offset. */
  committed: string;
  author: string;
}

const SEP = '\u001f';

// The body comes last and each ref ends with a NUL (a commit message holds none): a body may hold any other byte.
const FORMAT = `${['%(objectname)', '%(committerdate:unix)', '%(committerdate:iso-strict)', '%(refname)', '%(authorname)', '%(contents:body)'].join(SEP)}%00`;

/**
 * The patterns of the one read: the local branches and origin's (the base and what the counts are against;
 * the radar's refs too, so it reads none of its own: git/base.ts branchRefs reads the same two), the
 * remote's branches and refs/parallel-remote/<remote>/.
 */
export const fetchedPatterns = (remote: string): string[] => [...new Set(['refs/heads/', 'refs/remotes/origin/', `refs/remotes/${remote}/`, `${PUBLISHED_PREFIX}/${remote}/`])];

/** One for-each-ref of fetchedPatterns, by ref name. A git that fails says so (an empty answer would read as no branches). */
export async function readFetchedRefs(main: string, remote: string): Promise<Map<string, FetchedRef>> {
  const r = await run('git', ['for-each-ref', `--format=${FORMAT}`, ...fetchedPatterns(remote)], { cwd: main, env: gitEnv(), ownGroup: true });
  if (r.code !== 0) throw new OperationError(`git for-each-ref failed: ${lastLine(r)}`);
  const out = new Map<string, FetchedRef>();
  for (const record of r.stdout.split('\0')) {
    const fields = record.replace(/^\n/, '').split(SEP);
    const [tip, date, committed, ref, author] = fields;
    if (!tip || !ref || committed === undefined) continue;
    out.set(ref, { ref, tip, committedS: Number(date) || 0, committed, author: author ?? '', body: fields.slice(5).join(SEP) });
  }
  return out;
}

/** The tip of each ref of fetchedRefs, by ref name; `keep` chooses the refs (all by default). */
export async function fetchedTips(ctx: RefsContext, keep: (ref: string) => boolean = () => true): Promise<Map<string, string>> {
  const tips = new Map<string, string>();
  for (const r of (await fetchedRefs(ctx)).values()) if (keep(r.ref)) tips.set(r.ref, r.tip);
  return tips;
}

/** What fetchedRefs needs of a command's Context (structurally: remote/ sits below config/). */
export interface RefsContext {
  main: string;
  config: { remote: string; base: string };
}

const memo = new WeakMap<object, Map<string, Promise<Map<string, FetchedRef>>>>();

/**
 * readFetchedRefs at most once per command (its Context) and remote, after that command's fetch: every part
 * of the command reads the same snapshot. A part that changes these refs (a second fetch, its own push)
 * calls forgetFetchedRefs, and the next reader reads them again.
 */
export function fetchedRefs(ctx: RefsContext, remote = ctx.config.remote): Promise<Map<string, FetchedRef>> {
  let byRemote = memo.get(ctx);
  if (!byRemote) memo.set(ctx, (byRemote = new Map()));
  const key = `${ctx.main}\0${remote}`;
  let p = byRemote.get(key);
  if (!p) byRemote.set(key, (p = readFetchedRefs(ctx.main, remote)));
  return p;
}

export function forgetFetchedRefs(ctx: object): void {
  memo.delete(ctx);
}

/** The remote's branches in a snapshot that match `patterns`, sorted by name. */
export function branchesIn(refs: ReadonlyMap<string, FetchedRef>, remote: string, patterns: readonly string[]): FetchedBranch[] {
  const prefix = `refs/remotes/${remote}/`;
  const out: FetchedBranch[] = [];
  for (const r of refs.values()) {
    if (!r.ref.startsWith(prefix)) continue;
    const branch = r.ref.slice(prefix.length);
    if (branch !== 'HEAD' && patterns.some((p) => matchesBranch(p, branch))) out.push({ branch, ref: r.ref, tip: r.tip, committed: r.committed, author: r.author });
  }
  return out.sort((a, b) => byText(a.branch, b.branch));
}

/** The remote's branches as last fetched that match `patterns` (the command's snapshot). */
export async function fetchedBranches(ctx: RefsContext, patterns: readonly string[]): Promise<FetchedBranch[]> {
  return branchesIn(await fetchedRefs(ctx), ctx.config.remote, patterns);
}
