// What every measure starts from: the run's folder, git with a fixed identity, the sample repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_DIR } from '../core/kit-dir.ts';

export const MAKEFILE = join(KIT_DIR, 'Makefile');
export const BUNDLE = (name: string) => join(KIT_DIR, 'dist', 'cmd', `${name}.mjs`);
export const GIT_ID = { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x' };

/** One bench run: its throwaway folder, the sample repository, how many runs each measure makes. */
export interface BenchRun {
  root: string;
  /** The sample repository (sampleRepo), made before the first measure. */
  repo: string;
  runs: number;
  files: number;
  /** The environment every timed command gets (git identity, NO_COLOR). */
  env: NodeJS.ProcessEnv;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ID } });
}

/** A repository with `files` files across 30 folders, three components. */
export function sampleRepo(root: string, files: number): string {
  const repo = join(root, 'repo');
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  for (let i = 0; i < files; i++) {
    const dir = join(repo, ['server', 'ui', 'docs'][i % 3] as string, `d${i % 30}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`.repeat(20));
  }
  writeFileSync(join(repo, 'parallel.config.yaml'), 'components:\n  server: { paths: [server/] }\n  ui: { paths: [ui/] }\n  docs: { paths: [docs/] }\n');
  writeFileSync(join(repo, '.gitignore'), '.parallel/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'sample');
  return repo;
}
