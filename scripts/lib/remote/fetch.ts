// The one fetch of a command that looks beyond this machine: the matched branches and refs/parallel/*, in one
// `git fetch`, with a short timeout and no prompt. A remote that does not answer is a warning, never a failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastLine, run, type RunResult } from '../core/exec.ts';
import { writeFileAtomic } from '../core/files.ts';
import { withLock } from '../core/lock.mjs';
import { gitEnv } from '../git/repo.ts';
import { commitCacheDir, lockPath } from '../store/paths.ts';

/** Where the remote's own refs/parallel/* land: refs/parallel-remote/<remote>/sessions/..., .../claims/... */
export const PUBLISHED_PREFIX = 'refs/parallel-remote';
/** How long the fetch may take before it counts as unreachable. */
export const FETCH_TIMEOUT_MS = 15_000;

export interface RemoteFetch {
  remote: string;
  /** The remote answered: the one fetch ran to the end, so the refs it writes are current. */
  reached: boolean;
  /** One line for the command to print when it did not (no such remote, unreachable, timed out, refused); null when reached. */
  warning: string | null;
  /** Why it did not, in git's own words or "no remote 'X' in this repository"; null when reached. */
  error: string | null;
  /** The repository has no such remote. */
  missing: boolean;
}

export interface FetchRequest {
  /** The remote's name in the checkout (config `remote:`, default origin). */
  remote: string;
  /** Branch patterns (config `remote_sessions:`): `claude/*`, `codex/*`, or a plain branch name; one `*` at most. */
  branches: readonly string[];
  /** The caller's environment (the library reads no process-wide state): GIT_SSH_COMMAND and GIT_SSH are kept when set. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * The state folder: when given, the kit's fetches from one remote take turns (a lock), and one that waited
   * while another fetch of the same refs began and ended does not fetch again: two commands at once never
   * race for git's ref locks.
   */
  root?: string;
}

/** The remote-tracking ref of a branch of the remote: refs/remotes/<remote>/<branch>. */
export const remoteBranchRef = (remote: string, branch: string) => `refs/remotes/${remote}/${branch}`;

/** Where a ref published under refs/parallel/<path> on the remote is read locally: refs/parallel-remote/<remote>/<path>. */
export const publishedRef = (remote: string, path: string) => `${PUBLISHED_PREFIX}/${remote}/${path}`;

/** The refspecs of the one fetch: each branch pattern into refs/remotes/<remote>/, refs/parallel/* into refs/parallel-remote/<remote>/. */
export function fetchRefspecs(remote: string, branches: readonly string[]): string[] {
  return [...branches.map((b) => `+refs/heads/${b}:${remoteBranchRef(remote, b)}`), `+refs/parallel/*:${publishedRef(remote, '*')}`];
}

/**
 * The argument array of the one fetch. --prune with explicit refspecs prunes only under their destinations:
 * a branch merged and deleted on the remote, or a session ref removed, drops out here too. FETCH_HEAD and
 * tags are left alone; no submodules, no maintenance afterwards.
 */
export function fetchArgs(remote: string, branches: readonly string[]): string[] {
  return ['-c', 'credential.interactive=false', 'fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--no-auto-maintenance', remote, ...fetchRefspecs(remote, branches)];
}

const regexQuote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The remote's URL and core.sshCommand, in one git process; url null when there is no such remote. */
async function remoteSetup(main: string, remote: string): Promise<{ url: string | null; sshCommand: string | null }> {
  const r = await run('git', ['config', '--get-regexp', `^(remote\\.${regexQuote(remote)}\\.url|core\\.sshcommand)$`], { cwd: main, env: gitEnv(), ownGroup: true });
  let url: string | null = null;
  let sshCommand: string | null = null;
  for (const line of r.stdout.split('\n')) {
    const at = line.indexOf(' ');
    if (at < 0) continue;
    const key = line.slice(0, at).toLowerCase();
    if (key === 'core.sshcommand') sshCommand = line.slice(at + 1);
    else url = line.slice(at + 1);
  }
  return { url, sshCommand };
}

/** Never a prompt: no terminal questions, ssh in batch mode with a connect timeout (the user's own ssh command kept). */
function quietEnv(env: NodeJS.ProcessEnv, sshCommand: string | null, timeoutMs: number): NodeJS.ProcessEnv {
  const extra: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: '0', SSH_ASKPASS_REQUIRE: 'never', GCM_INTERACTIVE: 'never' };
  if (!env.GIT_SSH_COMMAND && !env.GIT_SSH) extra.GIT_SSH_COMMAND = `${sshCommand ?? 'ssh'} -o BatchMode=yes -o ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 3000))}`;
  return gitEnv(extra);
}

/** git's words when another fetch (the user's, sync's) held a ref this one updates: nothing is wrong, try again. */
const REF_RACE = /cannot lock ref|Unable to create '[^']*\.lock'|packed-refs\.lock|some local refs could not be updated|unable to update local ref/i;

/** Whether every complaint of a failed fetch is about ref locks another fetch held at that moment. */
export function lostRefRace(r: Pick<RunResult, 'code' | 'stderr'>): boolean {
  // git explains a held lock in prose ("Another git process seems to be running..."): only its error and
  // fatal lines count, and every one of them must be about a ref lock.
  const complaints = r.stderr.split('\n').filter((l) => /^(error|fatal|warning):/i.test(l));
  return r.code !== 0 && complaints.length > 0 && complaints.every((l) => REF_RACE.test(l));
}

