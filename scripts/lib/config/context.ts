// Where a command works: the target repository's main checkout, its config and its state folder.
import { resolve } from 'node:path';
import { loadConfig, type Config } from './config.ts';
import { locateRepo, type RepoLocation } from '../git/repo.ts';
import { stateRoot } from '../store/paths.ts';

export interface Context {
  loc: RepoLocation;
  main: string;
  config: Config;
  /** The state folder (.parallel/ of the main checkout, or PARALLEL_DIR). */
  root: string;
}

/** Resolves repo= (default: the current folder) to its main checkout, config and state folder. */
export async function loadContext(repo?: string, cwd = process.cwd()): Promise<Context> {
  const loc = await locateRepo(repo ? resolve(cwd, repo) : cwd);
  const config = await loadConfig(loc.main);
  return { loc, main: loc.main, config, root: stateRoot(loc.main) };
}
