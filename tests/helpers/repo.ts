// Builds real git repositories in temporary folders for tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { fromTemplate } from './template.ts';

const made: string[] = [];
afterAll(() => {
  if (process.env.KEEP_TMP) return;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file (KEEP_TMP=1 keeps it). */
export function tempDir(prefix = 'kit-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

export function sh(cwd: string, cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function gitIn(cwd: string, ...args: string[]): string {
  return sh(cwd, 'git', args).trim();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

export function commitFiles(dir: string, files: Record<string, string>, message = 'change'): string {
  writeFiles(dir, files);
  gitIn(dir, 'add', '-A', '--', ...Object.keys(files));
  gitIn(dir, 'commit', '-q', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}

/** Commits on a branch that no worktree has checked out (branch-mode sessions), through a throwaway worktree. */
export function commitOnBranch(repo: string, branch: string, files: Record<string, string>, message = 'change'): string {
  const tmp = join(tempDir('kit-branch-'), 'wt');
  gitIn(repo, 'worktree', 'add', '-q', tmp, branch);
  const sha = commitFiles(tmp, files, message);
  gitIn(repo, 'worktree', 'remove', tmp);
  return sha;
}

/** Pushes a commit to `bare` from a clone of its own, as a teammate would; returns the new commit. */
export function pushFromElsewhere(bare: string, files: Record<string, string>, message = 'teammate'): string {
  const other = join(tempDir('kit-other-'), 'other');
  gitIn(tempDir('kit-x-'), 'clone', '-q', bare, other);
  const sha = commitFiles(other, files, message);
  gitIn(other, 'push', '-q', 'origin', 'HEAD:main');
  return sha;
}

/** The sample repository's own Makefile: `test`, `run`, and `sync` and `init`, which the kit's commands have too. */
export const SAMPLE_MAKEFILE = ['.PHONY: run test sync init', 'run:', '\t@echo project-run', 'test:', '\t@echo project-test', 'sync:', '\t@echo project-sync', 'init:', '\t@echo project-init', ''].join('\n');

export const DEFAULT_CONFIG = `base: main
workspace: sessions
worktree_root: ../{repo}-sessions
mode: worktree
ports: { range: 8001-8099, env: [PORT] }
components:
  server: { paths: [server/], description: Backend }
  ui: { paths: [ui/], description: Frontend }
  docs: { paths: [docs/], description: Documentation }
copy: [.env]
`;

/** `config` with its port range set to low..high (the ports line added when it has none). */
export function withPorts(config: string, low: number, high: number): string {
  const line = `ports: { range: ${low}-${high}, env: [PORT] }`;
  return /^ports:.*$/m.test(config) ? config.replace(/^ports:.*$/m, line) : `${config}${line}\n`;
}

export interface RepoOptions {
  /** Files of the first commit, besides (or instead of) the sample ones. */
  files?: Record<string, string>;
  /** The committed parallel.config.yaml: DEFAULT_CONFIG unless given; null for none. */
  config?: string | null;
  /** A bare repository beside it (`remote.git`) as origin, with main pushed and tracked. */
  origin?: boolean;
}

const ORIGIN = 'remote.git';

function buildRepo(dir: string, opts: RepoOptions): void {
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  gitIn(repo, 'init', '-q', '-b', 'main');
  // git's sample hooks are inert; without them every copy of the template is half the files
  for (const f of readdirSync(join(repo, '.git/hooks'))) if (f.endsWith('.sample')) rmSync(join(repo, '.git/hooks', f));
  const files: Record<string, string> = {
    'README.md': '# sample\n',
    'server/app.py': 'print("server")\n',
    'ui/app.js': 'console.log("ui")\n',
    'docs/index.md': '# docs\n',
    // The project's own Makefile, as real projects have, with targets that clash with the kit's commands.
    Makefile: SAMPLE_MAKEFILE,
    ...(opts.files ?? {}),
  };
  const config = opts.config === undefined ? DEFAULT_CONFIG : opts.config;
  if (config !== null) files['parallel.config.yaml'] = config;
  files['.gitignore'] = '.parallel/\n.env\n';
  commitFiles(repo, files, 'initial');
  if (opts.origin) {
    gitIn(dir, 'init', '-q', '--bare', '-b', 'main', ORIGIN);
    gitIn(repo, 'remote', 'add', 'origin', join(dir, ORIGIN));
    gitIn(repo, 'push', '-q', '-u', 'origin', 'main');
  }
}

/**
 * A repository at <tmp>/repo on branch main with one commit holding the sample files, `files` and the
 * config, copied from a template (see template.ts). Session copies go beside it in <tmp>/repo-sessions.
 */
export function makeRepo(opts: RepoOptions = {}): string {
  const dir = tempDir('kit-repo-');
  fromTemplate({ repo: opts }, (d) => buildRepo(d, opts), dir);
  const repo = join(dir, 'repo');
  // the one path inside the template: origin's url
  if (opts.origin) gitIn(repo, 'config', 'remote.origin.url', originOf(repo));
  return repo;
}

/** The bare repository of a repository made with `origin: true`. */
export const originOf = (repo: string): string => join(dirname(repo), ORIGIN);