const RACE_RETRIES = 4;
const failed = (remote: string, error: string, missing = false): RemoteFetch => ({
  remote,
  reached: false,
  error,
  missing,
  warning: missing ? `${error} (config remote:); going on with this machine alone` : `could not fetch from ${remote} (${error}); going on with what was fetched before`,
});

/** The fetch itself; a lost race for a ref lock (another fetch in this repository) is tried again. */
async function runFetch(main: string, req: FetchRequest, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RemoteFetch> {
  for (let i = 0; ; i++) {
    const r = await run('git', fetchArgs(req.remote, req.branches), { cwd: main, env, ownGroup: true, timeoutMs });
    if (r.code === 0) return { remote: req.remote, reached: true, warning: null, error: null, missing: false };
    if (i >= RACE_RETRIES || !lostRefRace(r)) return failed(req.remote, lastLine(r));
    await new Promise((res) => setTimeout(res, 20 + Math.random() * 60 * (i + 1)));
  }
}

interface LastFetch {
  refspecs: string;
  started_ms: number;
  reached: boolean;
}

const lastFile = (root: string, remote: string) => join(commitCacheDir(root), `fetch-${encodeURIComponent(remote)}.json`);

function readLast(root: string, remote: string): LastFetch | null {
  try {
    const v = JSON.parse(readFileSync(lastFile(root, remote), 'utf8')) as LastFetch;
    return typeof v.started_ms === 'number' && typeof v.refspecs === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * One `git fetch` of the matched branches and refs/parallel/* from `remote` into the main checkout.
 * Never throws for the remote's sake: no such remote, an unreachable or slow one, a refusal all come back
 * as `reached: false` with one warning line for the command to print. Nothing is pushed.
 */
export async function fetchRemote(main: string, req: FetchRequest): Promise<RemoteFetch> {
  const { remote, root } = req;
  const timeoutMs = req.timeoutMs ?? FETCH_TIMEOUT_MS;
  const setup = await remoteSetup(main, remote);
  if (!setup.url) return failed(remote, `no remote '${remote}' in this repository`, true);
  const env = quietEnv(req.env, setup.sshCommand, timeoutMs);
  if (!root) return runFetch(main, req, env, timeoutMs);
  const asked = Date.now();
  const refspecs = fetchRefspecs(remote, req.branches).join(' ');
  try {
    return await withLock(
      lockPath(root, `fetch-${encodeURIComponent(remote)}`),
      async () => {
        // A fetch of the same refs that began after this one was asked for has just ended: its refs are as fresh.
        const last = readLast(root, remote);
        if (last?.reached && last.refspecs === refspecs && last.started_ms >= asked) return { remote, reached: true, warning: null, error: null, missing: false };
        const started = Date.now();
        const got = await runFetch(main, req, env, timeoutMs);
        try {
          // A hint, not a record: no fsync (a crash only costs the next command its chance to skip a fetch).
          writeFileAtomic(lastFile(root, remote), JSON.stringify({ refspecs, started_ms: started, reached: got.reached } satisfies LastFetch), false);
        } catch {
          /* only the next command's chance to skip its fetch */
        }
        return got;
      },
      { timeoutMs: timeoutMs * 2 },
    );
  } catch (err) {
    return failed(remote, `another command's fetch did not end in time: ${(err as Error).message}`);
  }
}

const fetched = new WeakMap<object, Map<string, Promise<RemoteFetch>>>();

/**
 * fetchRemote at most once per `owner` (the command's Context) and remote: every part of one command that
 * needs the remote's refs shares the one fetch.
 */
export function fetchOnce(owner: object, main: string, req: FetchRequest): Promise<RemoteFetch> {
  let byRemote = fetched.get(owner);
  if (!byRemote) fetched.set(owner, (byRemote = new Map()));
  const key = `${main}\0${req.remote}`;
  let p = byRemote.get(key);
  if (!p) byRemote.set(key, (p = fetchRemote(main, req)));
  return p;
}

/** What fetchForCommand needs of a command's Context (structurally: remote/ sits below config/). */
export interface FetchingContext {
  main: string;
  /** The state folder (the fetch lock). */
  root: string;
  env: NodeJS.ProcessEnv;
  config: { remote: string; remoteSessions: readonly string[]; base: string };
}

/** The branches of the one fetch: the remote_sessions: patterns and the base (its counts are against origin/<base>). */
export const commandBranches = (config: FetchingContext['config']): string[] => [...new Set([...config.remoteSessions, config.base])];

/**
 * THE fetch of a command, the one way every part of it asks (web sessions, sharing, adopt, claims): fetchOnce
 * of `remote` (default the config's remote:; sharing's share: may name another) with the remote_sessions:
 * patterns and the base.
 */
export function fetchForCommand(ctx: FetchingContext, remote = ctx.config.remote): Promise<RemoteFetch> {
  return fetchOnce(ctx, ctx.main, { remote, branches: commandBranches(ctx.config), env: ctx.env, root: ctx.root });
}
