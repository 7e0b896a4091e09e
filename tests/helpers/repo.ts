// Builds real git repositories in temporary folders for tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

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

export interface RepoOptions {
  files?: Record<string, string>;
  config?: string | null;
}

/**
 * A repository at <tmp>/repo on branch main with one commit holding `files` and a
 * parallel.config.yaml (DEFAULT_CONFIG unless `config` says otherwise; null for none).
 * Session copies go beside it in <tmp>/repo-sessions.
 */
export function makeRepo(opts: RepoOptions = {}): string {
  const dir = join(tempDir('kit-repo-'), 'repo');
  mkdirSync(dir);
  gitIn(dir, 'init', '-q', '-b', 'main');
  const files: Record<string, string> = {
    'README.md': '# sample\n',
    'server/app.py': 'print("server")\n',
    'ui/app.js': 'console.log("ui")\n',
    'docs/index.md': '# docs\n',
    ...(opts.files ?? {}),
  };
  const config = opts.config === undefined ? DEFAULT_CONFIG : opts.config;
  if (config !== null) files['parallel.config.yaml'] = config;
  files['.gitignore'] = '.parallel/\n.env\n';
  commitFiles(dir, files, 'initial');
  return dir;
}

/** A bare repository cloned from `repo`, added to it as origin, with main pushed and tracked. */
export function addBareRemote(repo: string): string {
  const bare = join(dirname(repo), 'remote.git');
  gitIn(dirname(repo), 'clone', '-q', '--bare', repo, bare);
  gitIn(repo, 'remote', 'add', 'origin', bare);
  gitIn(repo, 'fetch', '-q', 'origin');
  gitIn(repo, 'branch', '-q', '--set-upstream-to=origin/main', 'main');
  return bare;
}

export function spawnResult(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
