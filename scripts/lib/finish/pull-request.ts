// Pull requests for finish-session: with gh when it is installed and logged in, else the exact command to run.
import { lastLine, run } from '../core/exec.ts';
import { shellQuote } from '../core/shell.ts';

export interface PullRequest {
  created: boolean;
  url: string | null;
  /** The gh command, quoted for a POSIX shell, to run in the main checkout when it was not created here. */
  command: string;
  argv: string[];
  /** Why it was not created (gh missing, not logged in, no remote, gh's error). */
  reason: string | null;
  /** True when gh ran and failed (not merely absent). */
  failed: boolean;
}

export function prArgv(base: string, branch: string, title: string, body: string): string[] {
  return ['gh', 'pr', 'create', '--base', base, '--head', branch, '--title', title, '--body', body];
}

/** 'ready' when gh is installed and logged in, else why not. */
export async function ghState(cwd: string): Promise<'ready' | 'missing' | 'logged-out'> {
  try {
    if ((await run('gh', ['--version'], { cwd })).code !== 0) return 'missing';
  } catch {
    return 'missing';
  }
  return (await run('gh', ['auth', 'status'], { cwd })).code === 0 ? 'ready' : 'logged-out';
}

export async function openPullRequest(cwd: string, env: NodeJS.ProcessEnv, base: string, branch: string, title: string, body: string, hasRemote: boolean): Promise<PullRequest> {
  const argv = prArgv(base, branch, title, body);
  const pr: PullRequest = { created: false, url: null, command: argv.map(shellQuote).join(' '), argv, reason: null, failed: false };
  if (!hasRemote) return { ...pr, reason: 'the repository has no remote origin to open a pull request on; add one and push the branch first' };
  const gh = await ghState(cwd);
  if (gh === 'missing') return { ...pr, reason: 'gh (GitHub CLI) is not installed' };
  if (gh === 'logged-out') return { ...pr, reason: 'gh is not logged in (gh auth login)' };
  const r = await run(argv[0] as string, argv.slice(1), { cwd, env: { ...env, GH_PROMPT_DISABLED: '1' } });
  if (r.code === 0) return { ...pr, created: true, url: r.stdout.trim().split('\n').filter(Boolean).slice(-1)[0] ?? null };
  return { ...pr, reason: `gh pr create failed: ${lastLine(r)}`, failed: true };
}
