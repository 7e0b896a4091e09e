// The one fetch of a command that looks beyond this machine: the matched branches and refs/parallel/*, in one
// `git fetch`, with a short timeout and no prompt. A remote that does not answer is a warning, never a failure.
import { lastLine, run } from '../core/exec.ts';
import { gitEnv } from '../git/repo.ts';

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
}

export interface FetchRequest {
  /** The remote's name in the checkout (config `remote:`, default origin). */
  remote: string;
  /** Branch patterns (config `remote_sessions:`): `claude/*`, `codex/*`, or a plain branch name; one `*` at most. */
  branches: readonly string[];
  /** The caller's environment (the library reads no process-wide state): GIT_SSH_COMMAND and GIT_SSH are kept when set. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
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

/**
 * One `git fetch` of the matched branches and refs/parallel/* from `remote` into the main checkout.
 * Never throws for the remote's sake: no such remote, an unreachable or slow one, a refusal all come back
 * as `reached: false` with one warning line for the command to print. Nothing is pushed.
 */
export async function fetchRemote(main: string, req: FetchRequest): Promise<RemoteFetch> {
  const { remote, branches } = req;
  const timeoutMs = req.timeoutMs ?? FETCH_TIMEOUT_MS;
  const setup = await remoteSetup(main, remote);
  if (!setup.url) return { remote, reached: false, warning: `no remote '${remote}' in this repository (config remote:); going on with this machine alone` };
  const r = await run('git', fetchArgs(remote, branches), { cwd: main, env: quietEnv(req.env, setup.sshCommand, timeoutMs), ownGroup: true, timeoutMs });
  if (r.code === 0) return { remote, reached: true, warning: null };
  return { remote, reached: false, warning: `could not fetch from ${remote} (${lastLine(r)}); going on with what was fetched before` };
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
  env: NodeJS.ProcessEnv;
  config: { remote: string; remoteSessions: readonly string[]; base: string };
}

/** The branches of the one fetch: the remote_sessions: patterns and the base (its counts are against origin/<base>). */
export const commandBranches = (config: FetchingContext['config']): string[] => [...new Set([...config.remoteSessions, config.base])];

/** THE fetch of a command: fetchOnce with the config's remote, its remote_sessions: patterns and the base. */
export function fetchForCommand(ctx: FetchingContext): Promise<RemoteFetch> {
  return fetchOnce(ctx, ctx.main, { remote: ctx.config.remote, branches: commandBranches(ctx.config), env: ctx.env });
}
